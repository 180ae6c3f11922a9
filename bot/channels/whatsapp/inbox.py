"""Incoming messages are kept in the inbox from before Meta gets its 200 until they are processed.

accept() stores a message and claims its id (in whatsapp_processed_messages, so Meta's retries are
skipped) in one transaction, before the webhook answers. process() answers it and marks it done.
A message whose processing failed (Rasa unreachable, an error) or whose worker died is taken again
by retry_due() once its lease has run out: at start-up and periodically (retry_periodically, run by
the app) or with `python -m bot.channels.whatsapp retry`. Taking a message is a compare-and-set on its lease,
so two workers or app servers never process it at the same time; the lease must therefore outlast
one processing (Rasa's timeout plus the Graph API's retries). A worker that dies after Rasa answered
but before the message was marked done leaves it to be processed again (at least once, in that gap).

The sender's number and the text are needed to process the message, so they are stored; once it
is processed (answered or given up on) both are blanked and only the counting fields stay.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from anyio import to_thread
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.channels.rasa import RasaClient, RasaUnavailable, rest_client
from bot.channels.twilio.client import TwilioClient
from bot.channels.whatsapp.graph import GraphClient
from bot.channels.whatsapp.handler import handle
from bot.channels.whatsapp.payload import Incoming
from bot.channels.whatsapp.state import sender_hash
from bot.settings import Settings
from bot.store import db
from bot.store.models import InboxMessage, ProcessedMessage, utcnow

logger = logging.getLogger(__name__)
TWILIO_ID = "twilio:"  # Twilio's message ids carry it in the inbox (bot/channels/twilio/payload.py)


def accept(message: Incoming, settings: Settings) -> bool:
    """Store the message, leased to the caller: True for the first delivery, False for any retry of it."""
    now = utcnow()
    with db.session() as session:
        session.add(ProcessedMessage(message_id=message.message_id, received_at=now))
        session.add(
            InboxMessage(
                message_id=message.message_id,
                received_at=now,
                sender_hash=sender_hash(message.sender),
                sender=message.sender,
                kind=message.kind,
                message_type=message.message_type[:32],
                text=message.text,
                attempts=1,
                leased_until=now + timedelta(seconds=settings.whatsapp_inbox_lease_seconds),
            )
        )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return False
    return True


Sender = GraphClient | TwilioClient


def process(message: Incoming, ask: RasaClient, client: Sender, settings: Settings, apologise: bool = True) -> str:
    """Handle a message the caller holds the lease of: "answered", "retry" or "gave_up". Never raises."""
    hashed = sender_hash(message.sender)
    try:
        handle(message, ask, client, apologise=apologise)
    except Exception as exc:  # noqa: BLE001  (kept in the inbox and tried again)
        unavailable = isinstance(exc, RasaUnavailable)
        logger.error(
            "whatsapp message not handled: sender=%s type=%s error=%s",
            hashed[:12],
            message.message_type,
            type(exc).__name__,
        )
        return _record(
            message.message_id, "failed", settings, error=type(exc).__name__, apologised=unavailable and apologise
        )
    return _record(message.message_id, "answered", settings)


def _record(message_id: str, result: str, settings: Settings, error: str = "", apologised: bool = False) -> str:
    try:
        with db.session() as session:
            row = session.get(InboxMessage, message_id)
            if row is None or row.done_at is not None:
                return "answered"
            if result == "failed":
                row.last_error, row.apologised = error[:64], row.apologised or apologised
                if row.attempts < settings.whatsapp_inbox_max_attempts:
                    row.leased_until = utcnow()  # due at the next retry
                    session.commit()
                    return "retry"
                result = "gave_up"
                logger.warning(
                    "whatsapp message given up after %d attempts: sender=%s error=%s",
                    row.attempts,
                    row.sender_hash[:12],
                    error,
                )
            # Processed: the phone number and the text are not kept any longer.
            row.done_at, row.outcome, row.sender, row.text = utcnow(), result, "", ""
            session.commit()
    except Exception as exc:  # noqa: BLE001  (the lease runs out and the message is taken again)
        logger.error("whatsapp inbox not updated: error=%s", type(exc).__name__)
        return "retry"
    return result


def _take(message_id: str, settings: Settings) -> tuple[Incoming, bool] | None:
    """Lease a message whose lease has run out (None when another worker was first): it and `apologised`."""
    now = utcnow()
    with db.session() as session:
        taken = session.execute(
            update(InboxMessage)
            .where(
                InboxMessage.message_id == message_id, InboxMessage.done_at.is_(None), InboxMessage.leased_until <= now
            )
            .values(
                leased_until=now + timedelta(seconds=settings.whatsapp_inbox_lease_seconds),
                attempts=InboxMessage.attempts + 1,
            )
        )
        session.commit()
        if taken.rowcount != 1:
            return None
        row = session.get(InboxMessage, message_id)
        return Incoming(row.message_id, row.sender, row.kind, row.text, row.message_type), row.apologised


@dataclass
class RetryReport:
    answered: int = 0
    retry: int = 0  # failed again: taken once more by a later run
    gave_up: int = 0
    skipped: int = 0  # taken by another worker, or waiting behind the same sender's earlier message


def retry_due(
    ask: RasaClient, client: GraphClient, settings: Settings, twilio: TwilioClient | None = None
) -> RetryReport:
    """Process every unfinished message whose lease has run out, oldest first, each sender's in order;
    Twilio's messages (when `twilio` is given) are answered through it, the others through `client`."""
    report = RetryReport()
    with db.session() as session:
        due = session.execute(
            select(InboxMessage.message_id, InboxMessage.sender_hash)
            .where(InboxMessage.done_at.is_(None), InboxMessage.leased_until <= utcnow())
            .order_by(InboxMessage.received_at, InboxMessage.message_id)
        ).all()
    blocked: set[str] = set()
    for message_id, hashed in due:
        through_twilio = message_id.startswith(TWILIO_ID)
        if through_twilio and twilio is None:
            report.skipped += 1
            continue
        taken = None if hashed in blocked else _take(message_id, settings)
        if taken is None:
            report.skipped += 1
            continue
        message, apologised = taken
        outcome = process(message, ask, twilio if through_twilio else client, settings, apologise=not apologised)
        setattr(report, outcome, getattr(report, outcome) + 1)
        if outcome == "retry":
            blocked.add(hashed)
    if due:
        logger.info(
            "whatsapp inbox retried: answered=%d retry=%d gave_up=%d skipped=%d",
            report.answered,
            report.retry,
            report.gave_up,
            report.skipped,
        )
    return report


async def retry_periodically(settings: Settings) -> None:
    """Run retry_due at start-up, then every whatsapp_inbox_retry_seconds (0: at start-up only)."""
    ask = rest_client(settings.rasa_url, settings.rasa_token.get_secret_value(), settings.whatsapp_rasa_timeout_seconds)
    client = GraphClient.from_settings(settings)
    twilio = TwilioClient.from_settings(settings) if settings.twilio_auth_token.get_secret_value() else None
    while True:
        try:
            await to_thread.run_sync(retry_due, ask, client, settings, twilio)
        except Exception as exc:  # noqa: BLE001  (e.g. the database is down: the next run tries again)
            logger.error("whatsapp inbox retry failed: error=%s", type(exc).__name__)
        if settings.whatsapp_inbox_retry_seconds <= 0:
            return
        await asyncio.sleep(settings.whatsapp_inbox_retry_seconds)
