"""action_tell_documents: the documents for the service in focus (or named in the question)."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.common import FollowUpAction, documents_in, lines


class ActionTellDocuments(FollowUpAction):
    def name(self) -> str:
        return "action_tell_documents"

    def answer(self, dispatcher: CollectingDispatcher, service, name: str, lang: str) -> None:
        documents = documents_in(service, lang)  # an Arabic reply without Arabic documents says it has none
        if documents:
            dispatcher.utter_message(response="utter_documents", service_name=name, documents=lines(documents))
        else:
            dispatcher.utter_message(response="utter_documents_unknown", service_name=name)
