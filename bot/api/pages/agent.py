"""The agent console page and the agents' sign-in (per team, like the ambassadors' centres)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.api.deps import SettingsDep, SignInLimiterDep
from bot.api.sessions import (
    AGENT,
    account_secrets,
    account_session_cookie,
    check_account_secret,
    is_production,
    signed_in_account,
)
from bot.api.sign_in_limits import client_address, retry_minutes
from bot.api.templating import TEMPLATES, page_language
from bot.settings import Settings

router = APIRouter(tags=["agent"])
logger = logging.getLogger(__name__)


@router.get("/agent", response_class=HTMLResponse, include_in_schema=False)
def console_page(request: Request, settings: SettingsDep, lang: str | None = None) -> Response:
    language = page_language(request, lang)
    team = signed_in_account(request, settings, AGENT)
    if team is None:
        return RedirectResponse(f"/agent/sign-in?lang={language}", status_code=303)
    return TEMPLATES.TemplateResponse(request, "agent.html", {"lang": language, "team": team})


@router.get("/agent/sign-in", response_class=HTMLResponse, include_in_schema=False)
def sign_in_page(request: Request, settings: SettingsDep, lang: str | None = None) -> HTMLResponse:
    return _sign_in(request, settings, page_language(request, lang), error=None, status_code=200)


@router.post("/agent/sign-in", response_class=HTMLResponse, include_in_schema=False)
def sign_in(
    request: Request,
    settings: SettingsDep,
    limiter: SignInLimiterDep,
    team: Annotated[str, Form(max_length=100)] = "",
    secret: Annotated[str, Form(max_length=500)] = "",
    lang: Annotated[str, Form()] = "en",
) -> Response:
    language = page_language(request, lang)
    teams = account_secrets(settings, AGENT)
    if not teams:
        return _sign_in(request, settings, language, error="closed", status_code=503)
    client, account = client_address(request), team if team in teams else None
    wait = limiter.retry_after(AGENT.name, client, account)
    if wait is not None:
        logger.info("agent sign-in refused: too many failed attempts")
        return _sign_in(request, settings, language, error="too_many", status_code=429, retry_after=wait)
    if not check_account_secret(settings, AGENT, team, secret):
        limiter.failed(AGENT.name, client, account)
        logger.info("agent sign-in refused")
        return _sign_in(request, settings, language, error="wrong", status_code=401)
    limiter.succeeded(AGENT.name, client)
    response = RedirectResponse(f"/agent?lang={language}", status_code=303)
    response.set_cookie(
        AGENT.cookie,
        account_session_cookie(settings, AGENT, team),
        max_age=int(settings.agent_session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=is_production(settings),
        path="/",
    )
    return response


@router.post("/agent/sign-out", include_in_schema=False)
def sign_out(request: Request, lang: Annotated[str, Form()] = "en") -> RedirectResponse:
    response = RedirectResponse(f"/agent/sign-in?lang={page_language(request, lang)}", status_code=303)
    response.delete_cookie(AGENT.cookie, path="/")
    return response


def _sign_in(
    request: Request,
    settings: Settings,
    language: str,
    error: str | None,
    status_code: int,
    retry_after: int | None = None,
) -> HTMLResponse:
    context = {"lang": language, "teams": sorted(account_secrets(settings, AGENT)), "error": error}
    headers = {}
    if retry_after is not None:
        context["retry_minutes"] = retry_minutes(retry_after)
        headers = {"Retry-After": str(retry_after)}
    return TEMPLATES.TemplateResponse(request, "agent_sign_in.html", context, status_code=status_code, headers=headers)
