"""Sending messages through Meta's Graph API, with exponential backoff on transient failures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, ClassVar

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.settings import Settings


class SendFailed(RuntimeError):
    """The Graph API did not accept the message; `reason` is a status code or an error class name."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Transient(SendFailed):
    """Worth another attempt: 5xx, 429, a timeout or a connection error."""


class Refused(SendFailed):
    """Meta refused the message (a 4xx other than 429): sending it again would not help. `code` is
    Meta's error code (e.g. 132001, a template that does not exist), 0 when the answer has none."""

    def __init__(self, reason: str, code: int = 0):
        super().__init__(reason)
        self.code = code


def _error_code(response: httpx.Response) -> int:
    try:
        code = response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return 0
    return code if isinstance(code, int) else 0


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, Transient)


def with_retries(post_once: Callable[[dict], None], payload: dict, attempts: int, initial: float, most: float) -> None:
    """post_once(payload), again with exponential backoff while it raises Transient; then SendFailed."""
    retrying = Retrying(
        stop=stop_after_attempt(attempts),
        retry=retry_if_exception(_transient),
        wait=wait_exponential(multiplier=initial, max=most),
        reraise=True,
    )
    try:
        retrying(post_once, payload)
    except Transient as exc:  # still failing after the last attempt
        raise SendFailed(exc.reason) from None


def post_once(url: str, **request) -> None:
    """One POST: timeouts, connection errors, 5xx and 429 are Transient (retried), other 4xx SendFailed."""
    try:
        response = httpx.post(url, **request)
    except (httpx.TimeoutException, httpx.TransportError) as exc:
        raise Transient(type(exc).__name__) from None
    if response.status_code >= 500 or response.status_code == 429:
        raise Transient(f"http {response.status_code}")
    if response.status_code >= 400:
        raise Refused(f"http {response.status_code}", _error_code(response))


@dataclass
class GraphClient:
    url: str  # .../{phone_number_id}/messages
    token: str
    timeout: float = 10.0
    attempts: int = 4
    initial_wait: float = 0.5
    max_wait: float = 8.0
    interactive: ClassVar[bool] = True  # reply buttons and lists (bot/channels/whatsapp/render.py)
    text_limit: ClassVar[int] = 4096

    @classmethod
    def from_settings(cls, settings: Settings) -> "GraphClient":
        return cls(
            url=f"{settings.graph_api_url.rstrip('/')}/{settings.whatsapp_phone_number_id}/messages",
            token=settings.whatsapp_access_token.get_secret_value(),
            timeout=settings.whatsapp_send_timeout_seconds,
            attempts=max(1, settings.whatsapp_send_attempts),
            initial_wait=settings.whatsapp_retry_initial_seconds,
            max_wait=settings.whatsapp_retry_max_seconds,
        )

    def _post_once(self, payload: dict) -> None:
        post_once(self.url, timeout=self.timeout, json=payload, headers={"Authorization": f"Bearer {self.token}"})

    def send(self, to: str, body: dict) -> None:
        """Send one message; retries 5xx, 429, timeouts and connection errors, then raises SendFailed."""
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, **body}
        with_retries(self._post_once, payload, self.attempts, self.initial_wait, self.max_wait)
