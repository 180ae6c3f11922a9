"""Follow-ups: some time after a routed answer the customer is asked whether it worked.

after_answer() runs after every answer the handler sends: it schedules one follow-up per visit
(conversation and service, a unique row) when the conversation's latest deflection event is
`routed` and no hand-off is open, moves the 24-hour window of the sender's scheduled follow-ups,
and cancels those that no longer fit (handed off since, or answered in person).

send_due() sends the due ones. Taking one is a compare-and-set on its lease, as in the inbox, so
of several workers or app servers exactly one sends it; a worker that dies between Meta's 200 and
marking it sent leaves it to be sent again once the lease runs out (at least once, in that gap).
Inside Meta's 24-hour customer-care window it comes with reply buttons, outside only as the approved
template of the settings (none: cancelled). A message Meta refuses fails at once, other failures are
tried again until whatsapp_followup_max_attempts. The number is blanked once it is sent or ends.

answer() takes the customer's button reply (`followup:yes:<id>`, `followup:no:<id>`) before Rasa:
yes makes the visit's event `confirmed`, no `declined` and offers the in-person way and a person.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.channels.pseudonym import pseudonym
from bot.channels.twilio.client import TwilioClient
from bot.channels.whatsapp.graph import GraphClient, Refused, SendFailed
from bot.channels.whatsapp.messages import message
from bot.channels.whatsapp.outbox import deliver
from bot.channels.whatsapp.payload import Incoming
from bot.channels.whatsapp.render import render
from bot.settings import Settings
from bot.store import db
from bot.store.deflections import hash_conversation, record_deflection
from bot.store.handoffs import as_utc
from bot.store.models import OPEN_STATES, DeflectionEvent, Followup, Handoff, utcnow

logger = logging.getLogger(__name__)
WINDOW = timedelta(hours=24)  # Meta's customer-care window: free-form messages only inside it
ANSWER = re.compile(r"^followup:(yes|no):([0-9]{1,18})$")
# What the bot's own "declined" buttons send (domain.yml, utter_feedback_declined).
IN_PERSON, PERSON = "/cannot_use_app", "/ask_human"


def _event(session: Session, conversation_hash: str, service_id: str | None = None) -> DeflectionEvent | None:
    """The visit's event, or (without a service) the conversation's latest."""
    query = select(DeflectionEvent).where(DeflectionEvent.conversation_hash == conversation_hash)
    if service_id is not None:
        query = query.where(DeflectionEvent.service_id == service_id)
    return session.scalars(query.order_by(DeflectionEvent.updated_at.desc(), DeflectionEvent.id.desc())).first()


def _handed_off(session: Session, conversation_hash: str) -> bool:
    query = select(Handoff.id).where(Handoff.conversation_hash == conversation_hash, Handoff.state.in_(OPEN_STATES))
    return session.scalars(query).first() is not None


def _fits(session: Session, row: Followup) -> bool:
    """Still worth asking: no hand-off open, and the visit still only routed (not in person, not handed off)."""
    event = _event(session, row.conversation_hash, row.service_id)
    return event is not None and event.outcome == "routed" and not _handed_off(session, row.conversation_hash)


def _end(row: Followup, state: str, error: str = "") -> None:
    row.state, row.recipient, row.last_error = state, "", error[:64]


def after_answer(sender: str, hashed: str, settings: Settings) -> None:
    """After an answer to the customer: move the window, cancel what no longer fits, schedule a new visit's."""
    now, conversation = utcnow(), hash_conversation(pseudonym(sender))
    with db.session() as session:
        pending = session.scalars(
            select(Followup).where(Followup.sender_hash == hashed, Followup.state == "scheduled")
        ).all()
        for row in pending:
            row.last_customer_at = now
            if not _fits(session, row):
                _end(row, "cancelled")
                logger.info("whatsapp follow-up %d cancelled: no longer fits the visit", row.id)
        session.commit()
        waiting = any(row.state == "scheduled" for row in pending)
        event = _event(session, conversation)
        if waiting or settings.whatsapp_followup_delay_seconds <= 0 or event is None or event.outcome != "routed":
            return
        if _handed_off(session, conversation):
            return
        known = select(Followup.id).where(
            Followup.conversation_hash == conversation, Followup.service_id == event.service_id
        )
        if session.scalars(known).first() is not None:  # never twice for a visit
            return
        session.add(
            Followup(
                conversation_hash=conversation,
                sender_hash=hashed,
                recipient=sender,
                language=event.language,  # the visit's: always known, unlike the sender's so far
                service_id=event.service_id,
                due_at=now + timedelta(seconds=settings.whatsapp_followup_delay_seconds),
                last_customer_at=now,
                leased_until=now,
            )
        )
        try:
            session.commit()
        except IntegrityError:  # the same visit scheduled by a concurrent answer
            session.rollback()


def _question(row: Followup, client: GraphClient, template: str, now: datetime) -> dict | None:
    """The message asking: buttons inside the window, else the template (None: none configured)."""
    yes, no = f"followup:yes:{row.id}", f"followup:no:{row.id}"
    if now - as_utc(row.last_customer_at) < WINDOW:  # SQLite gives naive UTC times back
        buttons = [
            {"title": message("followup_yes", row.language), "payload": yes},
            {"title": message("followup_no", row.language), "payload": no},
        ]
        item = {"text": message("followup_question", row.language), "buttons": buttons}
        return render([item], row.language, client.interactive, client.text_limit).bodies[0]
    if not template:
        return None
    replies = [
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": str(i),
            "parameters": [{"type": "payload", "payload": p}],
        }
        for i, p in enumerate((yes, no))
    ]
    code = row.language or "ar"
    return {"type": "template", "template": {"name": template, "language": {"code": code}, "components": replies}}


