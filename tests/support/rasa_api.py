"""A fake of Rasa's HTTP API for the agent console's and the web chat's tests: trackers to read, events
posted, messages to the REST webhook (answered with `replies`), the token checked."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "fake-rasa-token"


class FakeRasaApi:
    """GET /conversations/{id}/tracker answers `trackers[id]` events; POST .../tracker/events records them.
    POST /webhooks/rest/webhook records (sender, message) in `said` and answers `replies` (a Bearer token, as
    bot/channels/rasa.py sends it). A wrong or missing token is a 401, as Rasa's own; `down` answers 503."""

    def __init__(self):
        self.trackers: dict[str, list[dict]] = {}
        self.posted: list[tuple[str, list]] = []  # (conversation id, events)
        self.said: list[tuple[str, str]] = []  # (sender, message) to the REST webhook
        self.replies: list[dict] = []
        self.down = False
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _conversation(self) -> str | None:
                url = urlsplit(self.path)
                if fake.down:
                    self._answer(503, {"status": "failure"})
                    return None
                if parse_qs(url.query).get("token") != [TOKEN]:
                    self._answer(401, {"status": "failure", "reason": "NotAuthenticated"})
                    return None
                parts = url.path.split("/")
                return unquote(parts[2]) if len(parts) > 3 and parts[1] == "conversations" else ""

            def do_GET(self):  # noqa: N802
                conversation = self._conversation()
                if conversation is not None:
                    self._answer(200, {"sender_id": conversation, "events": fake.trackers.get(conversation, [])})

            def _webhook(self, body: dict) -> None:
                if fake.down:
                    self._answer(503, {"status": "failure"})
                elif self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self._answer(401, {"status": "failure", "reason": "NotAuthenticated"})
                else:
                    with fake._lock:
                        fake.said.append((body["sender"], body["message"]))
                    self._answer(200, fake.replies)

            def do_POST(self):  # noqa: N802
                events = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"[]")
                if urlsplit(self.path).path == "/webhooks/rest/webhook":
                    self._webhook(events)
                    return
                conversation = self._conversation()
                if conversation is not None:
                    with fake._lock:
                        fake.posted.append((conversation, events))
                    self._answer(200, {"sender_id": conversation, "events": []})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeRasaApi":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
