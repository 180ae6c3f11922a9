"""Per-sender state in the app database (the processed message ids are claimed by inbox.accept)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from bot.store import db
from bot.store.deflections import hash_conversation
from bot.store.models import SenderState, utcnow


def sender_hash(sender: str) -> str:
    """The salted hash of the conversation (as in the deflection events); shortened in logs."""
    return hash_conversation(sender)


@dataclass
class State:
    language: str | None = None
    offered: list[dict] = field(default_factory=list)  # [{"title": ..., "payload": ...}] numbered from 1


def load_state(hashed: str) -> State:
    with db.session() as session:
        row = session.get(SenderState, hashed)
        return State(row.language, list(row.offered or [])) if row else State()


def save_state(hashed: str, state: State) -> None:
    for _ in range(2):  # a concurrent first message from the same sender may insert the row first
        with db.session() as session:
            row = session.get(SenderState, hashed)
            if row is None:
                session.add(SenderState(sender_hash=hashed, language=state.language, offered=state.offered))
            else:
                row.language, row.offered, row.updated_at = state.language, state.offered, utcnow()
            try:
                session.commit()
                return
            except IntegrityError:
                session.rollback()
