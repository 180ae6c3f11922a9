"""action_tell_fee: the fee of the service in focus (or of a service named in the question)."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.common import FollowUpAction, fee_number, fee_text_in


class ActionTellFee(FollowUpAction):
    def name(self) -> str:
        return "action_tell_fee"

    def answer(self, dispatcher: CollectingDispatcher, service, name: str, lang: str) -> None:
        fee = fee_number(service.fee_aed)
        if fee is None:
            dispatcher.utter_message(response="utter_fee_unknown", service_name=name)
            return
        dispatcher.utter_message(response="utter_fee", service_name=name, fee=fee)
        fee_text = fee_text_in(service, lang)  # an Arabic reply gives the details only when they are in Arabic
        if fee_text:
            dispatcher.utter_message(response="utter_fee_detail", fee_text=fee_text)
