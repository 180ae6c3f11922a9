"""Twilio's incoming-message webhook (form fields) -> an inbox message.

https://www.twilio.com/docs/messaging/guides/webhook-request: MessageSid, From ("whatsapp:+9715..."),
Body, NumMedia and MediaContentType0..., ButtonPayload for a quick-reply tap, Latitude/Longitude
for a shared location. Status callbacks (MessageStatus) carry no message.
"""

from __future__ import annotations

from bot.channels.whatsapp.inbox import TWILIO_ID as ID_PREFIX  # apart from Meta's ids, and says the channel
from bot.channels.whatsapp.payload import Incoming


def is_status(form: dict[str, str]) -> bool:
    return "MessageStatus" in form and "Body" not in form


def parse(form: dict[str, str]) -> Incoming | None:
    """The message, or None when the form has no message id or sender."""
    sid = form.get("MessageSid") or form.get("SmsMessageSid") or ""
    sender = form.get("From", "")
    if not sid or not sender:
        return None
    message_id = ID_PREFIX + sid
    try:
        media = int(form.get("NumMedia") or 0)
    except ValueError:
        media = 0
    if form.get("ButtonPayload"):
        return Incoming(message_id, sender, "reply", form["ButtonPayload"], "button")
    if media > 0:
        kind = (form.get("MediaContentType0") or "media").split("/", 1)[0]
        return Incoming(message_id, sender, "unsupported", "", kind[:32] or "media")
    if form.get("Latitude") or form.get("Longitude"):
        return Incoming(message_id, sender, "unsupported", "", "location")
    body = form.get("Body", "")
    if not body.strip():
        return Incoming(message_id, sender, "unsupported", "", "empty")
    return Incoming(message_id, sender, "text", body, "text")