def _take(followup_id: int, settings: Settings, now: datetime) -> Followup | None:
    with db.session() as session:
        taken = session.execute(
            update(Followup)
            .where(Followup.id == followup_id, Followup.state == "scheduled", Followup.leased_until <= now)
            .values(
                leased_until=now + timedelta(seconds=settings.whatsapp_followup_lease_seconds),
                attempts=Followup.attempts + 1,
            )
        )
        session.commit()
        return session.get(Followup, followup_id) if taken.rowcount == 1 else None


@dataclass
class FollowupReport:
    sent: int = 0
    cancelled: int = 0
    failed: int = 0
    retry: int = 0  # not sent this time: taken again once its lease runs out
    skipped: int = 0  # taken by another worker


def _send(row: Followup, client: GraphClient, settings: Settings, now: datetime) -> str:
    """Send one taken follow-up: "sent", "cancelled", "failed" or "retry"."""
    with db.session() as session:
        current = session.get(Followup, row.id)
        if not _fits(session, current):
            _end(current, "cancelled")
            session.commit()
            logger.info("whatsapp follow-up %d cancelled: no longer fits the visit", row.id)
            return "cancelled"
        body = _question(current, client, settings.whatsapp_followup_template, now)
        if body is None:
            _end(current, "cancelled", "outside window, no template")
            session.commit()
            logger.info("whatsapp follow-up %d cancelled: outside the 24-hour window and no template", row.id)
            return "cancelled"
        try:
            client.send(current.recipient, body)
        except SendFailed as exc:
            refused = isinstance(exc, Refused)
            error = f"{exc.reason} code {exc.code}" if refused and exc.code else exc.reason
            if refused or current.attempts >= settings.whatsapp_followup_max_attempts:
                _end(current, "failed", error)
                outcome = "failed"
            else:
                current.last_error, current.leased_until, outcome = error[:64], now, "retry"
            session.commit()
            logger.warning("whatsapp follow-up %d not sent (%s): error=%s", row.id, outcome, error)
            return outcome
        _end(current, "sent")
        current.sent_at = now
        session.commit()
    return "sent"


def send_due(client: GraphClient, settings: Settings, now: datetime | None = None) -> FollowupReport:
    """Send every scheduled follow-up that is due and not leased by another worker, the oldest first."""
    now, report = now or utcnow(), FollowupReport()
    with db.session() as session:
        due = session.scalars(
            select(Followup.id)
            .where(Followup.state == "scheduled", Followup.due_at <= now, Followup.leased_until <= now)
            .order_by(Followup.due_at, Followup.id)
        ).all()
    for followup_id in due:
        row = _take(followup_id, settings, now)
        outcome = "skipped" if row is None else _send(row, client, settings, now)
        setattr(report, outcome, getattr(report, outcome) + 1)
    if due:
        logger.info(
            "whatsapp follow-ups: sent=%d cancelled=%d failed=%d retry=%d skipped=%d",
            report.sent,
            report.cancelled,
            report.failed,
            report.retry,
            report.skipped,
        )
    return report


def send_periodically(client: GraphClient, settings: Settings) -> None:
    """send_due every whatsapp_followup_poll_seconds, until stopped."""
    while True:
        try:
            send_due(client, settings)
        except Exception as exc:  # noqa: BLE001  (e.g. the database is down: the next run tries again)
            logger.error("whatsapp follow-ups not sent: error=%s", type(exc).__name__)
        time.sleep(max(1.0, settings.whatsapp_followup_poll_seconds))


def answer(incoming: Incoming, hashed: str, client: GraphClient | TwilioClient) -> bool:
    """Take a reply to a follow-up (True), or leave the message to Rasa (False: not one of this sender's)."""
    match = ANSWER.match(incoming.text) if incoming.kind == "reply" else None
    if match is None:
        return False
    choice, followup_id = match.group(1), int(match.group(2))
    with db.session() as session:
        row = session.get(Followup, followup_id)
        if row is None or row.sender_hash != hashed:
            return False
        moved = session.execute(
            update(Followup).where(Followup.id == followup_id, Followup.state == "sent").values(state="answered")
        )
        session.commit()
        event = _event(session, row.conversation_hash, row.service_id) if moved.rowcount == 1 else None
    language = row.language
    if moved.rowcount != 1:  # answered before (or never sent): nothing changes
        item = {"text": message("followup_answered", language)}
    else:
        if event is not None:
            outcome = "confirmed" if choice == "yes" else "declined"
            record_deflection(
                pseudonym(incoming.sender),
                row.service_id,
                event.entity,
                event.channel,
                event.language,
                "whatsapp",
                outcome,
            )
        item = {"text": message("followup_thanks", language)}
        if choice == "no":
            buttons = [
                {"title": message("followup_in_person", language), "payload": IN_PERSON},
                {"title": message("followup_person", language), "payload": PERSON},
            ]
            item = {"text": message("followup_declined", language), "buttons": buttons}
    rendered = render([item], language, client.interactive, client.text_limit)
    deliver(client, incoming.sender, hashed, rendered.bodies)
    return True
