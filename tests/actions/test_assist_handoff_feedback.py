import json

import pytest

from actions.cannot_use_app import ActionCannotUseApp
from actions.choose_service import ActionChooseService
from actions.feedback import ActionAskFeedback, ActionFeedback
from actions.handoff import ActionHandoff
from tests.support.actions import make_tracker, responses, run, slot_events


def test_cannot_use_app_with_service_in_focus(recorder):
    tracker = make_tracker("followup_in_focus", text="my father is old, he can't use the app", intent="cannot_use_app")
    dispatcher, _ = run(ActionCannotUseApp(), tracker)
    assert responses(dispatcher) == ["utter_assisted_options"]
    options = dispatcher.messages[0]["options"]
    assert options.splitlines() == ["- RTA call centre 8009090: tel:8009090", "- RTA self-service kiosks"]
    assert recorder.outcomes == [("rta.driving_licence.renew", "assisted_in_person")]


def test_cannot_use_app_without_assisted_channel(recorder):
    tracker = make_tracker(
        "followup_in_focus", text="no smartphone", intent="cannot_use_app", service_id="dewa.bill.pay"
    )
    dispatcher, _ = run(ActionCannotUseApp(), tracker)
    assert responses(dispatcher) == ["utter_assisted_no_option"]
    assert recorder.outcomes == [("dewa.bill.pay", "assisted_in_person")]


def test_cannot_use_app_without_service_asks_and_remembers(recorder):
    tracker = make_tracker("no_focus", text="i don't have uae pass", intent="cannot_use_app")
    dispatcher, events = run(ActionCannotUseApp(), tracker)
    assert responses(dispatcher) == ["utter_assisted_ask_service"]
    assert slot_events(events)["assist_requested"] is True
    assert recorder.deflections == []


def test_handoff_pauses_and_records(recorder):
    tracker = make_tracker("followup_in_focus", text="agent", intent="ask_human")
    dispatcher, events = run(ActionHandoff(), tracker)
    assert responses(dispatcher) == ["utter_handoff"]
    assert [e["event"] for e in events] == ["slot", "action", "pause"]
    assert slot_events(events) == {"feedback_pending": False}  # a later "yes" is not the answer confirmed
    assert events[1]["name"] == "action_listen"
    assert recorder.handoffs == [("fixture-followup-1", "rta.driving_licence.renew", "customer_asked")]
    assert recorder.outcomes == [("rta.driving_licence.renew", "handed_off")]


def test_handoff_without_service(recorder):
    dispatcher, events = run(ActionHandoff(), make_tracker("no_focus", text="human please", intent="ask_human"))
    assert recorder.handoffs == [("fixture-nofocus-1", None, "customer_asked")]
    assert recorder.deflections == []


def test_ask_feedback_only_after_routing(recorder):
    dispatcher, _ = run(ActionAskFeedback(), make_tracker("followup_in_focus"))
    assert responses(dispatcher) == ["utter_ask_feedback"]
    dispatcher, _ = run(ActionAskFeedback(), make_tracker("no_focus"))
    assert responses(dispatcher) == []


def test_back_to_the_web_chat_asks_again_only_while_feedback_is_pending(recorder):
    """/returned (the widget, after a pause) asks "did it help?" again for an unanswered routed answer only."""
    pending = make_tracker("followup_in_focus", text="/returned", intent="returned")
    dispatcher, events = run(ActionAskFeedback(), pending)
    assert responses(dispatcher) == ["utter_ask_feedback"]
    assert events == []  # still pending: the yes/no that follows is the answer
    answered = make_tracker("followup_in_focus", text="/returned", intent="returned", feedback_pending=False)
    dispatcher, _ = run(ActionAskFeedback(), answered)
    assert responses(dispatcher) == []
    assert recorder.deflections == []


def test_affirm_confirms(recorder):
    tracker = make_tracker("followup_in_focus", text="yes", intent="affirm")
    dispatcher, events = run(ActionFeedback(), tracker)
    assert responses(dispatcher) == ["utter_feedback_confirmed"]
    assert recorder.outcomes == [("rta.driving_licence.renew", "confirmed")]
    assert slot_events(events)["feedback_pending"] is False


