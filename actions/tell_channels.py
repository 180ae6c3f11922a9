"""action_tell_channels: where / which app / link for the service in focus (or named in the question).

Naming the smart channels sends the customer there, so it is logged as "routed"
(idempotent per conversation and service).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    answer_choices,
    ask_which_service,
    best_channel,
    channel_line,
    language,
    lines,
    log_deflection,
    route_and_log,
    service_from_message_or_focus,
    service_name,
)


class ActionTellChannels(Action):
    def name(self) -> str:
        return "action_tell_channels"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        service, answer, is_new = service_from_message_or_focus(tracker)
        if service is None and answer is not None:  # a life event, or services too close to choose
            return answer_choices(dispatcher, tracker, answer)
        if service is None:
            return ask_which_service(dispatcher, tracker)
        if is_new:
            return route_and_log(dispatcher, tracker, service, answer)
        lang = language(tracker)
        channels = lines(channel_line(c, lang, service) for c in service.channels)
        dispatcher.utter_message(response="utter_channels", service_name=service_name(service, lang), channels=channels)
        channel = best_channel(service, answer)
        if channel is not None:
            log_deflection(tracker, service, channel.name, "routed")
        return [SlotSet("service_id", service.id)]
