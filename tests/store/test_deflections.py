"""Deflection events: one per service per conversation, no personal data, counted on /metrics."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.api.main import create_app
from bot.store import db
from bot.store.deflections import hash_conversation, record_deflection, record_handoff
from bot.store.models import DeflectionEvent, Handoff


def events(url):
    with db.session(url) as session:
        return list(session.scalars(select(DeflectionEvent)))


def visit(outcome="routed", conversation="+971501234567", service="rta.driving_licence.renew"):
    return record_deflection(conversation, service, "rta", "RTA Dubai app", "en", "web", outcome)


def test_retried_action_writes_one_event(store_url):
    assert visit() is True
    assert visit() is False
    assert len(events(store_url)) == 1


def test_outcome_moves_on_but_never_back_to_routed(store_url):
    visit()
    assert visit("confirmed") is True
    assert visit("routed") is False
    [event] = events(store_url)
    assert event.outcome == "confirmed"


def test_other_service_or_conversation_is_another_event(store_url):
    visit()
    visit(service="dewa.bill.pay")
    visit(conversation="someone-else")
    assert len(events(store_url)) == 3


def test_conversation_id_is_stored_only_as_a_salted_hash(store_url):
    visit(conversation="+971501234567")
    [event] = events(store_url)
    assert "971" not in event.conversation_hash
    assert event.conversation_hash == hash_conversation("+971501234567") and len(event.conversation_hash) == 32


@pytest.mark.parametrize("field, value", [("outcome", "maybe"), ("source", "fax")])
def test_unknown_outcome_or_source_is_refused(store_url, field, value):
    kwargs = dict(
        conversation_id="c", service_id="s.x", entity="s", channel="c", language="en", source="web", outcome="routed"
    )
    kwargs[field] = value
    with pytest.raises(ValueError):
        record_deflection(**kwargs)
    assert events(store_url) == []


def test_handoff_is_recorded_with_service_and_reason(store_url):
    record_handoff("conv-1", "rta.driving_licence.renew", "asked_for_human")
    with db.session(store_url) as session:
        [handoff] = session.scalars(select(Handoff))
    assert handoff.service_id == "rta.driving_licence.renew" and handoff.reason == "asked_for_human"


def test_metrics_count_deflected_visits_by_entity_and_channel(store_url):
    visit()
    visit(conversation="b")
    visit(conversation="c", outcome="declined")
    with TestClient(create_app()) as client:
        text = client.get("/metrics").text
    assert 'deflected_visits_total{channel="RTA Dubai app",entity="rta"} 2.0' in text
