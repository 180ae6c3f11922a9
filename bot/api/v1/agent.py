"""The agent console's JSON API (the page is bot/api/pages/agent.py): the queue of hand-offs, one
hand-off with the conversation's last messages, take, reply, hand back, close.

Every refusal is a 4xx `{"detail": ...}`: 401 without an agent's session, 404 for an unknown id,
409 for a move the hand-off's state does not allow (taken by someone else, ended), 422 for an empty
or oversized reply. A reply is recorded once per `request_key`, so a repeated request sends nothing
twice; a WhatsApp reply the Graph API refuses waits in the outbox and is resent, never lost.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone
from typing import Literal

from fastapi import APIRouter, HTTPException, Response
from pydantic import BaseModel, Field, field_validator
from starlette.concurrency import run_in_threadpool

from bot.api.deps import AgentDep, CatalogueDep, GraphDep, SessionDep, SettingsDep, TwilioDep
from bot.channels import agent as conversation
from bot.channels.rasa import RasaUnavailable
from bot.store import handoffs
from bot.store.handoffs import as_utc
from bot.store.models import AgentReply, Handoff, utcnow
from service_catalog.loader import Catalogue

router = APIRouter(prefix="/agent", tags=["agent"])
logger = logging.getLogger(__name__)
MAX_REPLY = 4096  # one WhatsApp text message
REFUSALS = {
    401: {"description": "agent sign-in required"},
    403: {"description": "cross-origin request (bot/api/security.py)"},
    404: {"description": "unknown hand-off"},
    409: {"description": "the hand-off's state does not allow it (taken by another team, handed back, closed)"},
}


class HandoffOut(BaseModel):
    id: int
    state: Literal["waiting", "taken", "handed_back", "closed"]
    channel: str
    language: str
    service_id: str | None
    service_name_en: str | None
    service_name_ar: str | None
    reason: str
    team: str
    created_at: datetime
    taken_at: datetime | None
    ended_at: datetime | None
    waiting_seconds: float  # until taken (still waiting: until now)
    handling_seconds: float | None  # from taken until it ended (still taken: until now)


class MessageOut(BaseModel):
    sender: Literal["customer", "assistant", "agent"]
    text: str
    at: datetime


class HandoffDetail(HandoffOut):
    messages: list[MessageOut]
    messages_available: bool  # False: Rasa did not answer, or the hand-off ended (its id is gone)


class QueueOut(BaseModel):
    team: str
    handoffs: list[HandoffOut]


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_REPLY)
    request_key: str = Field(
        default_factory=lambda: uuid.uuid4().hex,
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="one per reply the agent sends: a repeated request with it sends nothing again",
    )

    @field_validator("text")
    @classmethod
    def not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("the reply is empty")
        return text.strip()


class ReplyOut(BaseModel):
    id: int
    handoff_id: int
    created: bool  # False: this request_key was sent before; nothing was sent again
    queued: bool  # WhatsApp: the Graph API did not take it yet, it waits in the outbox


def _seconds(later: datetime | None, earlier: datetime | None) -> float | None:
    if earlier is None:
        return None
    return max(0.0, ((later or utcnow()) - as_utc(earlier)).total_seconds())


def _out(handoff: Handoff, catalogue: Catalogue) -> dict:
    service = catalogue.by_id().get(handoff.service_id or "")
    created, taken = as_utc(handoff.created_at), handoff.taken_at
    ended = as_utc(handoff.ended_at) if handoff.ended_at else None
    return dict(
        id=handoff.id,
        state=handoff.state,
        channel=handoff.channel,
        language=handoff.language,
        service_id=handoff.service_id,
        service_name_en=service.name_en if service else None,
        service_name_ar=service.name_ar if service else None,
        reason=handoff.reason,
        team=handoff.team,
        created_at=created,
        taken_at=as_utc(taken) if taken else None,
        ended_at=ended,
        waiting_seconds=_seconds(as_utc(taken) if taken else None, created) or 0.0,
        handling_seconds=_seconds(ended, taken),
    )


def _not_found(exc: handoffs.HandoffNotFound) -> HTTPException:
    return HTTPException(status_code=404, detail=str(exc))


def _conflict(exc: handoffs.HandoffConflict) -> HTTPException:
    return HTTPException(status_code=409, detail=str(exc))


def _unavailable(exc: RasaUnavailable) -> HTTPException:
    logger.warning("Rasa unavailable for the agent console: %s", exc)
    return HTTPException(status_code=502, detail="the assistant (Rasa) is not reachable: nothing was changed")


@router.get("/handoffs", response_model=QueueOut, responses=REFUSALS)
def list_handoffs(team: AgentDep, session: SessionDep, catalogue: CatalogueDep) -> QueueOut:
    """Every open hand-off (waiting, taken), oldest first, then the last ended ones."""
    return QueueOut(team=team, handoffs=[HandoffOut(**_out(h, catalogue)) for h in handoffs.queue(session)])


@router.get("/handoffs/{handoff_id}", response_model=HandoffDetail, responses=REFUSALS)
async def show_handoff(
    handoff_id: int, team: AgentDep, session: SessionDep, settings: SettingsDep, catalogue: CatalogueDep
) -> HandoffDetail:
    """One hand-off with the conversation's last messages (Rasa's tracker, personal data masked) and
    the agents' replies."""
    try:
        handoff = handoffs.get(session, handoff_id)
    except handoffs.HandoffNotFound as exc:
        raise _not_found(exc) from None
    messages, available = [], bool(handoff.conversation_id)
    if handoff.conversation_id:
        try:
            found = await run_in_threadpool(
                conversation.last_messages,
                settings.rasa_url,
                settings.rasa_token.get_secret_value(),
                handoff.conversation_id,
                settings.agent_tracker_messages,
            )
        except RasaUnavailable as exc:
            logger.warning("conversation of hand-off %d not readable: %s", handoff_id, exc)
            found, available = [], False
        messages = [
            MessageOut(sender=m.sender, text=m.text, at=datetime.fromtimestamp(m.at, tz=timezone.utc)) for m in found
        ]
    messages += [_reply_message(r) for r in handoffs.replies(session, handoff_id)]
    messages.sort(key=lambda m: m.at)
    return HandoffDetail(**_out(handoff, catalogue), messages=messages, messages_available=available)


