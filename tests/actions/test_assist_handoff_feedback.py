from actions.cannot_use_app import ActionCannotUseApp
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
    assert [e["event"] for e in events] == ["action", "pause"]
    assert events[0]["name"] == "action_listen"
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
