"""Website chat: the proxy from the widget to Rasa's REST webhook (the page is bot/api/pages/chat.py)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.api.deps import SettingsDep
from bot.channels.rasa import RasaUnavailable, ask_async

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


class ChatRequest(BaseModel):
    sender: str = Field(
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="random id the widget keeps for the conversation",
    )
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
