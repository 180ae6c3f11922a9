"""Writing deflection events and hand-offs; no message text, no personal data."""
from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db import session_factory
from bot.models import DeflectionEvent, Handoff, utcnow
from bot.settings import get_settings

OUTCOMES = ("routed", "confirmed", "declined", "assisted_in_person", "handed_off")
SOURCES = ("web", "whatsapp", "ambassador", "rest")
# A later answer about the same visit replaces "routed"; nothing replaces a final outcome by "routed".
_FINAL = set(OUTCOMES) - {"routed"}


def hash_conversation(conversation_id: str) -> str:
    salt = get_settings().conversation_salt.encode()
    return hmac.new(salt, conversation_id.encode(), hashlib.sha256).hexdigest()[:32]


def record_deflection(conversation_id: str, service_id: str, entity: str, channel: str, language: str,
                      source: str, outcome: str) -> bool:
    """Record what became of one visit; True when something new was written."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    conversation_hash = hash_conversation(conversation_id)
    sessions = session_factory()
    with sessions() as session:
        query = select(DeflectionEvent).where(
            DeflectionEvent.conversation_hash == conversation_hash, DeflectionEvent.service_id == service_id
        )
        existing = session.scalars(query).first()
        if existing is None:
            session.add(DeflectionEvent(conversation_hash=conversation_hash, service_id=service_id, entity=entity,
                                        channel=channel, language=language, source=source, outcome=outcome))
            try:
                session.commit()
            except IntegrityError:  # the same visit written by a concurrent retry
                session.rollback()
                return False
            return True
        if existing.outcome == outcome or (outcome == "routed" and existing.outcome in _FINAL):
            return False
        existing.outcome = outcome
        existing.updated_at = utcnow()
        session.commit()
        return True


def record_handoff(conversation_id: str, service_id: str | None, reason: str) -> None:
    sessions = session_factory()
    with sessions() as session:
        session.add(Handoff(conversation_hash=hash_conversation(conversation_id), service_id=service_id,
                            reason=reason[:64]))
        session.commit()
