"""One incoming WhatsApp message, end to end: choice numbers, Rasa, rendering, sending or the outbox.

Called by the inbox (bot/channels/whatsapp/inbox.py), which keeps the message until this returns.
"""

from __future__ import annotations

import logging

from bot.channels.pseudonym import pseudonym
from bot.channels.rasa import RasaClient, RasaUnavailable
from bot.channels.twilio.client import TwilioClient
from bot.channels.whatsapp import followups
from bot.channels.whatsapp.graph import GraphClient
from bot.channels.whatsapp.messages import message as template
from bot.channels.whatsapp.outbox import deliver
from bot.channels.whatsapp.payload import Incoming
from bot.channels.whatsapp.render import chosen_payload, render, text_bodies
from bot.channels.whatsapp.state import State, load_state, save_state, sender_hash
from bot.settings import get_settings
from bot.store.handoffs import attach_recipient

logger = logging.getLogger(__name__)


def _language(text: str, known: str | None) -> str | None:
    if known or not text.strip():
        return known
    from bot.route import detect_language

    try:
        return detect_language(text[:1000])
    except Exception:  # noqa: BLE001  (then both languages are used)
        return None


def handle(message: Incoming, ask: RasaClient, client: GraphClient | TwilioClient, apologise: bool = True) -> None:
    """Answer one message. Raises when it could not be answered (the inbox then tries again later):
    RasaUnavailable after sending the "can't answer right now" notice when `apologise`, or any error."""
    hashed = sender_hash(message.sender)
    if message.kind == "silent":
        return
    state = load_state(hashed)
    if message.kind == "unsupported":
        logger.info("whatsapp %s message answered with text-only notice: sender=%s", message.message_type, hashed[:12])
        deliver(client, message.sender, hashed, text_bodies(template("unsupported", state.language), client.text_limit))
        return
    if followups.answer(message, hashed, client):  # "did it work?" is answered here, not by Rasa
        return
    text = message.text
    if message.kind == "text":
        text = chosen_payload(text, state.offered) or text
    try:
        replies = ask(pseudonym(message.sender), text)  # Rasa never sees the number
    except RasaUnavailable as exc:
        logger.warning("rasa unavailable for a whatsapp message: sender=%s error=%s", hashed[:12], exc)
        if apologise:
            language = _language(message.text if message.kind == "text" else "", state.language)
            deliver(client, message.sender, hashed, text_bodies(template("unavailable", language), client.text_limit))
        raise
    # A hand-off this message started (or one still open) needs the number for the agent's replies:
    # only this connector knows which number is behind Rasa's pseudonym.
    attach_recipient(pseudonym(message.sender), message.sender)
    rendered = render(replies, state.language, client.interactive, client.text_limit)
    save_state(hashed, State(rendered.language, rendered.offered))
    deliver(client, message.sender, hashed, rendered.bodies)
    if isinstance(client, GraphClient):  # follow-ups go through the Cloud API only (buttons, templates)
        try:
            followups.after_answer(message.sender, hashed, get_settings())
        except Exception as exc:  # noqa: BLE001  (the answer is sent: handling it again would send it twice)
            logger.error("whatsapp follow-up not scheduled: sender=%s error=%s", hashed[:12], type(exc).__name__)
