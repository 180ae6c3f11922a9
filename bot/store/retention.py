"""Nothing kept longer than the retention period (DALEEL_RETENTION_DAYS): `python -m bot retention`.

Deleted when older: Rasa's tracker events (its SQL tracker store's `events` table, when
DALEEL_TRACKER_DATABASE_URL is set), the WhatsApp inbox, claimed message ids, outbox, per-sender
states, follow-ups, the hand-off details and the agents' replies. The deflection events and the hand-offs'
timed steps stay: they are the counts, with no text and at most a salted hash of the conversation.

A tracker event older than the period belongs to a session that has long ended (sessions expire
after an hour, domain.yml), so deleting by event time never cuts into a running conversation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import column, create_engine, delete, inspect, table

from bot.store import db
from bot.store.models import (
    AgentReply,
    Followup,
    Handoff,
    InboxMessage,
    OutboxMessage,
    ProcessedMessage,
    SenderState,
    utcnow,
)

TRACKER_EVENTS = table("events", column("timestamp"))  # Rasa's SQLTrackerStore: timestamp in epoch seconds
_STORE = (
    ("inbox", InboxMessage, InboxMessage.received_at),
    ("processed_ids", ProcessedMessage, ProcessedMessage.received_at),
    ("outbox", OutboxMessage, OutboxMessage.created_at),
    ("senders", SenderState, SenderState.updated_at),
    ("followups", Followup, Followup.created_at),
    ("handoffs", Handoff, Handoff.created_at),
    ("agent_replies", AgentReply, AgentReply.created_at),
)


@dataclass
class RetentionReport:
    tracker_events: int = 0
    inbox: int = 0
    processed_ids: int = 0
    outbox: int = 0
    senders: int = 0
    followups: int = 0
    handoffs: int = 0
    agent_replies: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def cutoff(days: int, now: datetime | None = None) -> datetime:
    if days < 1:
        raise ValueError("the retention period is at least one day")
    return (now or utcnow()) - timedelta(days=days)


def delete_tracker_events(tracker_url: str, before: datetime) -> int:
    """Rasa's tracker events older than `before`; 0 when the store has no events table yet."""
    engine = create_engine(tracker_url)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        with engine.begin() as connection:
            done = connection.execute(delete(TRACKER_EVENTS).where(TRACKER_EVENTS.c.timestamp < before.timestamp()))
            return done.rowcount
    finally:
        engine.dispose()


def delete_store_rows(before: datetime, store_url: str | None = None) -> dict[str, int]:
    deleted = {}
    with db.session(store_url) as session:
        for name, model, stamp in _STORE:
            deleted[name] = session.execute(delete(model).where(stamp < before)).rowcount
        session.commit()
    return deleted


def apply_retention(days: int, store_url: str | None = None, tracker_url: str = "") -> RetentionReport:
    before = cutoff(days)
    report = RetentionReport(**delete_store_rows(before, store_url))
    if tracker_url:
        report.tracker_events = delete_tracker_events(tracker_url, before)
    return report
