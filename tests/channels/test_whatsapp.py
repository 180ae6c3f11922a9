"""WhatsApp Cloud API connector: Meta's recorded payloads in, a fake Graph API server out.

Rasa is a small fake injected through the FastAPI dependency here (its real counterpart is in
test_whatsapp_e2e.py); the database, the signature check, the HTTP calls and the retries are real.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time

import httpx
import pytest
import uvicorn
import yaml
from fastapi.testclient import TestClient

from bot.api.deps import get_rasa_client
from bot.api.main import create_app
from bot.channels.pseudonym import pseudonym
from bot.channels.whatsapp import inbox, outbox
from bot.channels.whatsapp.graph import GraphClient
from bot.channels.whatsapp.messages import MESSAGES
from bot.channels.whatsapp.payload import parse
from bot.channels.whatsapp.signature import sign
from bot.settings import ROOT, get_settings
from devtools.live import free_port, query
from tests.support.whatsapp import (
    ACCESS_TOKEN,
    PHONE_NUMBER_ID,
    SECRET,
    SENDER,
    VERIFY_TOKEN,
    FakeGraph,
    FakeRasa,
    payload,
    post,
)

TEMPLATES = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))


@pytest.fixture
def graph():
    fake = FakeGraph().start()
    yield fake
    fake.stop()


def configure_whatsapp(graph, monkeypatch) -> None:
    values = {
        "WHATSAPP_APP_SECRET": SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "GRAPH_API_URL": graph.url,
        "WHATSAPP_RETRY_INITIAL_SECONDS": "0.01",
        "WHATSAPP_RETRY_MAX_SECONDS": "0.05",
        "WHATSAPP_SEND_ATTEMPTS": "3",
        "WHATSAPP_SEND_TIMEOUT_SECONDS": "2",
        # The app retries its inbox at start-up only here: the tests below run the retries themselves.
        "WHATSAPP_INBOX_RETRY_SECONDS": "0",
    }
    for key, value in values.items():
        monkeypatch.setenv(f"DALEEL_{key}", value)
    get_settings.cache_clear()


@pytest.fixture
def whatsapp_env(database_url, graph, monkeypatch):
    configure_whatsapp(graph, monkeypatch)
    yield database_url
    get_settings.cache_clear()


@pytest.fixture
def rasa():
    return FakeRasa()


@pytest.fixture
def client(whatsapp_env, rasa):
    app = create_app()
    app.dependency_overrides[get_rasa_client] = lambda: rasa
    with TestClient(app) as test_client:
        yield test_client


# --- verification ----------------------------------------------------------------------------


def test_verification_echoes_the_challenge_for_our_token(client):
    response = client.get(
        "/webhooks/whatsapp",
        params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"},
    )
    assert response.status_code == 200
    assert response.text == "1158201444"
    assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {},
    ],
)
def test_verification_refuses_a_wrong_token_or_mode(client, params):
    response = client.get("/webhooks/whatsapp", params=params)
    assert response.status_code == 403
    assert "1" not in response.text


def test_without_configured_secrets_the_webhook_is_closed(database_url, rasa):
    get_settings.cache_clear()
    app = create_app()
    app.dependency_overrides[get_rasa_client] = lambda: rasa
    with TestClient(app) as test_client:
        verify = test_client.get(
            "/webhooks/whatsapp", params={"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
        )
        signed_with_empty_secret = post(test_client, payload("text"), secret="")
    assert verify.status_code == 403
    assert signed_with_empty_secret.status_code == 403
    assert rasa.calls == []


# --- signature and malformed bodies -----------------------------------------------------------


@pytest.mark.parametrize(
    "headers, status",
    [
        ({"secret": None}, 401),
        ({"secret": "someone-else's-secret"}, 403),
        ({"signature": "sha256=" + "0" * 64}, 403),
        ({"signature": "md5=abc"}, 403),
    ],
)
def test_unsigned_or_badly_signed_posts_never_reach_rasa(client, rasa, graph, whatsapp_env, headers, status):
    response = post(client, payload("text"), **headers)
    assert response.status_code == status
    assert "X-Hub-Signature-256" in response.json()["detail"]
    assert rasa.calls == [] and graph.requests == []
    assert query(whatsapp_env, "SELECT * FROM whatsapp_processed_messages") == []


def test_signature_is_over_the_raw_body(client, rasa):
    raw = b'{"object": "whatsapp_business_account", "entry": []}'
    tampered = raw.replace(b"[]", b"[ ]")
    assert post(client, tampered, signature=sign(raw, SECRET)).status_code == 403
    assert post(client, raw, signature=sign(raw, SECRET)).status_code == 200


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'"text"', "JSON object"),
    ],
)
def test_malformed_signed_bodies_get_a_clear_400(client, rasa, body, reason):
    response = post(client, body)
    assert response.status_code == 400
    assert reason in response.json()["detail"]
    assert rasa.calls == []


def test_unexpected_shapes_are_acknowledged_not_crashed_on(client, rasa):
    for body in [
        {},
        {"entry": "x"},
        {"entry": [{"changes": [{"value": None}]}]},
        {"entry": [{"changes": [{"value": {"messages": [{"type": "text"}, 5, {"id": "x", "from": "y"}]}}]}]},
    ]:
        assert post(client, body).status_code == 200
    assert rasa.calls == []


# --- messages in, replies out -----------------------------------------------------------------


def test_text_goes_to_rasa_and_the_reply_to_the_graph_api(client, rasa, graph):
    response = post(client, payload("text", text="renew my driving licence"))
    assert response.status_code == 200
    assert rasa.calls == [(pseudonym(SENDER), "renew my driving licence")]
    [request] = graph.requests
    assert request["path"] == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert request["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request["json"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": SENDER,
        "type": "text",
        "text": {"preview_url": True, "body": "You can do it through the RTA Dubai app."},
    }


def test_a_replayed_message_id_is_processed_once(client, rasa, graph, whatsapp_env):
    body = payload("text", message_id="wamid.replayed-1")
    first, second = post(client, body), post(client, body)
    assert first.status_code == second.status_code == 200
    assert first.json()["messages"] == 1 and second.json()["duplicates"] == 1
    assert len(rasa.calls) == 1 and len(graph.delivered) == 1
    double = payload("text", message_id="wamid.replayed-2")
    messages = double["entry"][0]["changes"][0]["value"]["messages"]
    messages.append(dict(messages[0]))  # the same id twice in one delivery
    post(client, double)
    assert len(rasa.calls) == 2
    assert len(query(whatsapp_env, "SELECT message_id FROM whatsapp_processed_messages")) == 2


@pytest.mark.parametrize(
    "fixture, rasa_payload",
    [
        ("button_reply", "/affirm"),
        ("list_reply", '/choose_service{"service_id": "rta.driving_licence.renew"}'),
        ("button", "/ask_human"),
    ],
)
def test_reply_buttons_and_list_choices_send_their_payload(client, rasa, fixture, rasa_payload):
    assert post(client, payload(fixture)).status_code == 200
    assert rasa.calls == [(pseudonym(SENDER), rasa_payload)]


def test_statuses_are_acknowledged_and_ignored(client, rasa, graph):
    response = post(client, payload("status"))
    assert response.status_code == 200 and response.json()["statuses"] == 1
    assert post(client, payload("reaction")).status_code == 200
    assert rasa.calls == [] and graph.requests == []


@pytest.mark.parametrize("fixture", ["image", "location", "sticker", "audio", "document", "unsupported"])
def test_other_types_get_a_polite_text_only_answer_and_skip_rasa(client, rasa, graph, fixture):
    assert post(client, payload(fixture)).status_code == 200
    assert rasa.calls == []
    [answer] = graph.texts()
    # No language known yet for this sender: both languages, from messages.yml.
    assert TEMPLATES["unsupported"]["ar"] in answer and TEMPLATES["unsupported"]["en"] in answer


def test_the_polite_answer_follows_the_conversation_language(client, rasa, graph):
    rasa.replies = [{"text": "تقدر تنجزها عن طريق تطبيق هيئة الطرق والمواصلات."}]
    post(client, payload("text", message_id="wamid.ar-1", text="ابي اجدد رخصة القيادة"))
    post(client, payload("audio", message_id="wamid.ar-2"))
    assert graph.texts()[-1] == TEMPLATES["unsupported"]["ar"]
    rasa.replies = [{"text": "You can do it through the RTA Dubai app."}]
    post(client, payload("text", message_id="wamid.en-1", text="renew my licence"))
    post(client, payload("image", message_id="wamid.en-2"))
    assert graph.texts()[-1] == TEMPLATES["unsupported"]["en"]


# --- rendering Rasa's buttons -----------------------------------------------------------------


def buttons(*titles: str) -> list[dict]:
    return [{"title": title, "payload": f'/choose_service{{"service_id": "s.{i}"}}'} for i, title in enumerate(titles)]


def test_up_to_three_short_buttons_become_reply_buttons(client, rasa, graph):
    rasa.replies = [
        {
            "text": "Did this help?",
            "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
        }
    ]
    post(client, payload("text"))
    [message] = graph.delivered
    assert message["type"] == "interactive"
    assert message["interactive"]["type"] == "button"
    assert message["interactive"]["body"]["text"] == "Did this help?"
    assert message["interactive"]["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": "/affirm", "title": "Yes"}},
        {"type": "reply", "reply": {"id": "/deny", "title": "No"}},
    ]


def test_four_to_ten_choices_become_a_list(client, rasa, graph):
    rasa.replies = [
        {
            "text": "Which one do you mean?",
            "buttons": buttons("Renew licence", "Lost licence", "Replace licence", "Licence fines"),
        }
    ]
    post(client, payload("text"))
    [message] = graph.delivered
    assert message["interactive"]["type"] == "list"
    assert message["interactive"]["action"]["button"] == TEMPLATES["list_button"]["en"]
    rows_ = message["interactive"]["action"]["sections"][0]["rows"]
    assert [r["title"] for r in rows_] == ["Renew licence", "Lost licence", "Replace licence", "Licence fines"]
    assert rows_[0]["id"] == '/choose_service{"service_id": "s.0"}'


def test_choices_that_do_not_fit_become_numbered_text_and_a_number_answers(client, rasa, graph):
    long_titles = [
        "Renew a vehicle registration (mulkiya)",
        "Pay traffic fines through the RTA app",
        "Replace a lost driving licence card",
    ]
    rasa.replies = [{"text": "Which one do you mean?", "buttons": buttons(*long_titles)}]
    post(client, payload("text", message_id="wamid.n-1"))
    [message] = graph.texts()
    assert message.startswith("Which one do you mean?")
    assert "1. Renew a vehicle registration (mulkiya)\n2. Pay traffic fines" in message
    assert message.endswith(TEMPLATES["reply_with_number"]["en"])
    rasa.replies = [{"text": "Pay traffic fines: use the RTA Dubai app."}]
    post(client, payload("text", message_id="wamid.n-2", text="2"))
    assert rasa.calls[-1] == (pseudonym(SENDER), '/choose_service{"service_id": "s.1"}')
    post(client, payload("text", message_id="wamid.n-3", text="2"))  # choices are used once
    assert rasa.calls[-1] == (pseudonym(SENDER), "2")


def test_titles_numbered_by_the_actions_are_not_numbered_twice(client, rasa, graph):
    rasa.replies = [
        {"text": "Which one?", "buttons": buttons(*[f"{i}. A service with a long name number {i}" for i in (1, 2, 3)])}
    ]
    post(client, payload("text"))
    assert "1. A service with a long name number 1\n2. A service" in graph.texts()[0]


def test_an_arabic_digit_chooses_too_and_choices_are_per_sender(client, rasa, graph):
    rasa.replies = [
        {"text": "أي خدمة تقصد؟", "buttons": buttons(*["خدمة طويلة الاسم جداً رقم " + str(i) for i in range(12)])}
    ]
    post(client, payload("text", message_id="wamid.a-1"))
    assert graph.texts()[0].endswith(TEMPLATES["reply_with_number"]["ar"])
    post(client, payload("text", message_id="wamid.a-2", sender="971500000002", text="3"))
    assert rasa.calls[-1] == (pseudonym("971500000002"), "3")
    post(client, payload("text", message_id="wamid.a-3", text="٣"))
    assert rasa.calls[-1] == (pseudonym(SENDER), '/choose_service{"service_id": "s.2"}')


# --- Graph API outage, outbox, resend ---------------------------------------------------------


def test_transient_graph_failures_are_retried(client, graph, whatsapp_env):
    graph.failures = 2
    assert post(client, payload("text")).status_code == 200
    assert len(graph.requests) == 3 and len(graph.delivered) == 1
    assert query(whatsapp_env, "SELECT id FROM whatsapp_outbox") == []


def test_a_client_error_is_not_retried_but_kept(client, graph, whatsapp_env):
    graph.always_fail, graph.fail_status = True, 401
    assert post(client, payload("text")).status_code == 200
    assert len(graph.requests) == 1
    [(error,)] = query(whatsapp_env, "SELECT last_error FROM whatsapp_outbox")
    assert error == "http 401"


def test_an_outage_keeps_the_reply_in_the_outbox_and_resend_delivers_it(client, rasa, graph, whatsapp_env):
    graph.always_fail = True
    rasa.replies = [{"text": "First reply."}, {"text": "Second reply."}]
    response = post(client, payload("text"))
    assert response.status_code == 200
    assert len(rasa.calls) == 1  # the customer's message was processed
    assert len(graph.requests) == 3 and graph.delivered == []  # retried, then given up
    kept = query(whatsapp_env, "SELECT recipient, body, sent_at FROM whatsapp_outbox ORDER BY id")
    assert [(r.recipient, r.sent_at) for r in kept] == [(SENDER, None), (SENDER, None)]
    metrics = client.get("/metrics").text
    assert "whatsapp_outbox_kept_total 2.0" in metrics and "whatsapp_outbox_pending 2.0" in metrics
    assert post(client, payload("text")).json()["duplicates"] == 1  # Meta's retry changes nothing

    still_down = outbox.resend(GraphClient.from_settings(get_settings()))
    assert (still_down.sent, still_down.failed, still_down.pending) == (0, 1, 1)  # order kept: the second waits

    graph.always_fail = False
    report = outbox.resend(GraphClient.from_settings(get_settings()))
    assert (report.sent, report.failed) == (2, 0)
    assert graph.texts() == ["First reply.", "Second reply."]
    assert all(m["to"] == SENDER for m in graph.delivered)
    assert query(whatsapp_env, "SELECT recipient FROM whatsapp_outbox WHERE sent_at IS NULL OR recipient != ''") == []
    metrics = client.get("/metrics").text
    assert "whatsapp_outbox_kept_total 2.0" in metrics and "whatsapp_outbox_pending 0.0" in metrics


def test_resend_from_the_command_line(client, graph, whatsapp_env):
    graph.always_fail = True
    post(client, payload("text"))
    graph.always_fail = False
    result = subprocess.run(
        [sys.executable, "-m", "bot.channels.whatsapp", "resend"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert '"sent": 1' in result.stdout
    assert graph.texts() == ["You can do it through the RTA Dubai app."]


def test_rasa_down_gets_an_apology_in_the_customer_language(whatsapp_env, graph, monkeypatch):
    monkeypatch.setenv("DALEEL_RASA_URL", "http://127.0.0.1:9")  # nothing listens there
    get_settings.cache_clear()
    with TestClient(create_app()) as test_client:  # the real Rasa client
        assert post(test_client, payload("text", text="ابي ادفع فاتورة ديوا")).status_code == 200
    assert graph.texts() == [TEMPLATES["unavailable"]["ar"]]


def test_no_phone_number_or_message_text_in_the_logs(client, rasa, graph, caplog):
    caplog.set_level(logging.DEBUG)
    graph.always_fail = True
    secret_text = "my emirates id is 784-1990-1234567-1"
    post(client, payload("text", message_id="wamid.log-1", text=secret_text))
    post(client, payload("image", message_id="wamid.log-2"))
    outbox.resend(GraphClient.from_settings(get_settings()))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "outbox" in logged  # the failure was reported...
    assert SENDER not in logged and "784-1990" not in logged  # ...without personal data


def test_meta_gets_its_200_before_the_graph_api_retries_end(whatsapp_env, graph, monkeypatch, rasa):
    """Under a real server: the webhook answers at once; the retries and the outbox happen afterwards."""
    monkeypatch.setenv("DALEEL_WHATSAPP_RETRY_INITIAL_SECONDS", "0.5")
    monkeypatch.setenv("DALEEL_WHATSAPP_RETRY_MAX_SECONDS", "2")
    get_settings.cache_clear()
    graph.always_fail = True
    app = create_app()
    app.dependency_overrides[get_rasa_client] = lambda: rasa
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        raw = json.dumps(payload("text")).encode()
        started = time.monotonic()
        response = httpx.post(
            f"http://127.0.0.1:{port}/webhooks/whatsapp",
            content=raw,
            headers={"X-Hub-Signature-256": sign(raw, SECRET)},
            timeout=10,
        )
        answered_in = time.monotonic() - started
        assert response.status_code == 200
        assert answered_in < 1.0  # the retries wait 0.5 + 1 s before giving up
        while not query(whatsapp_env, "SELECT id FROM whatsapp_outbox") and time.monotonic() - started < 20:
            time.sleep(0.1)
        assert len(query(whatsapp_env, "SELECT id FROM whatsapp_outbox")) == 1
        assert len(graph.requests) == 3
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# --- the inbox: stored before the 200, processed until done, never twice ----------------------

INBOX = "SELECT message_id, sender, text, attempts, apologised, last_error, done_at, outcome FROM whatsapp_inbox"


def retry(rasa) -> inbox.RetryReport:
    """What the app runs at start-up and periodically, with the test's Rasa."""
    settings = get_settings()
    return inbox.retry_due(rasa, GraphClient.from_settings(settings), settings)


