"""action_handoff: pass the conversation to a person.

Records the hand-off (service in focus and why), logs "handed_off" for the
service in focus, and pauses the conversation so the bot stays quiet until an
agent resumes it (ConversationResumed through Rasa's API).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import best_channel, latest_intent, log_deflection, log_handoff, service_record

REASONS = {
    "ask_human": "customer_asked",
    "deny": "answer_declined",
    "cannot_use_app": "cannot_use_app",
}


def handoff_reason(tracker: Tracker) -> str:
    intent = latest_intent(tracker)
    if intent in REASONS:
        return REASONS[intent]
    return "customer_asked" if intent is None else f"intent_{intent}"[:64]


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_handoff")
        service = service_record(tracker.get_slot("service_id"))
        log_handoff(tracker, service.id if service else None, handoff_reason(tracker))
        if service is not None:
            channel = best_channel(service)
            log_deflection(tracker, service, channel.name if channel else "", "handed_off")
        # The answer's "did this help?" is void once a person takes over: a "yes" after the agent
        # resumes must not be logged as the bot's answer confirmed.
        # Listen first, then pause: when an agent resumes the conversation the
        # next customer message follows an action_listen, as the rules expect.
        return [SlotSet("feedback_pending", False), ActionExecuted("action_listen"), ConversationPaused()]
