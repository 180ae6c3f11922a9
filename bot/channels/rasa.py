"""Rasa's REST webhook, the one client the web chat and WhatsApp share: a customer message in, the
assistant's messages out, or RasaUnavailable saying why not. Every call carries the Rasa token
(DALEEL_RASA_TOKEN): rasa_ext refuses webhook calls without it."""

from __future__ import annotations

from typing import Any, Callable, Literal

import httpx

from bot.text.redact import mask

# (sender, text) -> Rasa's messages ([{"text": ..., "buttons": [...]}, ...]); raises RasaUnavailable.
RasaClient = Callable[[str, str], list[dict]]
Failure = Literal["timeout", "status", "unreachable", "unexpected"]


class RasaUnavailable(RuntimeError):
    def __init__(self, failure: Failure, detail: str):
        super().__init__(detail)
        self.failure = failure


def webhook_url(rasa_url: str) -> str:
    return rasa_url.rstrip("/") + "/webhooks/rest/webhook"


def auth_headers(token: str) -> dict[str, str]:
    """A header, not Rasa's `?token=` query parameter: URLs end up in access logs. No token (development
    without one): no header, and Rasa's 401 says what is missing."""
    return {"Authorization": f"Bearer {token}"} if token else {}


def payload(sender: str, text: str, source: str) -> dict[str, Any]:
    # Masked here, the one way into Rasa: its tracker store keeps every message text (bot/text/redact.py).
    return {"sender": sender, "message": mask(text), "input_channel": source, "metadata": {"source": source}}


def unavailable(exc: Exception) -> RasaUnavailable:
    """The RasaUnavailable an httpx error means (also for the console's calls to Rasa's HTTP API)."""
    if isinstance(exc, httpx.TimeoutException):
        return RasaUnavailable("timeout", type(exc).__name__)
    if isinstance(exc, httpx.HTTPStatusError):
        return RasaUnavailable("status", f"HTTP {exc.response.status_code}")
    return RasaUnavailable("unreachable", type(exc).__name__)


def _messages(response: httpx.Response) -> list[dict]:
    response.raise_for_status()
    messages = response.json()
    if not isinstance(messages, list):
        raise RasaUnavailable("unexpected", "unexpected answer")
    return [m for m in messages if isinstance(m, dict)]


def rest_client(rasa_url: str, token: str, timeout: float, source: str = "whatsapp") -> RasaClient:
    url, headers = webhook_url(rasa_url), auth_headers(token)

    def ask(sender: str, text: str) -> list[dict]:
        try:
            return _messages(httpx.post(url, json=payload(sender, text, source), headers=headers, timeout=timeout))
        except (httpx.HTTPError, ValueError) as exc:
            raise unavailable(exc) from None

    return ask


async def ask_async(rasa_url: str, token: str, timeout: float, sender: str, text: str, source: str) -> list[dict]:
    try:
        async with httpx.AsyncClient(timeout=timeout, headers=auth_headers(token)) as client:
            return _messages(await client.post(webhook_url(rasa_url), json=payload(sender, text, source)))
    except (httpx.HTTPError, ValueError) as exc:
        raise unavailable(exc) from None
