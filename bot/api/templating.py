"""Server-rendered pages: the Jinja2 templates (bot/templates/), the page language, security headers."""

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


def security_headers(frame_ancestors: str) -> dict[str, str]:
    """Scripts, styles and images only from this app; who may frame the page."""
    policy = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}"
    )
    return {"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
