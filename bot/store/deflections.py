"""Writing deflection events and hand-offs; no message text, no personal data."""

from __future__ import annotations

import hashlib
import hmac
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from bot.settings import get_settings
from bot.store import db
from bot.store.models import OUTCOMES, SOURCES, DeflectionEvent, Handoff, HandoffStep, utcnow
from bot.store.spool import get_spool

logger = logging.getLogger(__name__)
# The database is down or unreachable: the event waits in the spool instead.
UNREACHABLE = (OperationalError, InterfaceError)

# A visit counts as deflected once the customer was sent to a smart channel and did not decline it.
DEFLECTED_OUTCOMES = ("routed", "confirmed")
# A later answer about the same visit replaces "routed"; nothing replaces a final outcome by "routed".
_FINAL = set(OUTCOMES) - {"routed"}


def hash_conversation(conversation_id: str) -> str:
    salt = get_settings().conversation_salt.encode()
    return hmac.new(salt, conversation_id.encode(), hashlib.sha256).hexdigest()[:32]


def record_deflection(
    conversation_id: str, service_id: str, entity: str, channel: str, language: str, source: str, outcome: str
) -> bool:
    """Record what became of one visit; True when something new was written (or queued)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    event = dict(
        conversation_hash=hash_conversation(conversation_id),
        service_id=service_id,
        entity=entity,
        channel=channel,
        language=language,
        source=source,
        outcome=outcome,
    )
    return _deliver("deflection", event)


def record_handoff(
    conversation_id: str, service_id: str | None, reason: str, channel: str = "web", language: str = "en"
) -> None:
    """A hand-off waiting for an agent (bot/store/handoffs.py). The conversation id is Rasa's sender id
    (never a phone number): the console reads and resumes the conversation by it while it is open."""
    _deliver(
        "handoff",
        dict(
            conversation_hash=hash_conversation(conversation_id),
            conversation_id=conversation_id[:128],
            service_id=service_id,
            reason=reason[:64],
            channel=channel if channel in SOURCES else "web",
            language=language if language in ("ar", "en") else "en",
        ),
    )


def flush_spool() -> int:
    """Write the queued events, oldest first; stop at the first that still cannot be written."""
    spool, written = get_spool(), 0
    for row_id, kind, event in spool.pending():
        try:
            _WRITERS[kind](event)
        except UNREACHABLE:
            break
        spool.remove(row_id)
        written += 1
    if written:
        logger.info("spool: wrote %d queued events", written)
    return written


def _deliver(kind: str, event: dict) -> bool:
    spool = get_spool()
    if len(spool):
        flush_spool()
        if len(spool):  # older events still wait: queue behind them, keep the order
            spool.put(kind, event)
            return True
    try:
        return _WRITERS[kind](event)
    except UNREACHABLE as exc:
        logger.warning("database unreachable (%s): %s event queued in the spool", type(exc).__name__, kind)
        spool.put(kind, event)
        return True


def _write_deflection(event: dict) -> bool:
    with db.session() as session:
        query = select(DeflectionEvent).where(
            DeflectionEvent.conversation_hash == event["conversation_hash"],
            DeflectionEvent.service_id == event["service_id"],
        )
        existing = session.scalars(query).first()
        if existing is None:
            session.add(DeflectionEvent(**event))
            try:
                session.commit()
            except IntegrityError:  # the same visit written by a concurrent retry
                session.rollback()
                return False
            return True
        outcome = event["outcome"]
        if existing.outcome == outcome or (outcome == "routed" and existing.outcome in _FINAL):
            return False
        existing.outcome = outcome
        existing.updated_at = utcnow()
        session.commit()
        return True


def _write_handoff(event: dict) -> bool:
    with db.session() as session:
        handoff = Handoff(**event, state="waiting")
        session.add(handoff)
        session.flush()
        # Its first timed step: waiting since it was handed over (a spooled one, since it was written).
        session.add(HandoffStep(handoff_id=handoff.id, step="waiting", at=handoff.created_at, channel=handoff.channel))
        session.commit()
    return True


_WRITERS = {"deflection": _write_deflection, "handoff": _write_handoff}
