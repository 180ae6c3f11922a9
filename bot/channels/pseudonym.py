"""Who a WhatsApp customer is, as Rasa knows them: a keyed pseudonym of the phone number, never the
number. Rasa's tracker store keeps the sender id with every message for as long as it is kept;
the number itself stays in the app, in the inbox and outbox rows, only until the reply is sent."""

from __future__ import annotations

import hashlib
import hmac
import re

from bot.settings import get_settings

PREFIX = "wa-"
_NOT_DIGIT = re.compile(r"\D")


def pseudonym(number: str) -> str:
    """ "wa-" + HMAC-SHA256 of the number's digits: Meta's "9715..." and Twilio's "whatsapp:+9715..."
    are the same customer, and without the key (not the action server's) no number can be tried."""
    settings = get_settings()
    key = settings.pseudonym_key.get_secret_value() or settings.conversation_salt
    digits = _NOT_DIGIT.sub("", number) or number
    return PREFIX + hmac.new(key.encode(), digits.encode(), hashlib.sha256).hexdigest()[:32]
