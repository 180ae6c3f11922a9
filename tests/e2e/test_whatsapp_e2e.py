"""WhatsApp end to end: Meta's payload in -> the real Rasa stack (model, actions, database) -> fake Graph API."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import uuid
from urllib.parse import urlsplit

import httpx
import pytest
import yaml

from bot.channels.pseudonym import pseudonym
from bot.channels.whatsapp.messages import MESSAGES
from bot.channels.whatsapp.signature import sign
from bot.store.deflections import hash_conversation
from devtools.live import ROOT, free_port, query
from devtools.tcp_proxy import TcpProxy
from tests.support.whatsapp import (
    ACCESS_TOKEN,
    PHONE_NUMBER_ID,
    SECRET,
    VERIFY_TOKEN,
    FakeGraph,
    app_on_live_stack,
    payload,
    post,
)

TEMPLATES = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))


@pytest.fixture
def whatsapp_app(live_stack, monkeypatch):
    with app_on_live_stack(live_stack, monkeypatch) as (client, graph):  # the real Rasa client
        yield client, graph


def events(database_url: str, conversation_hash: str) -> list:
    return query(
        database_url,
        "SELECT service_id, source, outcome FROM deflection_events WHERE conversation_hash = :h",
        h=conversation_hash,
    )


def test_whatsapp_text_through_rasa_comes_back_with_the_channel(whatsapp_app, live_stack):
    client, graph = whatsapp_app
    sender = "9715" + str(uuid.uuid4().int)[:8]
    response = post(
        client, payload("text", message_id=f"wamid.e2e-{uuid.uuid4()}", sender=sender, text="renew my driving licence")
    )
    assert response.status_code == 200
    assert graph.delivered and all(m["to"] == sender for m in graph.delivered)
    assert "RTA" in " ".join(graph.texts())
    assert ("rta.driving_licence.renew", "whatsapp", "routed") in events(
        live_stack.database_url, hash_conversation(pseudonym(sender))
    )
    # "Did this help?" comes as reply buttons; tapping "Yes" sends its id (/affirm) back through Rasa.
    [question] = [m for m in graph.delivered if m["type"] == "interactive"]
    yes = question["interactive"]["action"]["buttons"][0]["reply"]
    assert yes["id"] == "/affirm"
    tap = payload("button_reply", message_id=f"wamid.e2e-{uuid.uuid4()}", sender=sender)
    tap["entry"][0]["changes"][0]["value"]["messages"][0]["interactive"]["button_reply"] = yes
    before = len(graph.delivered)
    assert post(client, tap).status_code == 200
    assert len(graph.delivered) > before
    assert ("rta.driving_licence.renew", "whatsapp", "confirmed") in events(
        live_stack.database_url, hash_conversation(pseudonym(sender))
    )


# --- nothing lost: the inbox ------------------------------------------------------------------


def inbox_row(database_url: str, message_id: str):
    found = query(
        database_url,
        "SELECT sender, text, attempts, done_at, outcome FROM whatsapp_inbox WHERE message_id = :m",
        m=message_id,
    )
    return found[0] if found else None


def wait_until(condition, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_a_message_taken_while_rasa_is_unreachable_is_answered_once_it_is_back(live_stack, monkeypatch):
    proxy = TcpProxy("127.0.0.1", urlsplit(live_stack.rasa_url).port)
    proxy.start()
    proxy.stop()  # Rasa cannot be reached: connections to the proxy's port are refused
    sender, message_id = "9715" + str(uuid.uuid4().int)[:8], f"wamid.e2e-down-{uuid.uuid4()}"
    body = payload("text", message_id=message_id, sender=sender, text="renew my driving licence")
    settings = {
        "RASA_URL": f"http://127.0.0.1:{proxy.port}",
        "WHATSAPP_INBOX_RETRY_SECONDS": "0.5",
        "WHATSAPP_INBOX_MAX_ATTEMPTS": "1000",
    }
    try:
        with app_on_live_stack(live_stack, monkeypatch, **settings) as (client, graph):
            assert post(client, body).json()["messages"] == 1
            assert graph.texts() == [TEMPLATES["unavailable"]["en"]]
            assert inbox_row(live_stack.database_url, message_id).done_at is None
            time.sleep(1.2)  # periodic retries while Rasa is still down: no second apology
            assert post(client, body).json()["duplicates"] == 1
            proxy.start()  # Rasa is back
            wait_until(lambda: inbox_row(live_stack.database_url, message_id).done_at is not None)
            answered = list(graph.delivered)
            assert "RTA" in " ".join(graph.texts()) and all(m["to"] == sender for m in answered)
            assert graph.texts().count(TEMPLATES["unavailable"]["en"]) == 1
            time.sleep(1.5)  # three more retry periods
            assert post(client, body).json()["duplicates"] == 1
            assert graph.delivered == answered  # answered once
    finally:
        proxy.stop()
    row = inbox_row(live_stack.database_url, message_id)
    assert (row.sender, row.text, row.outcome) == ("", "", "answered") and row.attempts > 1
    assert ("rta.driving_licence.renew", "whatsapp", "routed") in events(
        live_stack.database_url, hash_conversation(pseudonym(sender))
    )


def test_a_message_whose_worker_was_killed_is_answered_after_a_restart_once(live_stack, monkeypatch, tmp_path):
    """The first app process takes the message (200), hangs on Rasa and is killed (SIGKILL); the next
    app process answers it at start-up."""
    stuck = socket.socket()  # a Rasa that takes the request and never answers
    stuck.bind(("127.0.0.1", 0))
    stuck.listen(16)
    graph = FakeGraph().start()
    port, lease = free_port(), 3.0
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DALEEL_DATABASE_URL": live_stack.database_url,
        "DALEEL_SPOOL_PATH": str(tmp_path / "spool.db"),
        "DALEEL_RASA_URL": f"http://127.0.0.1:{stuck.getsockname()[1]}",
        "DALEEL_WHATSAPP_RASA_TIMEOUT_SECONDS": "600",
        "DALEEL_WHATSAPP_INBOX_LEASE_SECONDS": str(lease),
        "DALEEL_WHATSAPP_INBOX_RETRY_SECONDS": "0",  # its own retries would take it again too
        "DALEEL_WHATSAPP_APP_SECRET": SECRET,
        "DALEEL_WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "DALEEL_WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "DALEEL_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "DALEEL_GRAPH_API_URL": graph.url,
    }
    with (tmp_path / "killed-app.log").open("w") as log:
        process = subprocess.Popen(
            [str(ROOT / ".venv/bin/uvicorn"), "bot.api.main:app", "--port", str(port), "--host", "127.0.0.1"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    sender, message_id = "9715" + str(uuid.uuid4().int)[:8], f"wamid.e2e-killed-{uuid.uuid4()}"
    raw = json.dumps(payload("text", message_id=message_id, sender=sender, text="renew my driving licence")).encode()
    try:
        wait_until(lambda: process.poll() is None and _up(f"http://127.0.0.1:{port}/healthz"), 120)
        response = httpx.post(
            f"http://127.0.0.1:{port}/webhooks/whatsapp",
            content=raw,
            timeout=30,
            headers={"X-Hub-Signature-256": sign(raw, SECRET), "Content-Type": "application/json"},
        )
        accepted_at = time.monotonic()  # after the answer: the lease was taken before it, never after
        assert response.status_code == 200 and response.json()["messages"] == 1
        stuck.settimeout(30)
        hung, _ = stuck.accept()  # the worker is inside the Rasa call
        process.kill()
        process.wait(timeout=30)
        hung.close()
    finally:
        if process.poll() is None:
            process.kill()
        stuck.close()
        graph.stop()
    assert graph.requests == []  # nothing was answered before the process died
    row = inbox_row(live_stack.database_url, message_id)
    assert row.done_at is None and row.sender == sender  # kept, not lost
    time.sleep(max(0.0, lease + 0.2 - (time.monotonic() - accepted_at)))  # the dead worker's lease runs out

    # The next process: start-up retries only (no periodic retry), the real Rasa.
    with app_on_live_stack(live_stack, monkeypatch, WHATSAPP_INBOX_RETRY_SECONDS="0") as (client, restarted):
        wait_until(lambda: inbox_row(live_stack.database_url, message_id).done_at is not None)
        assert "RTA" in " ".join(restarted.texts()) and all(m["to"] == sender for m in restarted.delivered)
        answered = list(restarted.delivered)
        assert post(client, json.loads(raw)).json()["duplicates"] == 1  # Meta's retry: still skipped
        assert restarted.delivered == answered
    row = inbox_row(live_stack.database_url, message_id)
    assert (row.sender, row.text, row.attempts, row.outcome) == ("", "", 2, "answered")


def _up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
