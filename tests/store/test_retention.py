"""`python -m bot retention`: what is older than the period goes, what is newer stays, on SQLite and
PostgreSQL, in the app's store and in Rasa's SQL tracker store (its `events` table)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from bot.settings import ROOT
from bot.store import db
from bot.store.models import (
    AgentReply,
    DeflectionEvent,
    Followup,
    Handoff,
    InboxMessage,
    OutboxMessage,
    ProcessedMessage,
    SenderState,
    utcnow,
)
from bot.store.retention import apply_retention, cutoff
from devtools.live import query

# Rasa 3.6's SQLTrackerStore.SQLEvent (rasa/core/tracker_store.py), as Rasa creates it.
EVENTS_DDL = """CREATE TABLE events (
    id {id} PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""


def tracker_store(url: str) -> str:
    engine = create_engine(url)
    with engine.begin() as connection:
        serial = "SERIAL" if url.startswith("postgresql") else "INTEGER"
        connection.execute(text(EVENTS_DDL.format(id=serial)))
    engine.dispose()
    return url


def add_events(url: str, sender: str, when) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        for name in ("action", "user", "bot"):
            connection.execute(
                text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, '{}')"),
                {"s": sender, "t": name, "ts": when.timestamp()},
            )
    engine.dispose()


def add_store_rows(tag: str, when) -> None:
    with db.session() as session:
        session.add_all(
            [
                InboxMessage(
                    message_id=f"wamid.{tag}",
                    received_at=when,
                    sender_hash=f"h-{tag}",
                    sender="",
                    kind="text",
                    message_type="text",
                    text="",
                    leased_until=when,
                    done_at=when,
                ),
                ProcessedMessage(message_id=f"wamid.{tag}", received_at=when),
                OutboxMessage(created_at=when, sender_hash=f"h-{tag}", recipient="", body={}),
                SenderState(sender_hash=f"h-{tag}", language="en", offered=[], updated_at=when),
                Followup(
                    created_at=when,
                    conversation_hash=f"c-{tag}",
                    sender_hash=f"h-{tag}",
                    recipient="",
                    service_id="rta.driving_licence.renew",
                    due_at=when,
                    last_customer_at=when,
                    state="sent",
                    leased_until=when,
                ),
                Handoff(created_at=when, conversation_hash=f"c-{tag}", service_id=None, reason="asked_for_person"),
                AgentReply(
                    created_at=when, handoff_id=1, request_key=f"key-{tag}", conversation_hash=f"c-{tag}", text="hi"
                ),
                DeflectionEvent(
                    created_at=when,
                    conversation_hash=f"c-{tag}",
                    service_id="rta.driving_licence.renew",
                    entity="rta",
                    channel="RTA Dubai app",
                    language="en",
                    source="whatsapp",
                    outcome="routed",
                ),
            ]
        )
        session.commit()


TABLES = (
    "whatsapp_inbox",
    "whatsapp_processed_messages",
    "whatsapp_outbox",
    "whatsapp_senders",
    "whatsapp_followups",
    "handoffs",
    "agent_replies",
)


def counts(url: str) -> dict[str, int]:
    return {table: query(url, f"SELECT count(*) FROM {table}")[0][0] for table in (*TABLES, "deflection_events")}


@pytest.fixture
def tracker_url(store_url):
    # Rasa's tracker store in its own table of the same database engine kind (the schema is Rasa's).
    return tracker_store(store_url)


def test_old_rows_go_new_rows_stay(store_url, tracker_url):
    now = utcnow()
    add_store_rows("old", now - timedelta(days=40))
    add_store_rows("new", now - timedelta(days=2))
    add_events(tracker_url, "wa-old", now - timedelta(days=40))
    add_events(tracker_url, "wa-new", now - timedelta(days=2))

    report = apply_retention(30, tracker_url=tracker_url)

    assert report.as_dict() == {
        "tracker_events": 3,
        "inbox": 1,
        "processed_ids": 1,
        "outbox": 1,
        "senders": 1,
        "followups": 1,
        "handoffs": 1,
        "agent_replies": 1,
    }
    assert counts(store_url) == {**dict.fromkeys(TABLES, 1), "deflection_events": 2}  # the counts stay
    assert [r.sender_id for r in query(tracker_url, "SELECT DISTINCT sender_id FROM events")] == ["wa-new"]
    assert query(store_url, "SELECT message_id FROM whatsapp_inbox")[0][0] == "wamid.new"
    assert apply_retention(30, tracker_url=tracker_url).as_dict() == dict.fromkeys(report.as_dict(), 0)  # idempotent


def test_a_tracker_store_rasa_has_not_created_yet_is_left_alone(database_url, tmp_path):
    empty = f"sqlite:///{tmp_path / 'trackers.db'}"
    assert apply_retention(30, tracker_url=empty).tracker_events == 0


def test_the_period_is_at_least_a_day():
    with pytest.raises(ValueError):
        cutoff(0)


def test_the_command_uses_the_settings(database_url, tmp_path, monkeypatch):
    trackers = tracker_store(f"sqlite:///{tmp_path / 'trackers.db'}")
    add_store_rows("old", utcnow() - timedelta(days=8))
    add_events(trackers, "wa-old", utcnow() - timedelta(days=8))
    env = {"DALEEL_RETENTION_DAYS": "7", "DALEEL_TRACKER_DATABASE_URL": trackers}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "retention"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "days": 7,
        "deleted": {
            "tracker_events": 3,
            "inbox": 1,
            "processed_ids": 1,
            "outbox": 1,
            "senders": 1,
            "followups": 1,
            "handoffs": 1,
            "agent_replies": 1,
        },
    }
    refused = subprocess.run(
        [sys.executable, "-m", "bot", "retention", "--days", "0"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert refused.returncode == 2
