"""The actions against the real route core, catalogue and deflection log (a temporary SQLite file)."""

import pytest
from sqlalchemy import select

from actions.choose_service import ActionChooseService
from actions.feedback import ActionFeedback
from actions.find_service import ActionFindService
from actions.handoff import ActionHandoff
from tests.support.actions import make_tracker, responses, run, slot_events


@pytest.fixture
def database(database_url):
    """The actions write to the settings' database, a fresh one per test."""
    yield database_url


def _rows(model):
    from bot.store import db

    with db.session() as session:
        return list(session.scalars(select(model)))


def test_route_confirm_and_handoff_are_written_once(database):
    from bot.store.models import DeflectionEvent, Handoff

    tracker = make_tracker("route_request_en", text="renew my driving licence")
    dispatcher, events = run(ActionFindService(), tracker)
    assert responses(dispatcher) in (["utter_route_answer"], ["utter_route_answer_no_fee"], ["utter_clarify"])
    if responses(dispatcher) == ["utter_clarify"]:
        pytest.skip("the catalogue is too close to call for this message today")
    service_id = slot_events(events)["service_id"]
    run(ActionFindService(), tracker)  # the same visit again: still one event
    rows = _rows(DeflectionEvent)
    assert [(r.service_id, r.outcome, r.source, r.language) for r in rows] == [(service_id, "routed", "rest", "en")]
    assert rows[0].conversation_hash != "fixture-en-1"  # the id is hashed, never stored as is

    run(ActionFeedback(), make_tracker("followup_in_focus", text="yes", intent="affirm", service_id=service_id))
    run(ActionHandoff(), make_tracker("followup_in_focus", text="agent", intent="ask_human", service_id=service_id))
    assert len(_rows(Handoff)) == 1


@pytest.mark.parametrize("text", ["", "🙂🙂🙂", "a" * 5001, "what's the weather today"])
def test_bad_or_out_of_scope_input_writes_nothing(database, text):
    from bot.store.models import DeflectionEvent

    dispatcher, _ = run(ActionFindService(), make_tracker("route_request_ar", text=text))
    assert responses(dispatcher) in (["utter_bad_input"], ["utter_out_of_scope"])
    assert _rows(DeflectionEvent) == []


def test_unknown_button_id_writes_nothing(database):
    from bot.store.models import DeflectionEvent

    tracker = make_tracker(
        "clarify_offered",
        entities=[{"entity": "service_id", "value": "rta.no_such.service"}],
        offered_services=["rta.no_such.service"],
    )
    dispatcher, _ = run(ActionChooseService(), tracker)
    assert responses(dispatcher) == ["utter_choice_unknown"]
    assert _rows(DeflectionEvent) == []
