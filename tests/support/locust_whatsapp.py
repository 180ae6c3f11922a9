"""Locust users for the Redis fault test (tests/e2e/test_redis_fault.py): bench/locustfile.py's web-chat
and webhook customers, and WhatsApp customers posting Meta's signed webhook to the app.

Each WhatsApp message comes from a new sender, so the fake Graph API's replies to that number are the
answer to that one message id. Run with `locust -f tests/support/locust_whatsapp.py ...`.
"""

from __future__ import annotations

import json
import random
import uuid

from locust import HttpUser, task

from bench.locustfile import SERVICE_REQUESTS, TIMEOUT, WebChatCustomer, WebhookCustomer, think
from bot.channels.whatsapp.signature import sign
from tests.support.whatsapp import SECRET, payload

__all__ = ["WebChatCustomer", "WebhookCustomer", "WhatsAppCustomer"]


class WhatsAppCustomer(HttpUser):
    wait_time = think

    def on_start(self) -> None:
        self.rng = random.Random()

    @task
    def message(self) -> None:
        sender, message_id = "9715" + str(uuid.uuid4().int)[:8], f"wamid.fault-{uuid.uuid4()}"
        body = payload("text", message_id=message_id, sender=sender, text=self.rng.choice(SERVICE_REQUESTS))
        raw = json.dumps(body, ensure_ascii=False).encode()
        with self.client.post(
            "/webhooks/whatsapp",
            data=raw,
            headers={"X-Hub-Signature-256": sign(raw, SECRET), "Content-Type": "application/json"},
            name="whatsapp",
            timeout=TIMEOUT,
            catch_response=True,
            context={"message_id": message_id, "sender": sender},
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}" if response.status_code else "no answer")
            elif response.json().get("messages") != 1:
                response.failure(f"not taken: {response.text[:100]}")
