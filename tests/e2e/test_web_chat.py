"""Website chat: the page, the widget file and the proxy to Rasa (the real stack, and Rasa down)."""

import socket
import uuid

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.api.main import create_app
from bot.settings import get_settings
from devtools.live import query


@pytest.fixture
def client(monkeypatch):
    def make(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        return TestClient(create_app())

    yield make
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def stack(live_stack):
    """The live stack, warmed up: the first message loads the route core in the action server."""
    for attempt in range(4):
        try:
            live_stack.say("web-chat-warm-up", "renew my driving licence")
            break
        except httpx.HTTPError:
            if attempt == 3:
                raise
    return live_stack


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def web_events(database_url: str, conversation_hash: str):
    return query(
        database_url,
        "SELECT service_id, source, outcome, language FROM deflection_events WHERE conversation_hash = :h",
        h=conversation_hash,
    )


def test_one_conversation_through_the_app_reaches_rasa_and_counts_as_web(stack):
    from bot.store.deflections import hash_conversation

    sender = uuid.uuid4().hex
    reply = httpx.post(
        f"{stack.app_url}/api/v1/chat", timeout=60, json={"sender": sender, "message": "renew my driving licence"}
    )
    assert reply.status_code == 200
    body = reply.json()
    assert body["sender"] == sender
    said = " ".join(m["text"] or "" for m in body["messages"])
    assert "RTA" in said and "https://" in said
    assert all(set(m) == {"text", "buttons"} for m in body["messages"])
    # The action server wrote the visit under the web namespace of the sender, as a web visit.
    rows = web_events(stack.database_url, hash_conversation("web-" + sender))
    assert [(r.service_id, r.source, r.outcome, r.language) for r in rows] == [
        ("rta.driving_licence.renew", "web", "routed", "en")
    ]

    arabic = httpx.post(
        f"{stack.app_url}/api/v1/chat",
        timeout=60,
        json={"sender": uuid.uuid4().hex, "message": "ابي اجدد رخصة القيادة"},
    )
    assert arabic.status_code == 200
    assert any("\u0600" <= ch <= "\u06ff" for m in arabic.json()["messages"] for ch in m["text"] or "")


def test_vague_message_offers_buttons_with_payloads(stack):
    reply = httpx.post(
        f"{stack.app_url}/api/v1/chat", timeout=60, json={"sender": uuid.uuid4().hex, "message": "renew my licence"}
    )
    buttons = [b for m in reply.json()["messages"] for b in m["buttons"]]
    assert len(buttons) >= 2
    assert all(b["title"] and b["payload"].startswith("/") for b in buttons)


def test_rasa_down_gives_a_clear_502(client):
    app = client(DALEEL_RASA_URL=f"http://127.0.0.1:{closed_port()}")
    reply = app.post("/api/v1/chat", json={"sender": "abcdef123456", "message": "renew my driving licence"})
    assert reply.status_code == 502
    assert reply.json() == {"detail": "the assistant is not reachable"}


def test_rasa_answering_with_an_error_gives_a_502(client, stack):
    # The app itself is not a Rasa server: its 404 for the webhook path stands for a broken Rasa.
    app = client(DALEEL_RASA_URL=stack.app_url)
    reply = app.post("/api/v1/chat", json={"sender": "abcdef123456", "message": "hello"})
    assert reply.status_code == 502
    assert reply.json() == {"detail": "the assistant answered with an error"}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"sender": "abcdef123456"},
        {"message": "hello"},
        {"sender": "abcdef123456", "message": ""},
        {"sender": "short", "message": "hello"},
        {"sender": "has spaces in it", "message": "hello"},
        {"sender": "../../etc/passwd", "message": "hello"},
        {"sender": "x" * 65, "message": "hello"},
        {"sender": "abcdef123456", "message": "a" * 5001},
        {"sender": "abcdef123456", "message": ["not", "text"]},
    ],
)
def test_bad_input_gets_a_422(client, body):
    app = client(DALEEL_RASA_URL=f"http://127.0.0.1:{closed_port()}")
    reply = app.post("/api/v1/chat", json=body)
    assert reply.status_code == 422
    assert reply.json()["detail"]


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe not utf-8", b"[]", b"null"])
def test_not_a_json_object_gets_a_clear_client_error(client, raw):
    reply = client().post("/api/v1/chat", content=raw, headers={"Content-Type": "application/json"})
    assert reply.status_code in (400, 422) and reply.json()["detail"]


@pytest.mark.parametrize("lang, direction, send", [("en", "ltr", "Send"), ("ar", "rtl", "إرسال")])
def test_chat_page_in_both_languages(client, lang, direction, send):
    page = client().get(f"/chat?lang={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}" dir="{direction}">' in page.text
    assert send in page.text and 'id="chat-labels"' in page.text and "/static/widget.js" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_chat_page_language_follows_the_browser(client):
    page = client().get("/chat", headers={"Accept-Language": "ar-AE,ar;q=0.9,en;q=0.8"})
    assert 'lang="ar"' in page.text


@pytest.mark.parametrize(
    "name, kind", [("widget.js", "text/javascript"), ("daleel.css", "text/css"), ("ambassador.js", "text/javascript")]
)
def test_static_files(client, name, kind):
    reply = client().get(f"/static/{name}")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith(kind)


@pytest.mark.parametrize("name", ["nothing.js", "..%2Fsettings.py", "widget.JS", ".hidden.js", "widget.js.map"])
def test_static_files_only_by_plain_name(client, name):
    assert client().get(f"/static/{name}").status_code == 404
