"""Locust users: customers of the running stack, for `make load` (bench/load.py runs Locust headless
around them) and the Redis fault test (tests/e2e/test_redis_fault.py). `--host` is the app.

Each user, one request per task, a think time between them (`wait_time`): one whole conversation
(greet, ask for a service, ask the fee, ask the documents, thanks; English, Arabic, Gulf dialect or
Arabizi, bench/livebench.py), with route lookups (POST /api/v1/route) after the service request,
then the next conversation. After a failed answer the user starts a new conversation, as a customer
who reloads the page would.

- WebhookCustomer: messages through Rasa's REST webhook, round-robin over the Rasa servers message by
  message (a load balancer without sticky sessions), with the stack's token, as the app sends them.
- WebChatCustomer: messages through the app's web chat (POST /api/v1/chat), as the widget sends them.

An answer fails when the connection fails or times out, the status is not 200, or it holds no message.
Configured from the environment (loopback URLs only):
  DALEEL_LOAD_RASA_URLS   the Rasa servers, comma-separated (WebhookCustomer)
  DALEEL_LOAD_RASA_TOKEN  the stack's Rasa token
  DALEEL_LOAD_THINK       mean think time in seconds (uniform 0.5x..1.5x; default 2; 0 = saturation)
  DALEEL_LOAD_ROUTE_CALLS route lookups per conversation (default 2)
  DALEEL_LOAD_TIMEOUT     per-request timeout in seconds (default 30)
  DALEEL_LOAD_EVENTS      a file to write one JSON line per request to (when, kind, ok, status, ms, error)
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import time
import uuid
from urllib.parse import urlsplit

from locust import HttpUser, events, task

from bench.livebench import CONVERSATIONS, SERVICE_TURN

SERVICE_REQUESTS = [messages[SERVICE_TURN] for _, messages in CONVERSATIONS]
THINK = float(os.environ.get("DALEEL_LOAD_THINK", "2"))
ROUTE_CALLS = int(os.environ.get("DALEEL_LOAD_ROUTE_CALLS", "2"))
TIMEOUT = float(os.environ.get("DALEEL_LOAD_TIMEOUT", "30"))
RASA_URLS = [u for u in os.environ.get("DALEEL_LOAD_RASA_URLS", "").split(",") if u]
RASA_TOKEN = os.environ.get("DALEEL_LOAD_RASA_TOKEN", "")
_numbers = itertools.count()
_next_rasa = itertools.count()


def loopback(url: str) -> str:
    """Load goes to this machine only."""
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"bench/locustfile.py: {url} is not a loopback address")
    return url.rstrip("/")


def think(user) -> float:
    return user.rng.uniform(0.5, 1.5) * THINK if THINK > 0 else 0.0


def check(response, kind: str) -> bool:
    """Mark a `catch_response` answer failed unless it is a 200 that holds at least one message."""
    if response.status_code != 200:
        response.failure(f"HTTP {response.status_code}" if response.status_code else "no answer")
        return False
    try:
        answer = response.json()
    except ValueError:
        response.failure("not JSON")
        return False
    messages = answer.get("messages") if kind == "chat" and isinstance(answer, dict) else answer
    if not isinstance(messages, list):
        response.failure("not a list of messages")
    elif not messages:
        response.failure("empty answer")
    else:
        return True
    return False


class Customer(HttpUser):
    abstract = True
    wait_time = think
    kind = ""  # the request name for the conversation's messages

    def on_start(self) -> None:
        self.number = next(_numbers)
        self.rng = random.Random(self.number)
        self.language, self.messages = CONVERSATIONS[self.number % len(CONVERSATIONS)]
        self.steps: list[tuple[str, str]] = []

    def new_conversation(self) -> None:
        self.sender = f"load{self.number}-{uuid.uuid4().hex[:12]}"
        lookups = [self.messages[SERVICE_TURN]] + self.rng.sample(SERVICE_REQUESTS, k=len(SERVICE_REQUESTS))
        steps = [(self.kind, text) for text in self.messages]
        steps[SERVICE_TURN + 1 : SERVICE_TURN + 1] = [("route", text) for text in lookups[:ROUTE_CALLS]]
        self.steps = steps

    @task
    def next_step(self) -> None:
        if not self.steps:
            self.new_conversation()
        kind, text = self.steps.pop(0)
        if kind == "route":
            with self.client.post(
                "/api/v1/route", json={"text": text, "id": "bench"}, name="route", timeout=TIMEOUT, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}" if response.status_code else "no answer")
            return
        with self.say(text, {"last": not self.steps}) as response:  # "last": a complete conversation
            if not check(response, kind):
                self.steps = []  # a failed answer: the customer starts again

    def say(self, text: str, context: dict):
        raise NotImplementedError


class WebhookCustomer(Customer):
    kind = "webhook"

    def say(self, text: str, context: dict):
        if not RASA_URLS:
            raise SystemExit("bench/locustfile.py: WebhookCustomer needs DALEEL_LOAD_RASA_URLS")
        rasa = loopback(RASA_URLS[next(_next_rasa) % len(RASA_URLS)])
        return self.client.post(
            f"{rasa}/webhooks/rest/webhook",
            json={"sender": f"bench-{self.sender}", "message": text},
            headers={"Authorization": f"Bearer {RASA_TOKEN}"},
            name="webhook",
            timeout=TIMEOUT,
            catch_response=True,
            context=context,
        )


class WebChatCustomer(Customer):
    kind = "chat"

    def say(self, text: str, context: dict):
        return self.client.post(
            "/api/v1/chat",
            json={"sender": self.sender, "message": text},
            name="chat",
            timeout=TIMEOUT,
            catch_response=True,
            context=context,
        )


# --- one JSON line per request (DALEEL_LOAD_EVENTS) ---------------------------------------------

_log_lock = threading.Lock()


@events.init.add_listener
def _check_host(environment, **kwargs) -> None:
    if environment.host:
        loopback(environment.host)


@events.request.add_listener
def _log_request(request_type, name, response_time, response, context, exception, start_time=None, **kwargs) -> None:
    path = os.environ.get("DALEEL_LOAD_EVENTS")
    if not path:
        return
    line = {
        "start": start_time or time.time() - response_time / 1000,
        "kind": name,
        "ok": exception is None,
        "status": getattr(response, "status_code", None),
        "ms": round(response_time, 1),
        "error": None if exception is None else str(exception)[:200],
        **(context or {}),
    }
    with _log_lock, open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
