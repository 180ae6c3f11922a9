"""Rasa's messages -> WhatsApp Cloud API message bodies.

Buttons become reply buttons (at most 3, titles up to 20 characters) or a list (up to 10 rows,
titles up to 24); when they fit neither, a numbered text ("1. ...") whose numbers the customer can
answer with (the choices are remembered per sender, see store.State.offered).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.channels.whatsapp.messages import message
from bot.text import arabic

# Limits of the Cloud API (interactive messages).
MAX_BUTTONS, BUTTON_TITLE, BUTTON_ID = 3, 20, 256
MAX_ROWS, ROW_TITLE, ROW_ID = 10, 24, 200
INTERACTIVE_BODY, TEXT_BODY = 1024, 4096
_ARABIC = re.compile(f"[{arabic.BLOCK}]")
_LATIN = re.compile("[A-Za-z]")
_NUMBER = re.compile(rf"^\s*([0-9{arabic.DIGITS}]{{1,2}})\s*[.)]?\s*$")


@dataclass
class Rendered:
    bodies: list[dict] = field(default_factory=list)  # Graph API message objects without "to"
    offered: list[dict] = field(default_factory=list)  # numbered choices of the last numbered text
    language: str | None = None


def language_of(texts: list[str], fallback: str | None) -> str | None:
    joined = " ".join(texts)
    if _ARABIC.search(joined):
        return "ar"
    return "en" if _LATIN.search(joined) else fallback


def chosen_payload(text: str, offered: list[dict]) -> str | None:
    """The payload of choice "n" when the text is just a number among the offered choices."""
    match = _NUMBER.match(text)
    if not match or not offered:
        return None
    number = int(match.group(1).translate(str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")))
    return offered[number - 1]["payload"] if 1 <= number <= len(offered) else None


def _buttons(raw: object) -> list[dict]:
    buttons = []
    for button in raw if isinstance(raw, list) else []:
        if isinstance(button, dict) and isinstance(button.get("title"), str) and button["title"].strip():
            payload = button.get("payload") if isinstance(button.get("payload"), str) else button["title"]
            buttons.append({"title": button["title"].strip(), "payload": payload})
    return buttons


def text_bodies(text: str, limit: int = TEXT_BODY) -> list[dict]:
    return [
        {"type": "text", "text": {"preview_url": True, "body": text[i : i + limit]}} for i in range(0, len(text), limit)
    ]


def _fits(buttons: list[dict], count: int, title: int, ident: int) -> bool:
    unique_ids = len({b["payload"] for b in buttons}) == len(buttons)  # Meta refuses repeated ids
    return (
        unique_ids
        and len(buttons) <= count
        and all(len(b["title"]) <= title and 0 < len(b["payload"]) <= ident for b in buttons)
    )


def _reply_buttons(body: str, buttons: list[dict]) -> dict:
    return {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [{"type": "reply", "reply": {"id": b["payload"], "title": b["title"]}} for b in buttons]
            },
        },
    }


def _list(body: str, buttons: list[dict], language: str | None) -> dict:
    rows = [{"id": b["payload"], "title": b["title"]} for b in buttons]
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {"button": message("list_button", language), "sections": [{"rows": rows}]},
        },
    }


def _numbered(text: str, buttons: list[dict], language: str | None) -> str:
    # Titles that already carry their number ("1. Renew ...", as the actions write them) keep it.
    lines = [b["title"] if b["title"].startswith(f"{i}.") else f"{i}. {b['title']}" for i, b in enumerate(buttons, 1)]
    return "\n\n".join(part for part in (text, "\n".join(lines), message("reply_with_number", language)) if part)


def render(
    messages: list[dict], previous_language: str | None = None, interactive: bool = True, text_limit: int = TEXT_BODY
) -> Rendered:
    """Graph API bodies; without `interactive` (Twilio) choices always come as numbered text."""
    texts = [m["text"] for m in messages if isinstance(m.get("text"), str)]
    out = Rendered(language=language_of(texts, previous_language))
    for item in messages:
        text = item.get("text") if isinstance(item.get("text"), str) else ""
        buttons = _buttons(item.get("buttons"))
        if isinstance(item.get("image"), str) and item["image"].startswith("https://"):
            out.bodies.append({"type": "image", "image": {"link": item["image"]}})
        if not buttons:
            out.bodies.extend(text_bodies(text, text_limit) if text.strip() else [])
            continue
        body = text.strip() or message("choose", out.language)
        fits = interactive and len(body) <= INTERACTIVE_BODY
        if fits and _fits(buttons, MAX_BUTTONS, BUTTON_TITLE, BUTTON_ID):
            out.bodies.append(_reply_buttons(body, buttons))
        elif fits and _fits(buttons, MAX_ROWS, ROW_TITLE, ROW_ID):
            out.bodies.append(_list(body, buttons, out.language))
        else:
            out.bodies.extend(text_bodies(_numbered(text.strip(), buttons, out.language), text_limit))
            out.offered = buttons
    return out