def _reply_message(reply: AgentReply) -> MessageOut:
    return MessageOut(sender="agent", text=reply.text, at=as_utc(reply.created_at))


@router.post("/handoffs/{handoff_id}/take", response_model=HandoffOut, responses=REFUSALS)
def take(handoff_id: int, team: AgentDep, catalogue: CatalogueDep) -> HandoffOut:
    """Take a waiting hand-off for the team: of two agents at once exactly one wins, the other gets 409."""
    try:
        handoff = handoffs.take(handoff_id, team)
    except handoffs.HandoffNotFound as exc:
        raise _not_found(exc) from None
    except handoffs.HandoffConflict as exc:
        raise _conflict(exc) from None
    logger.info("hand-off %d taken by team %s", handoff_id, team)
    return HandoffOut(**_out(handoff, catalogue))


@router.post("/handoffs/{handoff_id}/reply", response_model=ReplyOut, status_code=201, responses=REFUSALS)
def reply(
    handoff_id: int,
    body: ReplyIn,
    response: Response,
    team: AgentDep,
    session: SessionDep,
    graph: GraphDep,
    twilio: TwilioDep,
    settings: SettingsDep,
) -> ReplyOut:
    """Send the customer a reply on their channel: WhatsApp through the Graph API (or Twilio), the web
    chat through the widget, which polls for it (POST /api/v1/chat/agent-messages). 201 when sent,
    200 when this request_key was sent before (nothing sent again)."""
    try:
        held = handoffs.held_by(session, handoff_id, team)
        if held.channel == "whatsapp" and not held.recipient:
            raise HTTPException(
                status_code=409, detail=f"hand-off {handoff_id}: the customer's WhatsApp number is not known"
            )
        new = handoffs.add_reply(handoff_id, team, body.request_key, body.text)
    except handoffs.HandoffNotFound as exc:
        raise _not_found(exc) from None
    except handoffs.HandoffConflict as exc:
        raise _conflict(exc) from None
    queued = False
    if not new.created:
        response.status_code = 200
    elif new.handoff.channel == "whatsapp":
        with_twilio = twilio if settings.twilio_auth_token.get_secret_value() else None
        queued = conversation.send_whatsapp(graph, with_twilio, new.handoff.recipient, new.reply.text) > 0
    logger.info("hand-off %d: agent reply %s (team %s)", handoff_id, "sent" if new.created else "repeated", team)
    return ReplyOut(id=new.reply.id, handoff_id=handoff_id, created=new.created, queued=queued)


async def _end(handoff_id: int, team: str, session, settings, catalogue, state: str) -> HandoffOut:
    """Resume the conversation in Rasa first (harmless when repeated), then end the hand-off: when
    Rasa cannot be reached nothing changes and the agent may try again."""
    try:
        handoff = handoffs.held_by(session, handoff_id, team)
    except handoffs.HandoffNotFound as exc:
        raise _not_found(exc) from None
    except handoffs.HandoffConflict as exc:
        raise _conflict(exc) from None
    try:
        await run_in_threadpool(
            conversation.resume, settings.rasa_url, settings.rasa_token.get_secret_value(), handoff.conversation_id
        )
    except RasaUnavailable as exc:
        raise _unavailable(exc) from None
    try:
        ended = await run_in_threadpool(handoffs.end, handoff_id, team, state)
    except handoffs.HandoffConflict as exc:  # ended by a concurrent request meanwhile
        raise _conflict(exc) from None
    logger.info("hand-off %d %s by team %s", handoff_id, state, team)
    return HandoffOut(**_out(ended, catalogue))


END_RESPONSES = {**REFUSALS, 502: {"description": "Rasa not reachable: nothing changed"}}


@router.post("/handoffs/{handoff_id}/hand-back", response_model=HandoffOut, responses=END_RESPONSES)
async def hand_back(
    handoff_id: int, team: AgentDep, session: SessionDep, settings: SettingsDep, catalogue: CatalogueDep
) -> HandoffOut:
    """Give the conversation back to the assistant: it answers the customer's next message."""
    return await _end(handoff_id, team, session, settings, catalogue, "handed_back")


@router.post("/handoffs/{handoff_id}/close", response_model=HandoffOut, responses=END_RESPONSES)
async def close(
    handoff_id: int, team: AgentDep, session: SessionDep, settings: SettingsDep, catalogue: CatalogueDep
) -> HandoffOut:
    """The customer's matter is finished. The assistant is resumed too, so that a customer who writes
    again is never left without an answer."""
    return await _end(handoff_id, team, session, settings, catalogue, "closed")
