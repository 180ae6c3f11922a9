"""WhatsApp tables. Only the inbox and the outbox hold a phone number (the inbox also the message text),
and only until the message is processed or the reply delivered."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base
from bot.models import utcnow


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
    """An incoming message, stored before Meta gets its 200 and processed from here (bot/whatsapp/inbox.py).

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
