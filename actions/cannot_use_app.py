"""action_cannot_use_app: an assisted or in-person way for customers who cannot use the app
(elderly, people of determination, no UAE PASS, no smartphone).

Logged as "assisted_in_person" (not "routed"). With no service in focus the bot
asks which service, and the next answer gives the assisted option.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_line, language, lines, log_deflection, service_from_message_or_focus, service_name

ASSISTED_KINDS = ("service_centre", "call_centre", "whatsapp", "kiosk")


def _kind(channel) -> str:
    kind = getattr(channel, "kind", "")
    return getattr(kind, "value", kind)


def assisted_answer(dispatcher: CollectingDispatcher, tracker: Tracker, service) -> list[dict[str, Any]]:
    lang = language(tracker)
    name = service_name(service, lang)
    assisted = [c for c in service.channels if _kind(c) in ASSISTED_KINDS]
    assisted.sort(key=lambda c: ASSISTED_KINDS.index(_kind(c)))
    if assisted:
        dispatcher.utter_message(
            response="utter_assisted_options",
            service_name=name,
            options=lines(channel_line(c, lang, service) for c in assisted),
        )
        channel_name = assisted[0].name
    else:
        dispatcher.utter_message(response="utter_assisted_no_option", service_name=name)
        channel_name = "service_centre"
    log_deflection(tracker, service, channel_name, "assisted_in_person")
    return [
        SlotSet("service_id", service.id),
        SlotSet("assist_requested", False),
        SlotSet("feedback_pending", False),
        SlotSet("offered_services", None),
    ]


class ActionCannotUseApp(Action):
    def name(self) -> str:
        return "action_cannot_use_app"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        service, _answer, _is_new = service_from_message_or_focus(tracker)
        if service is None:
            dispatcher.utter_message(response="utter_assisted_ask_service")
            return [SlotSet("assist_requested", True), SlotSet("feedback_pending", False)]
        return assisted_answer(dispatcher, tracker, service)
