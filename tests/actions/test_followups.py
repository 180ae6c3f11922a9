from actions.tell_channels import ActionTellChannels
from actions.tell_documents import ActionTellDocuments
from actions.tell_fee import ActionTellFee
from tests.support.actions import make_tracker, responses, run, slot_events


def test_fee_of_service_in_focus(recorder):
    dispatcher, _ = run(ActionTellFee(), make_tracker("followup_in_focus"))
    assert responses(dispatcher) == ["utter_fee", "utter_fee_detail"]
    assert dispatcher.messages[0]["fee"] == "320"
    assert recorder.deflections == []


def test_fee_unknown(recorder):
    tracker = make_tracker("followup_in_focus", service_id="rta.driving_licence.replace_lost")
    dispatcher, _ = run(ActionTellFee(), tracker)
    assert responses(dispatcher) == ["utter_fee_unknown"]


def test_fee_for_a_service_named_in_the_question_routes_first(recorder):
    tracker = make_tracker("no_focus", text="how much to renew my licence")
    dispatcher, _ = run(ActionTellFee(), tracker)
    assert responses(dispatcher) == ["utter_route_answer", "utter_fee", "utter_fee_detail"]
    assert recorder.outcomes == [("rta.driving_licence.renew", "routed")]


def test_no_service_in_focus_asks_which(recorder):
    for action in (ActionTellFee(), ActionTellDocuments(), ActionTellChannels()):
        dispatcher, events = run(action, make_tracker("no_focus"))
        assert responses(dispatcher) == ["utter_ask_service"]
        assert events == []
    assert recorder.deflections == []


def test_documents(recorder):
    dispatcher, _ = run(
        ActionTellDocuments(), make_tracker("followup_in_focus", text="what documents", intent="ask_documents")
    )
    assert responses(dispatcher) == ["utter_documents"]
    assert dispatcher.messages[0]["documents"] == "- Emirates ID\n- eye test result"


def test_documents_unknown(recorder):
    tracker = make_tracker("followup_in_focus", text="papers?", intent="ask_documents", service_id="dewa.bill.pay")
    dispatcher, _ = run(ActionTellDocuments(), tracker)
    assert responses(dispatcher) == ["utter_documents_unknown"]


def test_channels_lists_all_and_logs_routed_once(recorder):
    tracker = make_tracker("followup_in_focus", text="which app", intent="ask_channel")
    dispatcher, _ = run(ActionTellChannels(), tracker)
    assert responses(dispatcher) == ["utter_channels"]
    assert "RTA Dubai app: https://www.rta.ae" in dispatcher.messages[0]["channels"]
    assert recorder.outcomes == [("rta.driving_licence.renew", "routed")]


def test_unknown_service_in_focus_is_treated_as_none(recorder):
    dispatcher, _ = run(ActionTellFee(), make_tracker("followup_in_focus", service_id="gone.service"))
    assert responses(dispatcher) == ["utter_ask_service"]


def test_a_follow_up_about_a_life_event_gets_the_journey_not_which_service(recorder):
    """'Which papers will the baby need?' reads as a documents question; with no service in focus it is a
    life event, answered with its journey's services."""
    for action in (ActionTellDocuments(), ActionTellFee(), ActionTellChannels()):
        dispatcher, _ = run(action, make_tracker("no_focus", text="a life event"))
        assert responses(dispatcher) == ["utter_journey"], action.name()
    assert recorder.deflections == []


def test_a_second_service_too_close_to_choose_replaces_the_focus(recorder):
    """ "How much is either licence?" while DEWA is in focus: the choices, not DEWA's fee."""
    tracker = make_tracker("followup_in_focus", text="how much is either licence", service_id="dewa.bill.pay")
    dispatcher, events = run(ActionTellFee(), tracker)
    assert responses(dispatcher) == ["utter_clarify"]
    slots = slot_events(events)
    assert slots["service_id"] is None
    assert slots["offered_services"] == ["rta.driving_licence.renew", "rta.driving_licence.replace_lost"]
    assert recorder.deflections == []


def test_a_follow_up_about_one_of_the_close_services_keeps_the_focus(recorder):
    dispatcher, _ = run(ActionTellFee(), make_tracker("followup_in_focus", text="how much is either licence"))
    assert responses(dispatcher) == ["utter_fee", "utter_fee_detail"]
    assert dispatcher.messages[0]["service_name"] == "Renew driving licence"


def test_general_words_that_name_no_service_keep_the_focus(recorder):
    """The route core scores 0.0 when only general words were written ("papers?")."""
    dispatcher, _ = run(
        ActionTellDocuments(), make_tracker("followup_in_focus", text="papers?", intent="ask_documents")
    )
    assert responses(dispatcher) == ["utter_documents"]
    assert dispatcher.messages[0]["service_name"] == "Renew driving licence"


def test_a_follow_up_while_choosing_shows_the_choices_again(recorder):
    tracker = make_tracker("clarify_offered", text="how much is it", intent="ask_fee", entities=[], service_id=None)
    for action in (ActionTellFee(), ActionTellChannels()):
        dispatcher, events = run(action, tracker)
        assert responses(dispatcher) == ["utter_clarify"], action.name()
        assert len(dispatcher.messages[0]["buttons"]) == 2
        assert events == []  # the choices stay pending
    assert recorder.deflections == []
