"""Server-rendered pages: the Jinja2 templates (bot/templates/), the page language (headers: bot/api/security.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from fastapi import Request
from fastapi.templating import Jinja2Templates

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
PageLanguage = Literal["ar", "en"]


def page_language(request: Request, lang: str | None) -> PageLanguage:
    """?lang= when given, else the browser's first preferred language, else English."""
    if lang in ("ar", "en"):
        return lang
    preferred = request.headers.get("accept-language", "").split(",")[0].strip().lower()
    return "ar" if preferred.startswith("ar") else "en"