@pytest.fixture(params=["sqlite", "postgresql"])
def whatsapp_store(request, graph, monkeypatch):
    """WhatsApp configured on the embedded SQLite and on production's PostgreSQL."""
    url = request.getfixturevalue("database_url" if request.param == "sqlite" else "postgres_url")
    configure_whatsapp(graph, monkeypatch)
    yield url
    get_settings.cache_clear()


def test_an_answered_message_leaves_neither_number_nor_text_in_the_inbox(client, whatsapp_env):
    post(client, payload("text", message_id="wamid.inbox-1", text="renew my driving licence"))
    [row] = query(whatsapp_env, INBOX)
    assert (row.message_id, row.sender, row.text, row.attempts, row.outcome) == ("wamid.inbox-1", "", "", 1, "answered")
    assert row.done_at is not None


def test_a_message_whose_processing_crashed_is_answered_by_the_retry_once(client, rasa, graph, whatsapp_env):
    rasa.error = RuntimeError("worker crashed")  # the processing step fails after Meta got its 200
    body = payload("text", message_id="wamid.crash-1", text="renew my driving licence")
    assert post(client, body).json()["messages"] == 1
    [row] = query(whatsapp_env, INBOX)
    assert row.done_at is None and row.last_error == "RuntimeError"
    assert (row.sender, row.text) == (SENDER, "renew my driving licence")  # kept until processed
    assert graph.requests == []
    assert post(client, body).json()["duplicates"] == 1  # Meta's retry is still skipped
    assert len(rasa.calls) == 1

    rasa.error = None
    report = retry(rasa)
    assert (report.answered, report.retry, report.gave_up) == (1, 0, 0)
    assert (
        rasa.calls == [(pseudonym(SENDER), "renew my driving licence")] * 2
    )  # the crashed attempt and the answered one
    assert graph.texts() == ["You can do it through the RTA Dubai app."]
    [row] = query(whatsapp_env, INBOX)
    assert (row.sender, row.text, row.attempts, row.outcome) == ("", "", 2, "answered")
    assert retry(rasa) == inbox.RetryReport()  # nothing left
    assert post(client, body).json()["duplicates"] == 1
    assert len(rasa.calls) == 2 and len(graph.delivered) == 1


