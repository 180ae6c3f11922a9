"""Asking whether the answer helped, and recording the reply.

action_ask_feedback runs after an answer and asks only when the customer was
just sent to a channel. action_feedback handles yes/no: with an answer awaiting
feedback, yes -> "confirmed", no -> "declined" (and the options to go on);
otherwise a neutral prompt.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import best_channel, latest_intent, log_deflection, service_record


class ActionAskFeedback(Action):
    def name(self) -> str:
        return "action_ask_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        if tracker.get_slot("feedback_pending") and tracker.get_slot("service_id"):
            dispatcher.utter_message(response="utter_ask_feedback")
        return []


class ActionFeedback(Action):
    def name(self) -> str:
        return "action_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        intent = latest_intent(tracker)
        service = service_record(tracker.get_slot("service_id")) if tracker.get_slot("feedback_pending") else None
        if service is None or intent not in ("affirm", "deny"):
            dispatcher.utter_message(response="utter_how_can_help")
            return [SlotSet("feedback_pending", False)]
        channel = best_channel(service)
        if intent == "affirm":
            dispatcher.utter_message(response="utter_feedback_confirmed")
            log_deflection(tracker, service, channel.name if channel else "", "confirmed")
        else:
            dispatcher.utter_message(response="utter_feedback_declined")
            log_deflection(tracker, service, channel.name if channel else "", "declined")
        return [SlotSet("feedback_pending", False)]
