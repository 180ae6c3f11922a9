"""Ambassadors' lookup page: staff sign-in, the page, and assisted deflections ("customer moved to the app")."""
from __future__ import annotations

import logging
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from bot.api.deps import RouterDep, SettingsDep
from bot.api.pages import TEMPLATES, page_language, security_headers
from bot.api.sign_in_limits import SignInLimiterDep, client_address, retry_minutes
from bot.api.staff import COOKIE, StaffDep, centre_secrets, check_secret, is_production, session_cookie, \
    signed_in_centre
from bot.deflections import record_deflection

router = APIRouter(tags=["ambassador"])
logger = logging.getLogger(__name__)
_NO_FRAMES = security_headers("'none'")


class DeflectionIn(BaseModel):
    service_id: str = Field(min_length=3, max_length=128)
    language: Literal["ar", "en"] = "en"


class DeflectionOut(BaseModel):
    recorded: bool
    service_id: str
    entity: str
    channel: str


@router.get("/ambassador", response_class=HTMLResponse, include_in_schema=False)
def lookup_page(request: Request, settings: SettingsDep, lang: str | None = None) -> Response:
    language = page_language(request, lang)
    centre = signed_in_centre(request, settings)
    if centre is None:
        return RedirectResponse(f"/ambassador/sign-in?lang={language}", status_code=303)
    return TEMPLATES.TemplateResponse(request, "ambassador.html", {"lang": language, "centre": centre},
                                      headers=_NO_FRAMES)


@router.get("/ambassador/sign-in", response_class=HTMLResponse, include_in_schema=False)
def sign_in_page(request: Request, settings: SettingsDep, lang: str | None = None) -> HTMLResponse:
    return _sign_in(request, settings, page_language(request, lang), error=None, status_code=200)


@router.post("/ambassador/sign-in", response_class=HTMLResponse, include_in_schema=False)
def sign_in(request: Request, settings: SettingsDep, limiter: SignInLimiterDep,
            centre: Annotated[str, Form(max_length=100)] = "", secret: Annotated[str, Form(max_length=500)] = "",
            lang: Annotated[str, Form()] = "en") -> Response:
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
    response.set_cookie(COOKIE, session_cookie(settings, centre), max_age=int(settings.ambassador_session_hours * 3600),
                        httponly=True, samesite="strict", secure=is_production(settings), path="/")
    return response


@router.post("/ambassador/sign-out", include_in_schema=False)
def sign_out(request: Request, lang: Annotated[str, Form()] = "en") -> RedirectResponse:
    response = RedirectResponse(f"/ambassador/sign-in?lang={page_language(request, lang)}", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _sign_in(request: Request, settings, language: str, error: str | None, status_code: int,
             retry_after: int | None = None) -> HTMLResponse:
    context = {"lang": language, "centres": sorted(centre_secrets(settings)), "error": error,
               "production": is_production(settings)}
    headers = _NO_FRAMES
    if retry_after is not None:
        context["retry_minutes"] = retry_minutes(retry_after)
        headers = {**_NO_FRAMES, "Retry-After": str(retry_after)}
    return TEMPLATES.TemplateResponse(request, "sign_in.html", context, status_code=status_code, headers=headers)


@router.post("/api/v1/ambassador/deflections", response_model=DeflectionOut, status_code=201,
             responses={401: {"description": "staff sign-in required"}, 404: {"description": "unknown service"}})
def customer_moved_to_app(body: DeflectionIn, centre: StaffDep, service_router: RouterDep) -> DeflectionOut:
    """An ambassador moved a customer to the smart channel: one routed visit per button press."""
    service = service_router.catalogue.by_id().get(body.service_id)
    if service is None or service.status != "active":
        raise HTTPException(status_code=404, detail=f"no service with id {body.service_id!r}")
    entity, channel = service.id.split(".", 1)[0], service.channels[0].name
    recorded = record_deflection(conversation_id=f"ambassador-{uuid.uuid4()}", service_id=service.id, entity=entity,
                                 channel=channel, language=body.language, source="ambassador", outcome="routed")
    logger.info("assisted deflection for %s at centre %s", service.id, centre)
    return DeflectionOut(recorded=recorded, service_id=service.id, entity=entity, channel=channel)
