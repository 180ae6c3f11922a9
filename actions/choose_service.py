"""action_choose_service: the customer picked one of the services the bot offered.

Accepts the button payload /choose_service{"service_id": "..."} or, where
buttons are not shown (WhatsApp text), a number / ordinal ("2", "الثاني").
An id that was not offered, or is not in the catalogue, gets a polite answer
and nothing is logged.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_text, route_and_log, service_record

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


class ActionChooseService(Action):
    def name(self) -> str:
        return "action_choose_service"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        offered = [i for i in (tracker.get_slot("offered_services") or []) if isinstance(i, str)]
        service_id = chosen_id(tracker, offered)
        service = service_record(service_id) if service_id in offered else None
        if service is None:
            dispatcher.utter_message(response="utter_choice_unknown")
            return [SlotSet("feedback_pending", False)]
        if tracker.get_slot("assist_requested"):
            from actions.cannot_use_app import assisted_answer

            return assisted_answer(dispatcher, tracker, service)
        return route_and_log(dispatcher, tracker, service)
