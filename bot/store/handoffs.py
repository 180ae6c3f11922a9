"""The agent console's hand-offs: the queue, taking one (atomically), replies, the end, the times.

A hand-off moves waiting -> taken -> handed_back | closed. Each move is one compare-and-set UPDATE on
its state, so of two agents taking the same hand-off at once exactly one wins; the other, and any
move from a state that does not allow it, gets HandoffConflict. Each move, and each reply, also
writes a timed HandoffStep in the same transaction.

The ids that reach the conversation (Rasa's sender id, a WhatsApp number) are kept only while the
hand-off is open and blanked when it ends; reply texts are masked (bot/text/redact.py).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store import db
from bot.store.models import OPEN_STATES, AgentReply, Handoff, HandoffStep, utcnow
from bot.text.redact import mask

ENDED_SHOWN = 20  # the queue shows every open hand-off and this many of the last ended ones
ENDS = ("handed_back", "closed")


class HandoffNotFound(LookupError):
    pass


class HandoffConflict(RuntimeError):
    """The hand-off is not in a state that allows the move; `state` and `team` say where it is."""

    def __init__(self, state: str, team: str, detail: str):
        super().__init__(detail)
        self.state, self.team = state, team


def queue(session: Session) -> list[Handoff]:
    """Open hand-offs, oldest first, then the last ended ones, latest first."""
    open_ = session.scalars(select(Handoff).where(Handoff.state.in_(OPEN_STATES)).order_by(Handoff.id)).all()
    ended = session.scalars(
        select(Handoff).where(Handoff.state.in_(ENDS)).order_by(Handoff.ended_at.desc(), Handoff.id.desc())
    ).all()[:ENDED_SHOWN]
    return [*open_, *ended]


def get(session: Session, handoff_id: int) -> Handoff:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise HandoffNotFound(f"no hand-off with id {handoff_id}")
    return handoff


def _conflict(handoff: Handoff, team: str, wanted: str) -> HandoffConflict:
    if handoff.state == "taken" and handoff.team != team:
        detail = f"hand-off {handoff.id} is taken by the team {handoff.team!r}"
    elif handoff.state == "taken" and wanted == "waiting":
        detail = f"hand-off {handoff.id} is taken already (by your team)"
    elif handoff.state in ENDS:
        detail = f"hand-off {handoff.id} is {handoff.state.replace('_', ' ')}: nothing more can be done with it"
    else:
        detail = f"hand-off {handoff.id} is {handoff.state}: take it first"
    return HandoffConflict(handoff.state, handoff.team, detail)


def take(handoff_id: int, team: str) -> Handoff:
    """The hand-off, now taken by `team`; HandoffConflict when it was not waiting any longer."""
    now = utcnow()
    with db.session() as session:
        moved = session.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id, Handoff.state == "waiting")
            .values(state="taken", team=team, taken_at=now)
        )
        handoff = get(session, handoff_id)
        if moved.rowcount != 1:
            session.rollback()
            raise _conflict(session.get(Handoff, handoff_id), team, "waiting")
        session.add(HandoffStep(handoff_id=handoff_id, step="taken", at=now, channel=handoff.channel, team=team))
        session.commit()
        return handoff


def held_by(session: Session, handoff_id: int, team: str) -> Handoff:
    """The hand-off when `team` holds it (taken, by it); else HandoffNotFound or HandoffConflict."""
    handoff = get(session, handoff_id)
    if handoff.state != "taken" or handoff.team != team:
        raise _conflict(handoff, team, "taken")
    return handoff


@dataclass
class NewReply:
    reply: AgentReply
    handoff: Handoff
    created: bool  # False: the same request_key was sent before, nothing is sent again


def add_reply(handoff_id: int, team: str, request_key: str, text: str) -> NewReply:
    """Record one reply of the team holding the hand-off, once per request_key."""
    with db.session() as session:
        handoff = held_by(session, handoff_id, team)
        earlier = session.scalars(
            select(AgentReply).where(AgentReply.handoff_id == handoff_id, AgentReply.request_key == request_key)
        ).first()
        if earlier is not None:
            return NewReply(earlier, handoff, created=False)
        now = utcnow()
        reply = AgentReply(
            handoff_id=handoff_id,
            created_at=now,
            request_key=request_key,
            conversation_hash=handoff.conversation_hash,
            text=mask(text),
        )
        session.add(reply)
        session.add(HandoffStep(handoff_id=handoff_id, step="replied", at=now, channel=handoff.channel, team=team))
        try:
            session.commit()
        except IntegrityError:  # the same request, concurrently: the other one sends it
            session.rollback()
            earlier = session.scalars(
                select(AgentReply).where(AgentReply.handoff_id == handoff_id, AgentReply.request_key == request_key)
            ).one()
            return NewReply(earlier, handoff, created=False)
        return NewReply(reply, handoff, created=True)


def end(handoff_id: int, team: str, state: str) -> Handoff:
    """Hand back or close the hand-off `team` holds; the ids that reached the conversation are blanked."""
    if state not in ENDS:
        raise ValueError(f"not an end: {state!r}")
    now = utcnow()
    with db.session() as session:
        moved = session.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id, Handoff.state == "taken", Handoff.team == team)
            .values(state=state, ended_at=now, conversation_id="", recipient="")
        )
        handoff = get(session, handoff_id)
        if moved.rowcount != 1:
            session.rollback()
            raise _conflict(session.get(Handoff, handoff_id), team, "taken")
        session.add(HandoffStep(handoff_id=handoff_id, step=state, at=now, channel=handoff.channel, team=team))
        session.commit()
        return handoff


def replies(session: Session, handoff_id: int) -> list[AgentReply]:
    return list(session.scalars(select(AgentReply).where(AgentReply.handoff_id == handoff_id).order_by(AgentReply.id)))


def attach_recipient(conversation_id: str, recipient: str) -> int:
    """The WhatsApp number of an open hand-off of this conversation that has none yet (set by the
    connector, which alone knows the number behind Rasa's pseudonym). Returns the rows updated."""
    with db.session() as session:
        done = session.execute(
            update(Handoff)
            .where(Handoff.conversation_id == conversation_id, Handoff.state.in_(OPEN_STATES), Handoff.recipient == "")
            .values(recipient=recipient[:64])
        )
        session.commit()
        return done.rowcount


def web_replies(conversation_hash: str, after: int) -> list[AgentReply]:
    """The conversation's agent replies after id `after`; those up to `after` are acknowledged (the
    widget has shown them)."""
    with db.session() as session:
        session.execute(
            update(AgentReply)
            .where(
                AgentReply.conversation_hash == conversation_hash,
                AgentReply.id <= after,
                AgentReply.acknowledged_at.is_(None),
            )
            .values(acknowledged_at=utcnow())
        )
        session.commit()
        return list(
            session.scalars(
                select(AgentReply)
                .where(AgentReply.conversation_hash == conversation_hash, AgentReply.id > after)
                .order_by(AgentReply.id)
            )
        )


# --- times, for the dashboard ---------------------------------------------------------------------


@dataclass
class HandoffTimes:
    count: int  # hand-offs that started waiting in the period
    taken: int
    ended: int
    waiting: int  # not taken yet
    with_agent: int  # taken, not ended yet
    median_waiting_seconds: float | None  # waiting -> taken
    median_handling_seconds: float | None  # taken -> handed back or closed
    p90_waiting_seconds: float | None
    p90_handling_seconds: float | None


def _seconds(later: datetime, earlier: datetime) -> float:
    return max(0.0, (later - earlier) / timedelta(seconds=1))


def _p90(values: list[float]) -> float | None:
    """The 90th percentile, interpolated between the observed values (one value: itself)."""
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def handoff_times(
    session: Session, start: datetime | None = None, end_: datetime | None = None, channel: str | None = None
) -> HandoffTimes:
    """Of the hand-offs that started waiting in [start, end_) (open ends: all): counts and median times,
    from the steps (which outlive the hand-offs' own rows)."""
    waiting = select(HandoffStep.handoff_id).where(HandoffStep.step == "waiting")
    if start is not None:
        waiting = waiting.where(HandoffStep.at >= start)
    if end_ is not None:
        waiting = waiting.where(HandoffStep.at < end_)
    if channel:
        waiting = waiting.where(HandoffStep.channel == channel)
    rows = session.execute(
        select(HandoffStep.handoff_id, HandoffStep.step, HandoffStep.at).where(
            HandoffStep.handoff_id.in_(waiting), HandoffStep.step.in_(("waiting", "taken", *ENDS))
        )
    ).all()
    times: dict[int, dict[str, datetime]] = {}
    for handoff_id, step, at in rows:
        times.setdefault(handoff_id, {}).setdefault("end" if step in ENDS else step, as_utc(at))
    waits = [_seconds(t["taken"], t["waiting"]) for t in times.values() if "taken" in t]
    handling = [_seconds(t["end"], t["taken"]) for t in times.values() if "taken" in t and "end" in t]
    return HandoffTimes(
        count=len(times),
        taken=len(waits),
        ended=len(handling),
        waiting=sum(1 for t in times.values() if "taken" not in t and "end" not in t),
        with_agent=sum(1 for t in times.values() if "taken" in t and "end" not in t),
        median_waiting_seconds=statistics.median(waits) if waits else None,
        median_handling_seconds=statistics.median(handling) if handling else None,
        p90_waiting_seconds=_p90(waits),
        p90_handling_seconds=_p90(handling),
    )


def as_utc(value: datetime) -> datetime:
    """SQLite gives naive datetimes back (stored as UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
