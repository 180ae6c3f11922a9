"""Replies the Graph API did not take are kept here, not lost, and resent later (in order per sender)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select

from bot.channels.twilio.client import TwilioClient
from bot.channels.whatsapp.graph import GraphClient, SendFailed
from bot.store import db
from bot.store.models import OutboxMessage, utcnow

logger = logging.getLogger(__name__)


def deliver(client: GraphClient | TwilioClient, recipient: str, hashed: str, bodies: list[dict]) -> int:
    """Send the replies in order; from the first that fails on, keep them in the outbox. Returns how many were kept."""
    for position, body in enumerate(bodies):
        try:
            client.send(recipient, body)
        except SendFailed as exc:
            kept = bodies[position:]
            _keep(recipient, hashed, kept, exc.reason, client.attempts)
            logger.warning(
                "whatsapp reply kept in the outbox: sender=%s messages=%d reason=%s", hashed[:12], len(kept), exc.reason
            )
            return len(kept)
    return 0


def _keep(recipient: str, hashed: str, bodies: list[dict], reason: str, attempts: int) -> None:
    with db.session() as session:
        session.add_all(
            OutboxMessage(sender_hash=hashed, recipient=recipient, body=body, attempts=attempts, last_error=reason[:64])
            for body in bodies
        )
        session.commit()


@dataclass
class ResendReport:
    sent: int = 0
    failed: int = 0
    pending: int = 0


def resend(client: GraphClient, twilio: TwilioClient | None = None) -> ResendReport:
    """Try every pending reply once more (with the client's retries), oldest first; replies to a
    Twilio sender ("whatsapp:+...") through `twilio` (left pending without it).

    A sender's later replies wait while an earlier one still fails, so the order is kept.
    A sent reply keeps its row for counting, with the phone number and the text removed.
    """
    report = ResendReport()
    blocked: set[str] = set()
    with db.session() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id)
        ).all()
        for row in rows:
            sender = twilio if row.recipient.startswith("whatsapp:") else client
            if row.sender_hash in blocked or sender is None:
                report.pending += 1
                continue
            try:
                sender.send(row.recipient, row.body)
            except SendFailed as exc:
                row.attempts += sender.attempts
                row.last_error = exc.reason[:64]
                blocked.add(row.sender_hash)
                report.failed += 1
                logger.warning("whatsapp outbox resend failed: sender=%s reason=%s", row.sender_hash[:12], exc.reason)
            else:
                row.sent_at, row.recipient, row.body = utcnow(), "", {}
                report.sent += 1
            session.commit()
    return report
