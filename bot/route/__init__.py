"""The route core: one customer message -> the service it is about and its smart channel.

Pure: imports only bot.text and service_catalog (checked by import-linter, see pyproject.toml)."""

from bot.route.contract import RouteAnswer
from bot.route.router import InvalidText, Router, default_router, detect_language, route_text, validate_text

__all__ = ["InvalidText", "RouteAnswer", "Router", "default_router", "detect_language", "route_text", "validate_text"]