def test_deny_declines_and_offers_options(recorder):
    tracker = make_tracker("followup_in_focus", text="no", intent="deny")
    dispatcher, _ = run(ActionFeedback(), tracker)
    assert responses(dispatcher) == ["utter_feedback_declined"]
    assert recorder.outcomes == [("rta.driving_licence.renew", "declined")]


def test_yes_without_pending_feedback_logs_nothing(recorder):
    tracker = make_tracker("no_focus", text="yes", intent="affirm")
    dispatcher, _ = run(ActionFeedback(), tracker)
    assert responses(dispatcher) == ["utter_how_can_help"]
    assert recorder.deflections == []


PENDING = ["rta.driving_licence.renew", "rta.driving_licence.replace_lost"]


def _payload_ids(message):
    return [json.loads(b["payload"].removeprefix("/choose_service"))["service_id"] for b in message["buttons"]]


def test_cannot_use_app_while_choosing_keeps_the_choices(recorder):
    """Not "which service do you need?", and not the earlier focus (DEWA): the same choices again."""
    dispatcher, events = run(ActionCannotUseApp(), make_tracker("choices_pending"))
    assert responses(dispatcher) == ["utter_assisted_choose"]
    assert _payload_ids(dispatcher.messages[0]) == PENDING
    slots = slot_events(events)
    assert slots["offered_services"] == PENDING
    assert slots["assist_requested"] is True
    assert slots["service_id"] is None
    assert recorder.deflections == []


def test_the_pick_after_cannot_use_app_gets_the_way_without_the_app(recorder):
    _, events = run(ActionCannotUseApp(), make_tracker("choices_pending"))
    slots = slot_events(events)
    tracker = make_tracker(
        "clarify_offered",
        entities=[{"entity": "service_id", "value": "rta.driving_licence.renew"}],
        offered_services=slots["offered_services"],
        assist_requested=slots["assist_requested"],
    )
    dispatcher, events = run(ActionChooseService(), tracker)
    assert responses(dispatcher) == ["utter_assisted_options"]
    assert recorder.outcomes == [("rta.driving_licence.renew", "assisted_in_person")]
    assert slot_events(events)["assist_requested"] is False


@pytest.mark.parametrize(
    "text,expected",
    [
        ("I can't use apps, the second one", "rta.driving_licence.replace_lost"),
        ("my dad can't use the app to renew it", "rta.driving_licence.renew"),
    ],
)
def test_cannot_use_app_that_picks_one_of_the_choices(recorder, text, expected):
    dispatcher, _ = run(ActionCannotUseApp(), make_tracker("choices_pending", text=text))
    assert responses(dispatcher)[0].startswith("utter_assisted_")
    assert recorder.outcomes == [(expected, "assisted_in_person")]


def test_cannot_use_app_naming_a_new_service_while_choosing(recorder):
    dispatcher, _ = run(ActionCannotUseApp(), make_tracker("choices_pending", text="no smartphone for my dewa bill"))
    assert responses(dispatcher) == ["utter_assisted_no_option"]
    assert recorder.outcomes == [("dewa.bill.pay", "assisted_in_person")]


def test_cannot_use_app_with_an_ambiguous_service_offers_the_choices(recorder):
    dispatcher, events = run(
        ActionCannotUseApp(), make_tracker("no_focus", text="either licence", intent="cannot_use_app")
    )
    assert responses(dispatcher) == ["utter_assisted_choose"]
    assert slot_events(events)["offered_services"] == PENDING
    assert slot_events(events)["assist_requested"] is True
    assert recorder.deflections == []


def test_cannot_use_app_naming_other_close_services_while_choosing_offers_those(recorder):
    tracker = make_tracker(
        "choices_pending",
        text="my mother can't use the app for either licence",
        offered_services=["dewa.bill.pay", "rta.driving_licence.replace_lost"],
    )
    dispatcher, events = run(ActionCannotUseApp(), tracker)
    assert responses(dispatcher) == ["utter_assisted_choose"]
    assert _payload_ids(dispatcher.messages[0]) == PENDING
    assert slot_events(events)["assist_requested"] is True
