"""Our tables. No message text and no personal data are stored in them, except the WhatsApp inbox and
outbox, which hold a phone number (the inbox also the text) only until the message is processed or the
reply delivered."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base

# The closed vocabularies of a deflection event (CHECK constraints in the database too).
OUTCOMES = ("routed", "confirmed", "declined", "assisted_in_person", "handed_off")
SOURCES = ("web", "whatsapp", "ambassador", "rest")
LANGUAGES = ("ar", "en")


def _one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"ck_deflection_{column}")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class DeflectionEvent(Base):
    """A visit sent to a smart channel: one row per service per conversation; outcome moves on."""

    __tablename__ = "deflection_events"
    __table_args__ = (
        UniqueConstraint("conversation_hash", "service_id", name="uq_deflection_conversation_service"),
        _one_of("outcome", OUTCOMES),
        _one_of("source", SOURCES),
        _one_of("language", LANGUAGES),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    conversation_hash: Mapped[str] = mapped_column(String(64), index=True)
    service_id: Mapped[str] = mapped_column(String(128), index=True)
    entity: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(2))
    source: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(32))


class Handoff(Base):
    """A conversation handed over to a person, with the service in focus and why."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    conversation_hash: Mapped[str] = mapped_column(String(64), index=True)
    service_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    reason: Mapped[str] = mapped_column(String(64))


class ServiceRecord(Base):
    """A catalogue service as imported; a service removed from the files is retired, never deleted."""

    __tablename__ = "services"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), index=True)
    name_en: Mapped[str] = mapped_column(String(300))
    name_ar: Mapped[str] = mapped_column(String(300))
    fee_aed: Mapped[float | None] = mapped_column(Float, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64))
    record: Mapped[dict] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


# --- WhatsApp ------------------------------------------------------------------


class ProcessedMessage(Base):
    """An incoming WhatsApp message id, inserted before processing so a retried delivery is skipped."""

    __tablename__ = "whatsapp_processed_messages"

    message_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class SenderState(Base):
    """Per sender (salted hash of the WhatsApp id): last reply language and the numbered choices offered."""

    __tablename__ = "whatsapp_senders"

    sender_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)
    offered: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class OutboxMessage(Base):
    """A reply the Graph API did not accept; resent later. Recipient and body are cleared once sent."""

    __tablename__ = "whatsapp_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    sender_hash: Mapped[str] = mapped_column(String(64), index=True)
    recipient: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(64), default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)


class InboxMessage(Base):
    """An incoming message, stored before Meta gets its 200 and processed from here (bot/channels/whatsapp/inbox.py).

    The sender's number and the text are kept only until the message is processed (answered or given
    up on): then they are blanked, and the row stays for counting, like the outbox's.
    """

    __tablename__ = "whatsapp_inbox"

    message_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sender_hash: Mapped[str] = mapped_column(String(64))
    sender: Mapped[str] = mapped_column(String(255))  # blanked once processed
    kind: Mapped[str] = mapped_column(String(16))
    message_type: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)  # blanked once processed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    leased_until: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    apologised: Mapped[bool] = mapped_column(Boolean, default=False)  # "can't answer right now" was sent
    last_error: Mapped[str] = mapped_column(String(64), default="")
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    outcome: Mapped[str] = mapped_column(String(16), default="")  # "answered" | "gave_up"
