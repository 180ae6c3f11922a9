"""The website chat page (full page, or in a frame for the embeddable widget)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from bot.api.deps import SettingsDep
from bot.api.templating import TEMPLATES, page_language

router = APIRouter(tags=["chat"])


@router.get("/chat", response_class=HTMLResponse, include_in_schema=False)
def chat_page(
    request: Request, settings: SettingsDep, lang: str | None = None, embed: Annotated[bool, Query()] = False
) -> HTMLResponse:
    language = page_language(request, lang)
    context = {
        "lang": language,
        "embed": embed,
        "agent_poll_ms": int(settings.chat_agent_poll_seconds * 1000),
        "return_after_ms": int(settings.chat_return_after_minutes * 60_000),
    }
    # May be framed by partner sites (DALEEL_CHAT_FRAME_ANCESTORS): bot/api/security.py.
    return TEMPLATES.TemplateResponse(request, "chat.html", context)
