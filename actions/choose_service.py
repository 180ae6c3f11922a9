"""action_choose_service: the customer picked one of the services the bot offered.

Accepts the button payload /choose_service{"service_id": "..."} or, where
buttons are not shown (WhatsApp text), a number / ordinal ("2", "الثاني").
An id that was not offered, or is not in the catalogue, gets a polite answer
and nothing is logged.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.choice import chosen_id
from actions.common import route_and_log, service_record


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
