"""The staff sign-in and sign-out pages, one shape for every kind of staff: ambassadors sign in per
centre (/ambassador/sign-in), agents per team (/agent/sign-in)."""

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.api.deps import SettingsDep, SignInLimiterDep
from bot.api.sessions import StaffKind, account_secrets, account_session_cookie, check_account_secret, is_production
from bot.api.sign_in_limits import client_address, retry_minutes
from bot.api.templating import TEMPLATES, page_language
from bot.settings import Settings

logger = logging.getLogger(__name__)


def staff_sign_in_router(kind: StaffKind) -> APIRouter:
    """GET and POST /<kind>/sign-in and POST /<kind>/sign-out; the form names the account by the kind's
    claim ("centre", "team")."""
    router = APIRouter(tags=[kind.name])
    home = f"/{kind.name}"
    # Evaluated here, not postponed: FastAPI reads the form field's name from this closure's `kind`.
    account_field = Annotated[str, Form(max_length=100, alias=kind.claim)]

    @router.get(f"{home}/sign-in", response_class=HTMLResponse, include_in_schema=False)
    def sign_in_page(request: Request, settings: SettingsDep, lang: str | None = None) -> HTMLResponse:
        return _sign_in(request, settings, kind, page_language(request, lang), error=None, status_code=200)

    @router.post(f"{home}/sign-in", response_class=HTMLResponse, include_in_schema=False)
    def sign_in(
        request: Request,
        settings: SettingsDep,
        limiter: SignInLimiterDep,
        account: account_field = "",
        secret: Annotated[str, Form(max_length=500)] = "",
        lang: Annotated[str, Form()] = "en",
    ) -> Response:
        language = page_language(request, lang)
        accounts = account_secrets(settings, kind)
        if not accounts:
            return _sign_in(request, settings, kind, language, error="closed", status_code=503)
        client, known = client_address(request), account if account in accounts else None
        wait = limiter.retry_after(kind.name, client, known)
        if wait is not None:
            logger.info("%s sign-in refused: too many failed attempts", kind.name)
            return _sign_in(request, settings, kind, language, error="too_many", status_code=429, retry_after=wait)
        if not check_account_secret(settings, kind, account, secret):
            limiter.failed(kind.name, client, known)
            logger.info("%s sign-in refused", kind.name)
            return _sign_in(request, settings, kind, language, error="wrong", status_code=401)
        limiter.succeeded(kind.name, client)
        response = RedirectResponse(f"{home}?lang={language}", status_code=303)
        response.set_cookie(
            kind.cookie,
            account_session_cookie(settings, kind, account),
            max_age=int(kind.hours(settings) * 3600),
            httponly=True,
            samesite="strict",
            secure=is_production(settings),
            path="/",
        )
        return response

    @router.post(f"{home}/sign-out", include_in_schema=False)
    def sign_out(request: Request, lang: Annotated[str, Form()] = "en") -> RedirectResponse:
        response = RedirectResponse(f"{home}/sign-in?lang={page_language(request, lang)}", status_code=303)
        response.delete_cookie(kind.cookie, path="/")
        return response

    return router


def _sign_in(
    request: Request,
    settings: Settings,
    kind: StaffKind,
    language: str,
    error: str | None,
    status_code: int,
    retry_after: int | None = None,
) -> HTMLResponse:
    context = {
        "lang": language,
        "kind": kind.name,
        "field": kind.claim,
        "accounts": sorted(account_secrets(settings, kind)),
        "error": error,
    }
    headers = {}
    if retry_after is not None:
        context["retry_minutes"] = retry_minutes(retry_after)
        headers = {"Retry-After": str(retry_after)}
    return TEMPLATES.TemplateResponse(request, "staff_sign_in.html", context, status_code=status_code, headers=headers)
