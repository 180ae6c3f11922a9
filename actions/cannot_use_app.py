"""action_cannot_use_app: an assisted or in-person way for customers who cannot use the app
(elderly, people of determination, no UAE PASS, no smartphone).

Logged as "assisted_in_person" (not "routed"). With no service in focus the bot
asks which service, and the next answer gives the assisted option. While the
customer is choosing between offered services, the choices stay on screen and
the one they pick gets the assisted option.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.choice import chosen_id
from actions.common import (
    channel_line,
    choice_buttons,
    focus_events,
    language,
    latest_text,
    lines,
    log_deflection,
    offered_buttons,
    route,
    service_buttons,
    service_from_message_or_focus,
    service_name,
    service_record,
)

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


def assisted_choices(dispatcher: CollectingDispatcher, buttons, ids: list[str]) -> list[dict[str, Any]]:
    """Ask which of the services, remembering that the answer must be the way without the app."""
    dispatcher.utter_message(response="utter_assisted_choose", buttons=buttons)
    return [*focus_events(None, offered=ids), SlotSet("assist_requested", True)]


def picked_from_offer(tracker: Tracker, offered: list[str]):
    """The offered service this message itself picks ("I can't use apps, the second one", or one it
    names), else None."""
    picked = chosen_id(tracker, offered)
    if picked is None:
        answer = route(latest_text(tracker))
        if answer is not None and not answer.out_of_scope and answer.service is not None:
            picked = answer.service.id if not answer.needs_clarification else None
    return service_record(picked) if picked in offered else None


class ActionCannotUseApp(Action):
    def name(self) -> str:
        return "action_cannot_use_app"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        buttons, offered = offered_buttons(tracker)
        if offered:
            picked = picked_from_offer(tracker, offered)
            if picked is not None:
                return assisted_answer(dispatcher, tracker, picked)
        service, answer, _is_new = service_from_message_or_focus(tracker)
        named = service is not None and answer is not None  # named in this message, not the focus
        if service is not None and (named or not offered):
            return assisted_answer(dispatcher, tracker, service)
        if answer is not None:  # "my father can't use the app to pay salik": which of these?
            lang = language(tracker)
            journey = [answer.service, *answer.alternatives] if answer.journey is not None else None
            return assisted_choices(
                dispatcher, *(service_buttons(journey, lang) if journey else choice_buttons(answer, lang))
            )
        if offered:
            # Keep the choices and ask again rather than give the first one's in-person way: the
            # route core offered them because it could not tell which is meant, and a wrong
            # in-person answer costs a trip to the wrong centre, worse for someone who cannot use
            # the app than one more tap (the pick then gets the assisted way: assist_requested).
            return assisted_choices(dispatcher, buttons, offered)
        dispatcher.utter_message(response="utter_assisted_ask_service")
        return [SlotSet("assist_requested", True), SlotSet("feedback_pending", False)]
