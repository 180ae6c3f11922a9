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


# A hand-off's states, in order: the assistant handed it over (waiting), an agent's team took it, and
# it ended either given back to the assistant or closed. Both ends resume the assistant.
HANDOFF_STATES = ("waiting", "taken", "handed_back", "closed")
OPEN_STATES = ("waiting", "taken")
# The timed steps of a hand-off (HandoffStep): its states and every agent reply.
HANDOFF_STEPS = ("waiting", "taken", "replied", "handed_back", "closed")


class Handoff(Base):
    """A conversation handed over to a person, with the service in focus and why.

    While it is open the row holds what the agent console needs to reach the conversation: Rasa's
    sender id (a pseudonym on WhatsApp, the widget's random id on the web) and, on WhatsApp, the
    customer's number (set by the connector, bot/channels/agent.py). Both are blanked when it ends.
    """

    __tablename__ = "handoffs"
    __table_args__ = (
        CheckConstraint(f"state IN ({', '.join(repr(s) for s in HANDOFF_STATES)})", name="ck_handoff_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    conversation_hash: Mapped[str] = mapped_column(String(64), index=True)
    service_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    reason: Mapped[str] = mapped_column(String(64))
    conversation_id: Mapped[str] = mapped_column(String(128), default="", index=True)  # blanked at the end
    channel: Mapped[str] = mapped_column(String(16), default="web")
    language: Mapped[str] = mapped_column(String(2), default="en")
    state: Mapped[str] = mapped_column(String(16), default="waiting", index=True)
    team: Mapped[str] = mapped_column(String(100), default="")  # the agents' team that took it
    taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    recipient: Mapped[str] = mapped_column(String(64), default="")  # WhatsApp number; blanked at the end


class HandoffStep(Base):
    """One timed step of a hand-off (waiting, taken, replied, handed back, closed): the dashboard's
    waiting and handling times. No text, no id of the customer; kept after retention deletes the hand-off."""

    __tablename__ = "handoff_steps"
    __table_args__ = (
        CheckConstraint(f"step IN ({', '.join(repr(s) for s in HANDOFF_STEPS)})", name="ck_handoff_step"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(Integer, index=True)
    step: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(16), default="web")
    team: Mapped[str] = mapped_column(String(100), default="")


class AgentReply(Base):
    """An agent's reply (text masked like every stored message). Web chat replies wait here until the
    widget acknowledges them; `request_key` makes a repeated request a no-op instead of a second send."""

    __tablename__ = "agent_replies"
    __table_args__ = (UniqueConstraint("handoff_id", "request_key", name="uq_agent_reply_request"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    request_key: Mapped[str] = mapped_column(String(64))
    conversation_hash: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


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


# A follow-up's states: waiting for its time, sent (asking whether it worked), answered by the
# customer, or ended without an answer: cancelled (no longer fitting) or failed (Meta refused it).
FOLLOWUP_STATES = ("scheduled", "sent", "answered", "cancelled", "failed")


class Followup(Base):
    """ "Did it work?" asked on WhatsApp some time after a routed answer (bot/channels/whatsapp/followups.py).

    One per visit (conversation and service), so it is never scheduled twice. The number is kept only
    until the follow-up is sent or ends; the row stays for counting, like the outbox's.
    """

    __tablename__ = "whatsapp_followups"
    __table_args__ = (
        UniqueConstraint("conversation_hash", "service_id", name="uq_followup_visit"),
        CheckConstraint(f"state IN ({', '.join(repr(s) for s in FOLLOWUP_STATES)})", name="ck_followup_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    conversation_hash: Mapped[str] = mapped_column(String(64))  # the deflection event's (Rasa's pseudonym)
    sender_hash: Mapped[str] = mapped_column(String(64), index=True)
    recipient: Mapped[str] = mapped_column(String(64))  # blanked once sent or ended
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)
    service_id: Mapped[str] = mapped_column(String(128))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_customer_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # Meta's 24-hour window
    state: Mapped[str] = mapped_column(String(16), default="scheduled", index=True)
    leased_until: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(64), default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
