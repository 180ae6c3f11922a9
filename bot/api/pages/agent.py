"""The agent console page; agents sign in per team (bot/api/pages/staff_sign_in.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.api.deps import SettingsDep
from bot.api.pages.staff_sign_in import staff_sign_in_router
from bot.api.sessions import AGENT, signed_in_account
from bot.api.templating import TEMPLATES, page_language

router = APIRouter(tags=["agent"])


@router.get("/agent", response_class=HTMLResponse, include_in_schema=False)
def console_page(request: Request, settings: SettingsDep, lang: str | None = None) -> Response:
    language = page_language(request, lang)
    team = signed_in_account(request, settings, AGENT)
    if team is None:
        return RedirectResponse(f"/agent/sign-in?lang={language}", status_code=303)
    return TEMPLATES.TemplateResponse(request, "agent.html", {"lang": language, "team": team})


router.include_router(staff_sign_in_router(AGENT))
