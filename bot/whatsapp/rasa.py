"""Rasa's REST webhook: one customer message in, the bot's messages out."""
from __future__ import annotations

from typing import Callable

import httpx

METADATA = {"source": "whatsapp"}

# (sender, text) -> Rasa's messages ([{"text": ..., "buttons": [...]}, ...]); raises RasaUnavailable.
RasaClient = Callable[[str, str], list[dict]]


class RasaUnavailable(RuntimeError):
    pass


def rest_client(rasa_url: str, timeout: float) -> RasaClient:
    url = rasa_url.rstrip("/") + "/webhooks/rest/webhook"

    def ask(sender: str, text: str) -> list[dict]:
        try:
            response = httpx.post(url, json={"sender": sender, "message": text, "metadata": METADATA},
                                  timeout=timeout)
            response.raise_for_status()
            messages = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(type(exc).__name__) from None
        if not isinstance(messages, list):
            raise RasaUnavailable("unexpected answer")
        return [m for m in messages if isinstance(m, dict)]

    return ask
