"""WhatsApp tables. Only the outbox holds a phone number, and only until the reply is delivered."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String
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
