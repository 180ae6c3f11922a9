"""Ambassadors' lookup page and the staff sign-in."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.api.deps import SettingsDep, SignInLimiterDep
from bot.api.sessions import (
    STAFF_COOKIE,
    centre_secrets,
    check_secret,
    is_production,
    signed_in_centre,
    staff_session_cookie,
)
from bot.api.sign_in_limits import client_address, retry_minutes
from bot.api.templating import TEMPLATES, page_language

router = APIRouter(tags=["ambassador"])
logger = logging.getLogger(__name__)


@router.get("/ambassador", response_class=HTMLResponse, include_in_schema=False)
def lookup_page(request: Request, settings: SettingsDep, lang: str | None = None) -> Response:
    language = page_language(request, lang)
    centre = signed_in_centre(request, settings)
    if centre is None:
        return RedirectResponse(f"/ambassador/sign-in?lang={language}", status_code=303)
    return TEMPLATES.TemplateResponse(request, "ambassador.html", {"lang": language, "centre": centre})


@router.get("/ambassador/sign-in", response_class=HTMLResponse, include_in_schema=False)
def sign_in_page(request: Request, settings: SettingsDep, lang: str | None = None) -> HTMLResponse:
    return _sign_in(request, settings, page_language(request, lang), error=None, status_code=200)


@router.post("/ambassador/sign-in", response_class=HTMLResponse, include_in_schema=False)
def sign_in(
    request: Request,
    settings: SettingsDep,
    limiter: SignInLimiterDep,
    centre: Annotated[str, Form(max_length=100)] = "",
    secret: Annotated[str, Form(max_length=500)] = "",
    lang: Annotated[str, Form()] = "en",
) -> Response:
    language = page_language(request, lang)
    if not centre_secrets(settings):
        return _sign_in(request, settings, language, error="closed", status_code=503)
    client, account = client_address(request), centre if centre in centre_secrets(settings) else None
    wait = limiter.retry_after("ambassador", client, account)
    if wait is not None:
        logger.info("staff sign-in refused: too many failed attempts")
        return _sign_in(request, settings, language, error="too_many", status_code=429, retry_after=wait)
    if not check_secret(settings, centre, secret):
        limiter.failed("ambassador", client, account)
        logger.info("staff sign-in refused")
        return _sign_in(request, settings, language, error="wrong", status_code=401)
    limiter.succeeded("ambassador", client)
    response = RedirectResponse(f"/ambassador?lang={language}", status_code=303)
    response.set_cookie(
        STAFF_COOKIE,
        staff_session_cookie(settings, centre),
        max_age=int(settings.ambassador_session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=is_production(settings),
        path="/",
    )
    return response


@router.post("/ambassador/sign-out", include_in_schema=False)
def sign_out(request: Request, lang: Annotated[str, Form()] = "en") -> RedirectResponse:
    response = RedirectResponse(f"/ambassador/sign-in?lang={page_language(request, lang)}", status_code=303)
    response.delete_cookie(STAFF_COOKIE, path="/")
    return response


def _sign_in(
    request: Request, settings, language: str, error: str | None, status_code: int, retry_after: int | None = None
) -> HTMLResponse:
    context = {
        "lang": language,
        "centres": sorted(centre_secrets(settings)),
        "error": error,
        "production": is_production(settings),
    }
    headers = {}
    if retry_after is not None:
        context["retry_minutes"] = retry_minutes(retry_after)
        headers = {"Retry-After": str(retry_after)}
    return TEMPLATES.TemplateResponse(request, "sign_in.html", context, status_code=status_code, headers=headers)
