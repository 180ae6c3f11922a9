"""What the agent console does to a conversation: read its last messages from Rasa's tracker, resume
it (the assistant answers again), and send an agent's reply on the customer's channel.

Rasa's HTTP API takes its token as `?token=` only (Rasa 3.6's requires_auth; rasa_ext checks the
bearer header on the webhooks alone), so these calls carry it in the query, to Rasa on the private
network; nothing here logs their URLs.

While an agent holds a hand-off the conversation stays paused (actions/handoff.py paused it): Rasa
logs the customer's messages and answers nothing, so neither the web chat nor WhatsApp has a bot
reply to send over the agent.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import httpx

from bot.channels.rasa import unavailable
from bot.channels.twilio.client import TwilioClient
from bot.channels.whatsapp.graph import GraphClient
from bot.channels.whatsapp.outbox import deliver
from bot.channels.whatsapp.render import text_bodies
from bot.channels.whatsapp.state import sender_hash
from bot.text.redact import mask

TIMEOUT = 10.0


@dataclass
class ConversationMessage:
    sender: str  # "customer" | "assistant"
    text: str  # personal data masked
    at: float  # Rasa's timestamp, epoch seconds


def _tracker_url(rasa_url: str, conversation_id: str, tail: str = "") -> str:
    return f"{rasa_url.rstrip('/')}/conversations/{quote(conversation_id, safe='')}/tracker{tail}"


def last_messages(rasa_url: str, token: str, conversation_id: str, limit: int) -> list[ConversationMessage]:
    """The conversation's last `limit` customer and assistant texts, oldest first, masked for display."""
    try:
        response = httpx.get(
            _tracker_url(rasa_url, conversation_id), params={"token": token, "include_events": "ALL"}, timeout=TIMEOUT
        )
        response.raise_for_status()
        events = response.json().get("events") or []
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        raise unavailable(exc) from None
    messages = [
        ConversationMessage(
            "customer" if event["event"] == "user" else "assistant",
            mask(event["text"]),
            float(event.get("timestamp") or 0),
        )
        for event in events
        if isinstance(event, dict)
        and event.get("event") in ("user", "bot")
        and isinstance(event.get("text"), str)
        and event["text"].strip()
    ]
    return messages[-limit:] if limit > 0 else []


def resume(rasa_url: str, token: str, conversation_id: str) -> None:
    """ConversationResumed: the assistant answers the customer's next message. Resuming a
    conversation that is not paused changes nothing, so a repeated call is harmless."""
    try:
        response = httpx.post(
            _tracker_url(rasa_url, conversation_id, "/events"),
            params={"token": token},
            json=[{"event": "resume"}],
            timeout=TIMEOUT,
        )
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise unavailable(exc) from None


def send_whatsapp(graph: GraphClient, twilio: TwilioClient | None, recipient: str, text: str) -> int:
    """The reply to a WhatsApp customer, through the outbox (a failed send is kept and resent, never
    lost or sent twice). Twilio's senders ("whatsapp:+...") through Twilio. Returns how many were kept."""
    client = twilio if recipient.startswith("whatsapp:") and twilio is not None else graph
    return deliver(client, recipient, sender_hash(recipient), text_bodies(text, client.text_limit))
