"""action_tell_documents: the documents for the service in focus (or named in the question)."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import language, lines, route_and_log, service_from_message_or_focus, service_name


class ActionTellDocuments(Action):
    def name(self) -> str:
        return "action_tell_documents"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        service, answer, is_new = service_from_message_or_focus(tracker)
        if service is None:
            dispatcher.utter_message(response="utter_ask_service")
            return []
        events: list[dict[str, Any]] = []
        if is_new:
            events = route_and_log(dispatcher, tracker, service, answer)
        name = service_name(service, language(tracker))
        if service.documents:
            dispatcher.utter_message(response="utter_documents", service_name=name, documents=lines(service.documents))
        else:
            dispatcher.utter_message(response="utter_documents_unknown", service_name=name)
        return events or [SlotSet("service_id", service.id)]
