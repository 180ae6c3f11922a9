import pytest

from actions.choice import ordinal
from actions.choose_service import ActionChooseService
from tests.support.actions import make_tracker, responses, run, slot_events


def test_offered_button_routes_and_logs(recorder):
    dispatcher, events = run(ActionChooseService(), make_tracker("clarify_offered"))
    assert responses(dispatcher) == ["utter_route_answer_no_fee"]
    assert dispatcher.messages[0]["service_name"] == "Replace lost driving licence"
    assert recorder.outcomes == [("rta.driving_licence.replace_lost", "routed")]
    assert recorder.deflections[0]["source"] == "web"
    assert slot_events(events)["service_id"] == "rta.driving_licence.replace_lost"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2", "rta.driving_licence.replace_lost"),
        ("الثاني", "rta.driving_licence.replace_lost"),
        ("the first one", "rta.driving_licence.renew"),
        ("١", "rta.driving_licence.renew"),
    ],
)
def test_typed_number_picks_the_offered_service(recorder, text, expected):
    tracker = make_tracker("clarify_offered", text=text, entities=[])
    dispatcher, events = run(ActionChooseService(), tracker)
    assert slot_events(events)["service_id"] == expected
    assert recorder.outcomes == [(expected, "routed")]


@pytest.mark.parametrize("service_id", ["no.such.service", "dewa.bill.pay", "", None, 42])
def test_unknown_or_not_offered_id_is_polite_and_not_logged(recorder, service_id):
    tracker = make_tracker("clarify_offered", entities=[{"entity": "service_id", "value": service_id}])
    dispatcher, _ = run(ActionChooseService(), tracker)
    assert responses(dispatcher) == ["utter_choice_unknown"]
    assert recorder.deflections == []


def test_choice_without_any_offer_is_polite(recorder):
    tracker = make_tracker("clarify_offered", offered_services=None)
    dispatcher, _ = run(ActionChooseService(), tracker)
    assert responses(dispatcher) == ["utter_choice_unknown"]
    assert recorder.deflections == []


def test_number_out_of_range(recorder):
    dispatcher, _ = run(ActionChooseService(), make_tracker("clarify_offered", text="3", entities=[]))
    assert responses(dispatcher) == ["utter_choice_unknown"]


def test_ordinal():
    assert ordinal("second one") == 2
    assert ordinal("رقم 3") == 3
    assert ordinal("1 or 2") is None
    assert ordinal("hello") is None


def test_last_one(recorder):
    _, events = run(ActionChooseService(), make_tracker("clarify_offered", text="the last one", entities=[]))
    assert slot_events(events)["service_id"] == "rta.driving_licence.replace_lost"
    assert ordinal("الأخير", 3) == 3
