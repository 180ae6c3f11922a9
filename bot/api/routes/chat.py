"""Website chat: the chat page and the proxy from the widget to Rasa's REST webhook."""
from __future__ import annotations

import logging
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from bot.api.deps import SettingsDep
from bot.api.pages import TEMPLATES, page_language, security_headers

router = APIRouter(tags=["chat"])
logger = logging.getLogger(__name__)
# Web senders live in their own namespace: a browser cannot pick another channel's conversation id.
SENDER_PREFIX = "web-"


class ChatRequest(BaseModel):
    sender: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                        description="random id the widget keeps for the conversation")
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


@router.get("/chat", response_class=HTMLResponse, include_in_schema=False)
def chat_page(request: Request, lang: str | None = None,
              embed: Annotated[bool, Query()] = False) -> HTMLResponse:
    language = page_language(request, lang)
    context = {"lang": language, "embed": embed}
    return TEMPLATES.TemplateResponse(request, "chat.html", context, headers=security_headers("*"))


@router.post("/api/v1/chat", response_model=ChatReply, responses={502: {"model": ChatError}})
async def chat(body: ChatRequest, settings: SettingsDep) -> ChatReply | JSONResponse:
    """One customer message to the assistant (Rasa), its messages back."""
    payload = {"sender": SENDER_PREFIX + body.sender, "message": body.message,
               "input_channel": "web", "metadata": {"source": "web"}}
    url = f"{settings.rasa_url.rstrip('/')}/webhooks/rest/webhook"
    try:
        async with httpx.AsyncClient(timeout=settings.chat_rasa_timeout_seconds) as client:
            response = await client.post(url, json=payload)
        response.raise_for_status()
        raw = response.json()
    except httpx.TimeoutException:
        return _unavailable("the assistant did not answer in time")
    except httpx.HTTPStatusError as exc:
        logger.warning("Rasa answered HTTP %s", exc.response.status_code)
        return _unavailable("the assistant answered with an error")
    except (httpx.HTTPError, ValueError) as exc:
        logger.warning("Rasa unreachable: %s", type(exc).__name__)
        return _unavailable("the assistant is not reachable")
    return ChatReply(sender=body.sender, messages=_messages(raw))


def _unavailable(detail: str) -> JSONResponse:
    return JSONResponse(status_code=502, content={"detail": detail})


def _messages(raw: Any) -> list[BotMessage]:
    """Text and buttons of Rasa's messages; anything else (images, custom payloads) is left out."""
    messages = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        text = item.get("text") if isinstance(item.get("text"), str) else None
        buttons = [Button(title=str(b["title"]), payload=str(b["payload"]))
                   for b in item.get("buttons") or [] if isinstance(b, dict) and b.get("title") and b.get("payload")]
        if text or buttons:
            messages.append(BotMessage(text=text, buttons=buttons))
    return messages
