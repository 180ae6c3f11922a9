"""Rasa is for the app only (the real live stack: rasa_ext with a per-stack DALEEL_RASA_TOKEN).

Without the token nobody reads a conversation, injects events, replaces the model or even talks
through the REST webhook; with it the tracker reads; the app's web chat answers through Rasa."""

import socket
import uuid
from pathlib import Path

import httpx
import pytest

EVENT = [{"event": "slot", "name": "language", "value": "ar"}]


@pytest.fixture(scope="module")
def conversation(live_stack):
    """One conversation through the app's web chat (the app sends the token); its Rasa sender id."""
    sender = uuid.uuid4().hex
    for attempt in range(4):  # the first message loads the route core in the action server
        try:
            reply = httpx.post(
                f"{live_stack.app_url}/api/v1/chat",
                json={"sender": sender, "message": "renew my driving licence"},
                timeout=120,
            )
            break
        except httpx.HTTPError:
            if attempt == 3:
                raise
    assert reply.status_code == 200, reply.text
    said = " ".join(m["text"] or "" for m in reply.json()["messages"])
    assert "RTA" in said and "https://" in said  # the answer came from Rasa and the action server
    return "web-" + sender


def tracker(live_stack, sender: str, **params) -> httpx.Response:
    return httpx.get(f"{live_stack.rasa_url}/conversations/{sender}/tracker", params=params, timeout=30)


@pytest.mark.parametrize("token", [None, "", "a-wrong-token"])
def test_without_the_token_rasa_refuses_reads_injections_and_model_replacement(live_stack, conversation, token):
    params = {} if token is None else {"token": token}
    url = f"{live_stack.rasa_url}/conversations/{conversation}/tracker"
    assert tracker(live_stack, conversation, **params).status_code == 401
    assert httpx.post(f"{url}/events", params=params, json=EVENT, timeout=30).status_code == 401
    model = httpx.put(
        f"{live_stack.rasa_url}/model", params=params, json={"model_file": "/tmp/any-model.tar.gz"}, timeout=30
    )
    assert model.status_code == 401
    headers = {} if not token else {"Authorization": f"Bearer {token}"}
    webhook = httpx.post(
        f"{live_stack.rasa_url}/webhooks/rest/webhook",
        params=params,
        headers=headers,
        json={"sender": conversation, "message": "renew my driving licence"},
        timeout=30,
    )
    assert webhook.status_code == 401
    # Nothing was injected: the conversation still has Rasa's language slot from the customer's message.
    slots = tracker(live_stack, conversation, token=live_stack.rasa_token).json()["slots"]
    assert slots["language"] == "en"


def test_with_the_token_the_tracker_reads(live_stack, conversation):
    response = tracker(live_stack, conversation, token=live_stack.rasa_token)
    assert response.status_code == 200
    texts = [e.get("text") for e in response.json()["events"] if e["event"] == "user"]
    assert texts == ["renew my driving licence"]


def test_rasa_allows_no_cross_origin_caller(live_stack):
    response = httpx.get(
        f"{live_stack.rasa_url}/status",
        params={"token": live_stack.rasa_token},
        headers={"Origin": "https://attacker.example"},
        timeout=30,
    )
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_the_token_is_not_on_any_command_line(live_stack):
    for process in live_stack.processes:
        command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes()
        assert live_stack.rasa_token.encode() not in command_line


def test_rasa_listens_on_the_loopback_only(live_stack):
    port = int(live_stack.rasa_url.rsplit(":", 1)[1])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this picks the outward interface's address
        outward = probe.getsockname()[0]
    if outward.startswith("127."):
        pytest.skip("this machine has no non-loopback interface")
    with socket.socket() as connection, pytest.raises(OSError):
        connection.settimeout(5)
        connection.connect((outward, port))
