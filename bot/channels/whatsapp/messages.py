"""The connector's own texts, from messages.yml, in the customer's language (both when unknown)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

MESSAGES = Path(__file__).with_name("messages.yml")
LANGUAGES = ("ar", "en")


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, dict[str, str]]:
    return yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))


def message(key: str, language: str | None) -> str:
    """The text in the language; Arabic then English when the language is not known yet."""
    texts = _catalogue()[key]
    if language in LANGUAGES:
        return texts[language]
    return f"{texts['ar']}\n\n{texts['en']}"
