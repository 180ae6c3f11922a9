"""Sending WhatsApp messages through Twilio's Messages API, with the Graph client's retries.

The handler renders Graph API bodies; Twilio takes a Body (at most 1600 characters) or a MediaUrl.
Without Content API templates Twilio sends no reply buttons, so choices come as numbered text
(`interactive = False`), which the customer answers with a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.channels.whatsapp.graph import SendFailed, post_once, with_retries
from bot.settings import Settings

BODY_LIMIT = 1600


@dataclass
class TwilioClient:
    url: str  # .../2010-04-01/Accounts/{AccountSid}/Messages.json
    account_sid: str
    token: str
    sender: str  # From: "whatsapp:+14155238886"
    timeout: float = 10.0
    attempts: int = 4
    initial_wait: float = 0.5
    max_wait: float = 8.0
    interactive: ClassVar[bool] = False
    text_limit: ClassVar[int] = BODY_LIMIT

    @classmethod
    def from_settings(cls, settings: Settings) -> "TwilioClient":
        sid = settings.twilio_account_sid
        return cls(
            url=f"{settings.twilio_api_url.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json",
            account_sid=sid,
            token=settings.twilio_auth_token.get_secret_value(),
            sender=settings.twilio_from,
            timeout=settings.whatsapp_send_timeout_seconds,
            attempts=max(1, settings.whatsapp_send_attempts),
            initial_wait=settings.whatsapp_retry_initial_seconds,
            max_wait=settings.whatsapp_retry_max_seconds,
        )

    def _post_once(self, form: dict) -> None:
        post_once(self.url, timeout=self.timeout, data=form, auth=(self.account_sid, self.token))

    def send(self, to: str, body: dict) -> None:
        """Send one rendered message (a text or an image body); raises SendFailed like the Graph client."""
        form = {"From": self.sender, "To": to if to.startswith("whatsapp:") else f"whatsapp:+{to.lstrip('+')}"}
        if body.get("type") == "image":
            form["MediaUrl"] = body["image"]["link"]
        elif body.get("type") == "text":
            form["Body"] = body["text"]["body"][:BODY_LIMIT]
        else:  # the handler renders only text and images for this client
            raise SendFailed(f"unsupported body {body.get('type')!s:.16}")
        with_retries(self._post_once, form, self.attempts, self.initial_wait, self.max_wait)