def test_a_leased_message_waits_and_concurrent_retries_process_it_once(whatsapp_store, rasa, graph, monkeypatch):
    monkeypatch.setenv("DALEEL_WHATSAPP_INBOX_LEASE_SECONDS", "1")
    get_settings.cache_clear()
    [message] = parse(payload("text", message_id="wamid.lease-1")).messages
    assert inbox.accept(message, get_settings())  # as the webhook does: its worker holds the lease...
    assert not inbox.accept(message, get_settings())
    assert retry(rasa) == inbox.RetryReport()  # ...so nobody else takes it meanwhile
    time.sleep(1.1)  # the worker died: its lease runs out
    rasa.delay = 0.3
    reports: list[inbox.RetryReport] = []
    workers = [threading.Thread(target=lambda: reports.append(retry(rasa))) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert sum(r.answered for r in reports) == 1
    assert len(rasa.calls) == 1 and len(graph.delivered) == 1


def test_rasa_unreachable_apologises_once_retries_and_gives_up_without_keeping_data(
    whatsapp_env, graph, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("DALEEL_RASA_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("DALEEL_WHATSAPP_INBOX_MAX_ATTEMPTS", "3")
    get_settings.cache_clear()
    secret_text = "renew my licence, emirates id 784-1990-1234567-1"
    with TestClient(create_app()) as test_client:  # the real Rasa client
        assert post(test_client, payload("text", message_id="wamid.down-1", text=secret_text)).status_code == 200
    [row] = query(whatsapp_env, INBOX)
    assert row.done_at is None and row.apologised and row.text == secret_text and row.attempts == 1
    assert graph.texts() == [TEMPLATES["unavailable"]["en"]]

    again = subprocess.run(
        [sys.executable, "-m", "bot.channels.whatsapp", "retry"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 1 and '"retry": 1' in again.stdout  # still down: kept for the next run
    last = subprocess.run(
        [sys.executable, "-m", "bot.channels.whatsapp", "retry"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert last.returncode == 0 and '"gave_up": 1' in last.stdout
    assert graph.texts() == [TEMPLATES["unavailable"]["en"]]  # apologised once, not at every attempt
    [row] = query(whatsapp_env, INBOX)
    assert (row.sender, row.text, row.attempts, row.outcome) == ("", "", 3, "gave_up")
    logged = "\n".join(r.getMessage() for r in caplog.records) + again.stderr + last.stderr
    assert "given up" in last.stderr
    assert SENDER not in logged and "784-1990" not in logged


def test_unfinished_messages_are_retried_in_order_per_sender(whatsapp_env, rasa, graph):
    rasa.error = RuntimeError("down")
    settings = get_settings()
    client = GraphClient.from_settings(settings)
    for n in (1, 2):
        [message] = parse(payload("text", message_id=f"wamid.order-{n}", text=f"message {n}")).messages
        assert inbox.accept(message, settings)
        inbox.process(message, rasa, client, settings)  # fails: due again at once
    first = retry(rasa)
    assert (first.retry, first.skipped) == (1, 1)  # the second waits behind the first
    rasa.error = None
    assert retry(rasa).answered == 2
    assert [text for _, text in rasa.calls[-2:]] == ["message 1", "message 2"]
