"""action_tell_fee: the fee of the service in focus (or of a service named in the question)."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import fee_number, language, route_and_log, service_from_message_or_focus, service_name


class ActionTellFee(Action):
    def name(self) -> str:
        return "action_tell_fee"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        service, answer, is_new = service_from_message_or_focus(tracker)
        if service is None:
            dispatcher.utter_message(response="utter_ask_service")
            return []
        events: list[dict[str, Any]] = []
        if is_new:  # a service named in the question: answer where to do it first
            events = route_and_log(dispatcher, tracker, service, answer)
        name = service_name(service, language(tracker))
        fee = fee_number(service.fee_aed)
        if fee is None:
            dispatcher.utter_message(response="utter_fee_unknown", service_name=name)
        else:
            dispatcher.utter_message(response="utter_fee", service_name=name, fee=fee)
            if service.fee_text:
                dispatcher.utter_message(response="utter_fee_detail", fee_text=service.fee_text)
        return events or [SlotSet("service_id", service.id)]
