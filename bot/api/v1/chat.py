"""Website chat: the proxy from the widget to Rasa's REST webhook (the page is bot/api/pages/chat.py)."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.api.deps import SettingsDep
from bot.channels.rasa import RasaUnavailable, ask_async
from bot.store.deflections import hash_conversation
from bot.store.handoffs import web_replies

router = APIRouter(tags=["chat"])
logger = logging.getLogger(__name__)
# Web senders live in their own namespace: a browser cannot pick another channel's conversation id.
SENDER_PREFIX = "web-"
UNAVAILABLE = {
    "timeout": "the assistant did not answer in time",
    "status": "the assistant answered with an error",
    "unreachable": "the assistant is not reachable",
    "unexpected": "the assistant answered with an error",
}


Sender = Annotated[
    str,
    Field(
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="random id the widget keeps for the conversation",
    ),
]


class ChatRequest(BaseModel):
    sender: Sender
    message: str = Field(min_length=1, max_length=5000, description="the customer's text or a button payload")


class Button(BaseModel):
    title: str
    payload: str


class BotMessage(BaseModel):
    text: str | None = None
    buttons: list[Button] = []


class ChatReply(BaseModel):
    sender: str
    messages: list[BotMessage]


class ChatError(BaseModel):
    detail: str


@router.post("/chat", response_model=ChatReply, responses={502: {"model": ChatError}})
async def chat(body: ChatRequest, settings: SettingsDep) -> ChatReply | JSONResponse:
    """One customer message to the assistant (Rasa), its messages back."""
    try:
        raw = await ask_async(
            settings.rasa_url,
            settings.rasa_token.get_secret_value(),
            settings.chat_rasa_timeout_seconds,
            SENDER_PREFIX + body.sender,
            body.message,
            source="web",
        )
    except RasaUnavailable as exc:
        if exc.failure != "timeout":
            logger.warning("Rasa unavailable for the web chat: %s", exc)
        return JSONResponse(status_code=502, content={"detail": UNAVAILABLE[exc.failure]})
    return ChatReply(sender=body.sender, messages=_messages(raw))


def _messages(raw: Any) -> list[BotMessage]:
    """Text and buttons of Rasa's messages; anything else (images, custom payloads) is left out."""
    messages = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        text = item.get("text") if isinstance(item.get("text"), str) else None
        buttons = [
            Button(title=str(b["title"]), payload=str(b["payload"]))
            for b in item.get("buttons") or []
            if isinstance(b, dict) and b.get("title") and b.get("payload")
        ]
        if text or buttons:
            messages.append(BotMessage(text=text, buttons=buttons))
    return messages


# --- a person's replies (the agent console, bot/api/v1/agent.py) ----------------------------------


class AgentMessagesRequest(BaseModel):
    sender: Sender
    # le: a message id is a 64-bit integer in every store (the fuzz test sent 2**63: a 500 from SQLite).
    after: int = Field(default=0, ge=0, le=2**63 - 1, description="the last agent message id the widget has shown")


class AgentMessage(BaseModel):
    id: int
    text: str


class AgentMessages(BaseModel):
    messages: list[AgentMessage]


@router.post("/chat/agent-messages", response_model=AgentMessages)
def agent_messages(body: AgentMessagesRequest) -> AgentMessages:
    """The agent's replies to this conversation after `after` (the widget polls while it is open);
    those up to `after` count as shown. A POST: it changes what is acknowledged."""
    found = web_replies(hash_conversation(SENDER_PREFIX + body.sender), body.after)
    return AgentMessages(messages=[AgentMessage(id=r.id, text=r.text) for r in found])
