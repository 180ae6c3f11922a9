"""Which of the offered services a message picks: a button's service_id entity, or a typed number
or ordinal ("2", "the second", "الثاني", "the last one"). Shared by action_choose_service and
action_cannot_use_app ("I can't use apps, the second one")."""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from actions.common import latest_text

_ORDINALS = {
    1: r"1|١|first|1st|awal|awwal|el awal|اول|أول|الاول|الأول",
    2: r"2|٢|second|2nd|thani|el thani|ثاني|الثاني|اثنين|ثنين",
    3: r"3|٣|third|3rd|thaleth|thalith|el thaleth|ثالث|الثالث|ثلاثة",
}


_LAST = r"last|the last|akher|el akher|الاخير|الأخير|آخر واحد|اخر واحد"


def ordinal(text: str, count: int = 0) -> int | None:
    """1, 2 or 3 from a typed choice ("2", "the second", "الثاني"); "last" is the count offered."""
    if count and re.search(rf"(?<![\w])({_LAST})(?![\w])", text.lower()):
        return count
    found = [n for n, pattern in _ORDINALS.items() if re.search(rf"(?<![\w]){pattern}(?![\w])", text.lower())]
    return found[0] if len(found) == 1 else None


def chosen_id(tracker: Tracker, offered: list[str]) -> str | None:
    ids = [
        e.get("value") for e in (tracker.latest_message or {}).get("entities") or [] if e.get("entity") == "service_id"
    ]
    ids = [i for i in ids if isinstance(i, str)]
    if ids:
        return ids[0]
    number = ordinal(latest_text(tracker), len(offered))
    if number and number <= len(offered):
        return offered[number - 1]
    return None
