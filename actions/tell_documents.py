"""action_tell_documents: the documents for the service in focus (or named in the question)."""
from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.common import FollowUpAction, lines


class ActionTellDocuments(FollowUpAction):
    def name(self) -> str:
        return "action_tell_documents"

    def answer(self, dispatcher: CollectingDispatcher, service, name: str) -> None:
        if service.documents:
            dispatcher.utter_message(response="utter_documents", service_name=name, documents=lines(service.documents))
        else:
            dispatcher.utter_message(response="utter_documents_unknown", service_name=name)
