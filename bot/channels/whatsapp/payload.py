"""Meta's webhook payload (entry[].changes[].value.messages[] / statuses[]) -> incoming messages.

Parsing is tolerant: a part that is not in the documented shape is skipped, never an error, since
Meta adds fields and types over time. Only a body that is not a JSON object is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Message types answered with "only text is understood"; these are not answered at all.
SILENT_TYPES = frozenset({"reaction", "system", "request_welcome", "ephemeral"})


class NotAWebhook(ValueError):
    """The body is not a JSON object: nothing Meta sends."""


@dataclass(frozen=True)
class Incoming:
    message_id: str
    sender: str  # the customer's WhatsApp id (a phone number): never log it
    kind: str  # "text" | "reply" (button or list choice) | "unsupported" | "silent"
    text: str = ""  # the text to pass to Rasa: the message or the chosen reply's payload
    message_type: str = ""


@dataclass(frozen=True)
class Webhook:
    messages: list[Incoming]
    statuses: int  # delivery/read status updates: acknowledged and ignored


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def parse_message(raw: dict) -> Incoming | None:
    message_id, sender, kind = _str(raw.get("id")), _str(raw.get("from")), _str(raw.get("type"))
    if not message_id or not sender:
        return None
    if kind == "text":
        body = _str((raw.get("text") or {}).get("body")) if isinstance(raw.get("text"), dict) else ""
        return Incoming(message_id, sender, "text", body, kind)
    if kind == "interactive" and isinstance(raw.get("interactive"), dict):
        interactive = raw["interactive"]
        reply = interactive.get(_str(interactive.get("type")))
        if interactive.get("type") in ("button_reply", "list_reply") and isinstance(reply, dict):
            payload = _str(reply.get("id")) or _str(reply.get("title"))
            if payload:
                return Incoming(message_id, sender, "reply", payload, kind)
    if kind == "button" and isinstance(raw.get("button"), dict):  # a template's quick-reply button
        payload = _str(raw["button"].get("payload")) or _str(raw["button"].get("text"))
        if payload:
            return Incoming(message_id, sender, "reply", payload, kind)
    if kind in SILENT_TYPES:
        return Incoming(message_id, sender, "silent", "", kind)
    return Incoming(message_id, sender, "unsupported", "", kind or "unknown")


def parse(body: Any) -> Webhook:
    if not isinstance(body, dict):
        raise NotAWebhook("the body must be a JSON object (a WhatsApp Business Account webhook)")
    messages: list[Incoming] = []
    statuses = 0
    for entry in _dicts(body.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            statuses += len(_dicts(value.get("statuses")))
            for raw in _dicts(value.get("messages")):
                message = parse_message(raw)
                if message is not None:
                    messages.append(message)
    return Webhook(messages, statuses)
