"""Ambassadors' lookup page; ambassadors sign in per service centre (bot/api/pages/staff_sign_in.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.api.deps import SettingsDep
from bot.api.pages.staff_sign_in import staff_sign_in_router
from bot.api.sessions import AMBASSADOR, signed_in_account
from bot.api.templating import TEMPLATES, page_language

router = APIRouter(tags=["ambassador"])


@router.get("/ambassador", response_class=HTMLResponse, include_in_schema=False)
def lookup_page(request: Request, settings: SettingsDep, lang: str | None = None) -> Response:
    language = page_language(request, lang)
    centre = signed_in_account(request, settings, AMBASSADOR)
    if centre is None:
        return RedirectResponse(f"/ambassador/sign-in?lang={language}", status_code=303)
    return TEMPLATES.TemplateResponse(request, "ambassador.html", {"lang": language, "centre": centre})


router.include_router(staff_sign_in_router(AMBASSADOR))
