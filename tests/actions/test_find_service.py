import json

import pytest

from actions.find_service import ActionFindService
from tests.support.actions import make_tracker, responses, run, slot_events


def test_english_request_routes_and_logs(recorder):
    dispatcher, events = run(ActionFindService(), make_tracker("route_request_en"))
    assert responses(dispatcher) == ["utter_route_answer"]
    message = dispatcher.messages[0]
    assert message["service_name"] == "Renew driving licence"
    assert message["channel_name"] == "RTA Dubai app"
    assert message["fee"] == "320"
    assert message["link"] == "https://www.rta.ae"
    assert recorder.deflections == [
        dict(
            conversation_id="fixture-en-1",
            service_id="rta.driving_licence.renew",
            entity="rta",
            channel="RTA Dubai app",
            language="en",
            source="rest",
            outcome="routed",
        )
    ]
    slots = slot_events(events)
    assert slots["service_id"] == "rta.driving_licence.renew"
    assert slots["feedback_pending"] is True


def test_arabic_request_uses_arabic_name_and_whatsapp_source(recorder):
    dispatcher, _ = run(ActionFindService(), make_tracker("route_request_ar"))
    assert dispatcher.messages[0]["service_name"] == "تجديد رخصة القيادة"
    assert recorder.deflections[0]["language"] == "ar"
    assert recorder.deflections[0]["source"] == "whatsapp"


def test_zero_fee_is_a_fee_not_unknown(recorder):
    dispatcher, _ = run(ActionFindService(), make_tracker("route_request_en", text="pay my dewa bill"))
    assert responses(dispatcher) == ["utter_route_answer"]
    assert dispatcher.messages[0]["fee"] == "0"


def test_clarification_offers_buttons_and_logs_nothing(recorder):
    dispatcher, events = run(ActionFindService(), make_tracker("route_request_en", text="driving licence"))
    assert responses(dispatcher) == ["utter_clarify"]
    buttons = dispatcher.messages[0]["buttons"]
    assert len(buttons) == 3
    first = buttons[0]["payload"]
    assert first.startswith("/choose_service{")
    assert json.loads(first[len("/choose_service") :]) == {"service_id": "rta.driving_licence.renew"}
    assert slot_events(events)["offered_services"] == [
        "rta.driving_licence.renew",
        "rta.driving_licence.replace_lost",
        "dewa.bill.pay",
    ]
    assert recorder.deflections == []


def test_clarification_buttons_in_arabic(recorder):
    tracker = make_tracker("route_request_ar", text="driving licence")
    dispatcher, _ = run(ActionFindService(), tracker)
    assert dispatcher.messages[0]["buttons"][0]["title"].endswith("تجديد رخصة القيادة")


def test_out_of_scope_is_polite_and_not_logged(recorder):
    dispatcher, events = run(ActionFindService(), make_tracker("route_request_en", text="what's the weather today"))
    assert responses(dispatcher) == ["utter_out_of_scope"]
    assert recorder.deflections == []
    assert slot_events(events)["feedback_pending"] is False


@pytest.mark.parametrize("text", ["", "   ", "😀🙏🔥", "x" * 5001, "/choose_service", '/nonsense{"a": 1}', "12345"])
def test_bad_input_is_polite_and_not_logged(recorder, text):
    dispatcher, _ = run(ActionFindService(), make_tracker("route_request_en", text=text))
    assert responses(dispatcher) == ["utter_bad_input"]
    assert recorder.deflections == []


def test_long_but_valid_text_does_not_crash(recorder):
    dispatcher, _ = run(ActionFindService(), make_tracker("route_request_en", text="hello " * 800))
    assert responses(dispatcher) == ["utter_out_of_scope"]
    assert recorder.deflections == []


def test_assisted_request_pending_gives_assisted_option(recorder):
    tracker = make_tracker("route_request_en", assist_requested=True)
    dispatcher, events = run(ActionFindService(), tracker)
    assert responses(dispatcher) == ["utter_assisted_options"]
    assert recorder.outcomes == [("rta.driving_licence.renew", "assisted_in_person")]
    assert slot_events(events)["assist_requested"] is False


def test_route_core_failure_in_logging_does_not_break_the_answer(recorder, monkeypatch):
    import bot.store.deflections

    def boom(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(bot.store.deflections, "record_deflection", boom)
    dispatcher, _ = run(ActionFindService(), make_tracker("route_request_en"))
    assert responses(dispatcher) == ["utter_route_answer"]


@pytest.mark.parametrize(
    "fixture, name, first_title",
    [
        ("route_request_en", "Moving into a new home", "1. Pay DEWA bill"),
        (
            "route_request_ar",
            "\u0627\u0644\u0627\u0646\u062a\u0642\u0627\u0644 \u0625\u0644\u0649 \u0645\u0646\u0632\u0644 \u062c\u062f\u064a\u062f",
            None,
        ),
    ],
)
def test_a_life_event_offers_its_services_in_the_journeys_order(recorder, fixture, name, first_title):
    dispatcher, events = run(ActionFindService(), make_tracker(fixture, text="a life event"))
    assert responses(dispatcher) == ["utter_journey"]
    message = dispatcher.messages[0]
    assert message["journey_name"] == name
    # the journey's order (DEWA, lost, renew), although equal scores would otherwise be ordered by demand
    assert [json.loads(b["payload"][len("/choose_service") :])["service_id"] for b in message["buttons"]] == [
        "dewa.bill.pay",
        "rta.driving_licence.replace_lost",
        "rta.driving_licence.renew",
    ]
    if first_title:
        assert message["buttons"][0]["title"] == first_title
    assert slot_events(events)["offered_services"][0] == "dewa.bill.pay"
    assert recorder.deflections == []


def test_a_second_request_that_needs_a_choice_replaces_the_focus(recorder):
    """After the licence, "driving licence" again is a new question: the choices, and no focus left
    for a "how much is it?" to answer with the old service."""
    tracker = make_tracker("followup_in_focus", text="driving licence", intent="request_service")
    dispatcher, events = run(ActionFindService(), tracker)
    assert responses(dispatcher) == ["utter_clarify"]
    assert slot_events(events)["service_id"] is None
    assert slot_events(events)["feedback_pending"] is False


def test_a_choice_after_cannot_use_app_says_it_will_be_without_the_app(recorder):
    tracker = make_tracker("route_request_en", text="driving licence", assist_requested=True)
    dispatcher, events = run(ActionFindService(), tracker)
    assert responses(dispatcher) == ["utter_assisted_choose"]
    assert "assist_requested" not in slot_events(events)  # still pending: the pick gets the assisted way
    assert recorder.deflections == []
