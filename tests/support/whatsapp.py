"""Helpers for the WhatsApp tests: Meta's recorded payloads, signing, a fake Graph API server, a fake Rasa."""

from __future__ import annotations

import copy
import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bot.channels.whatsapp.signature import sign

FIXTURES = Path(__file__).parent / "fixtures" / "whatsapp"
SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
ACCESS_TOKEN = "test-access-token"
PHONE_NUMBER_ID = "106540352242922"
SENDER = "971500000001"


def payload(name: str, message_id: str | None = None, sender: str | None = None, text: str | None = None) -> dict:
    """A recorded webhook body (tests/support/fixtures/whatsapp/NAME.json), with the first message's fields replaced."""
    body = copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))
    for message in body["entry"][0]["changes"][0]["value"].get("messages", []):
        if message_id:
            message["id"] = message_id
        if sender:
            message["from"] = sender
        if text is not None:
            message["text"]["body"] = text
    return body


def post(client, body: dict | bytes, secret: str | None = SECRET, signature: str | None = None):
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    elif secret is not None:
        headers["X-Hub-Signature-256"] = sign(raw, secret)
    return client.post("/webhooks/whatsapp", content=raw, headers=headers)


class FakeRasa:
    """Stands for Rasa's REST webhook: records what it was asked and answers with scripted messages."""

    def __init__(self, replies: list[dict] | None = None):
        self.calls: list[tuple[str, str]] = []
        self.replies = replies if replies is not None else [{"text": "You can do it through the RTA Dubai app."}]
        self.error: Exception | None = None  # raised (after recording the call) while set
        self.delay = 0.0  # seconds before answering
        self._lock = threading.Lock()

    def __call__(self, sender: str, text: str) -> list[dict]:
        with self._lock:
            self.calls.append((sender, text))
        time.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return self.replies


class FakeGraph:
    """A local HTTP server in place of graph.facebook.com: fails `failures` times (or always), then accepts."""

    def __init__(self):
        self.requests: list[dict] = []  # every attempt: {"path", "authorization", "json"}
        self.delivered: list[dict] = []  # the messages accepted
        self.failures = 0
        self.always_fail = False
        self.fail_status = 503
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with fake._lock:
                    fake.requests.append(
                        {"path": self.path, "authorization": self.headers.get("Authorization"), "json": body}
                    )
                    failing = fake.always_fail or fake.failures > 0
                    if fake.failures > 0:
                        fake.failures -= 1
                    if not failing:
                        fake.delivered.append(body)
                status = fake.fail_status if failing else 200
                answer = (
                    {"error": {"message": "fake outage", "code": 2}}
                    if failing
                    else {
                        "messaging_product": "whatsapp",
                        "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                        "messages": [{"id": f"wamid.fake.{len(fake.requests)}"}],
                    }
                )
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v21.0"

    def start(self) -> "FakeGraph":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def texts(self) -> list[str]:
        """The text of every delivered message (text bodies, interactive bodies)."""
        out = []
        for message in self.delivered:
            if message.get("type") == "text":
                out.append(message["text"]["body"])
            elif message.get("type") == "interactive":
                out.append(message["interactive"]["body"]["text"])
        return out


@contextmanager
def app_on_live_stack(live_stack, monkeypatch, **settings: str):
    """An in-process app with WhatsApp configured, talking to the live stack's Rasa and database and
    to a fake Graph API: (TestClient, FakeGraph). Extra settings are given without the DALEEL_ prefix."""
    from fastapi.testclient import TestClient

    from bot.api.main import create_app
    from bot.settings import get_settings
    from bot.store.db import forget_engines

    graph = FakeGraph().start()
    values = {
        "DATABASE_URL": live_stack.database_url,
        "RASA_URL": live_stack.rasa_url,
        "RASA_TOKEN": live_stack.rasa_token,
        "WHATSAPP_APP_SECRET": SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "GRAPH_API_URL": graph.url,
        "WHATSAPP_RASA_TIMEOUT_SECONDS": "180",  # a first answer on a busy machine can take a while
        **settings,
    }
    for key, value in values.items():
        monkeypatch.setenv(f"DALEEL_{key}", value)
    get_settings.cache_clear()
    try:
        with TestClient(create_app()) as client:
            yield client, graph
    finally:
        graph.stop()
        get_settings.cache_clear()
        forget_engines()
