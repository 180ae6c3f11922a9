"""action_tell_fee: the fee of the service in focus (or of a service named in the question)."""
from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.common import FollowUpAction, fee_number


class ActionTellFee(FollowUpAction):
    def name(self) -> str:
        return "action_tell_fee"

    def answer(self, dispatcher: CollectingDispatcher, service, name: str) -> None:
        fee = fee_number(service.fee_aed)
        if fee is None:
            dispatcher.utter_message(response="utter_fee_unknown", service_name=name)
            return
        dispatcher.utter_message(response="utter_fee", service_name=name, fee=fee)
        if service.fee_text:
            dispatcher.utter_message(response="utter_fee_detail", fee_text=service.fee_text)
