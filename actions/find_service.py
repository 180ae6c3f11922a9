"""action_find_service: the route core finds the service; the bot names its smart channel.

- confident answer -> service, channel, fee and link; logged as "routed"
  (or, when the customer said they cannot use the app, the assisted option,
  logged as "assisted_in_person")
- too close to choose -> up to three buttons /choose_service{"service_id": ...}
- a life event ("we just had a baby") -> its services in order, each a button
- out of scope -> polite answer; bad input (empty, emoji, too long) -> polite answer
Nothing is logged unless the customer was sent somewhere.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    answer_journey,
    choice_buttons,
    has_words,
    is_payload,
    language,
    latest_intent,
    latest_text,
    offer_choices,
    route,
    route_and_log,
    service_record,
)


class ActionFindService(Action):
    def name(self) -> str:
        return "action_find_service"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        if is_payload(text) or not has_words(text):
            dispatcher.utter_message(response="utter_bad_input")
            return [SlotSet("feedback_pending", False)]
        answer = route(text)
        if answer is None:  # refused by the route core: too long, no words
            dispatcher.utter_message(response="utter_bad_input")
            return [SlotSet("feedback_pending", False)]
        if answer.journey is not None:
            return answer_journey(dispatcher, tracker, answer)
        said_out_of_scope = latest_intent(tracker) == "out_of_scope"
        if answer.out_of_scope or answer.service is None or (said_out_of_scope and answer.needs_clarification):
            dispatcher.utter_message(response="utter_out_of_scope")
            return [SlotSet("feedback_pending", False)]
        if answer.needs_clarification:
            buttons, ids = choice_buttons(answer, language(tracker))
            if len(ids) > 1:
                if tracker.get_slot("assist_requested"):  # still without the app, once they pick
                    return offer_choices(dispatcher, tracker, buttons, ids, "utter_assisted_choose")
                return offer_choices(dispatcher, tracker, buttons, ids)
        service = service_record(answer.service.id)
        if service is None:
            dispatcher.utter_message(response="utter_choice_unknown")
            return [SlotSet("feedback_pending", False)]
        if tracker.get_slot("assist_requested"):
            from actions.cannot_use_app import assisted_answer

            return assisted_answer(dispatcher, tracker, service)
        return route_and_log(dispatcher, tracker, service, answer)
