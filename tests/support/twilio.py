"""Helpers for the Twilio tests: Twilio's webhook forms, signing, a fake Messages API server."""

from __future__ import annotations

import base64
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from bot.channels.twilio.signature import sign

FIXTURES = Path(__file__).parent / "fixtures" / "twilio"
ACCOUNT_SID = "AC00000000000000000000000000000001"
AUTH_TOKEN = "test-twilio-auth-token"
FROM = "whatsapp:+14155238886"
SENDER = "whatsapp:+971500000001"
URL = "http://testserver/webhooks/twilio"  # what TestClient requests, and so what Twilio would sign


def form(name: str, sid: str | None = None, sender: str | None = None, body: str | None = None) -> dict[str, str]:
    """A webhook form in Twilio's shape (tests/support/fixtures/twilio/NAME.form), fields replaced."""
    fields = dict(parse_qsl((FIXTURES / f"{name}.form").read_text(encoding="utf-8"), keep_blank_values=True))
    if sid:
        fields.update(MessageSid=sid, SmsMessageSid=sid, SmsSid=sid)
    if sender:
        fields.update(From=sender, WaId=sender.removeprefix("whatsapp:+"))
    if body is not None:
        fields["Body"] = body
    return fields


def post(client, fields: dict[str, str], token: str | None = AUTH_TOKEN, url: str = URL, signature: str | None = None):
    """POST the form as Twilio does: urlencoded, signed over the URL and the fields."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    elif token is not None:
        headers["X-Twilio-Signature"] = sign(url, fields, token)
    return client.post("/webhooks/twilio", content=urlencode(fields).encode(), headers=headers)


class FakeTwilio:
    """A local HTTP server in place of api.twilio.com's Messages API: fails `failures` times (or always)."""

    def __init__(self):
        self.requests: list[dict] = []  # every attempt: {"path", "auth", "form"}
        self.delivered: list[dict] = []  # the forms accepted
        self.failures = 0
        self.always_fail = False
        self.fail_status = 503
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                fields = dict(parse_qsl(raw, keep_blank_values=True))
                auth = self.headers.get("Authorization", "")
                user = base64.b64decode(auth.removeprefix("Basic ")).decode() if auth.startswith("Basic ") else ""
                with fake._lock:
                    fake.requests.append({"path": self.path, "auth": user, "form": fields})
                    failing = fake.always_fail or fake.failures > 0
                    if fake.failures > 0:
                        fake.failures -= 1
                    if not failing:
                        fake.delivered.append(fields)
                status = fake.fail_status if failing else 201
                answer = (
                    {"code": 20500, "message": "fake outage"} if failing else {"sid": f"SMfake{len(fake.requests)}"}
                )
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeTwilio":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def texts(self) -> list[str]:
        return [fields["Body"] for fields in self.delivered if "Body" in fields]


def settings_env(fake: FakeTwilio) -> dict[str, str]:
    """The Twilio settings (without the DALEEL_ prefix) for an app talking to `fake`."""
    return {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM": FROM,
        "TWILIO_API_URL": fake.url,
    }


@contextmanager
def twilio_on_live_stack(live_stack, monkeypatch):
    """An in-process app with Twilio configured, on the live stack's Rasa and database: (TestClient, FakeTwilio)."""
    from fastapi.testclient import TestClient

    from bot.api.main import create_app
    from bot.settings import get_settings
    from bot.store.db import forget_engines

    fake = FakeTwilio().start()
    values = {
        "DATABASE_URL": live_stack.database_url,
        "RASA_URL": live_stack.rasa_url,
        "RASA_TOKEN": live_stack.rasa_token,
        "WHATSAPP_RASA_TIMEOUT_SECONDS": "180",
        "WHATSAPP_INBOX_RETRY_SECONDS": "0",
        **settings_env(fake),
    }
    for key, value in values.items():
        monkeypatch.setenv(f"DALEEL_{key}", value)
    get_settings.cache_clear()
    try:
        with TestClient(create_app()) as client:
            yield client, fake
    finally:
        fake.stop()
        get_settings.cache_clear()
        forget_engines()
