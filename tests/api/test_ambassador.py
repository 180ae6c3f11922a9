"""Ambassadors' lookup: staff sign-in, the page, assisted deflections (real SQLite per test)."""

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from bot.api.main import create_app
from bot.api.sessions import DEV_SECRET
from bot.api.sessions import STAFF_COOKIE as COOKIE
from bot.settings import get_settings
from bot.store.db import get_engine
from tests.support.web import SAME_ORIGIN

SECRETS = {"deira": "deira-code-1", "al-barsha": "barsha-code-2"}
SERVICE = "rta.driving_licence.renew"


@pytest.fixture
def make_client(database_url, monkeypatch):
    def make(secrets=SECRETS, **env):
        if secrets is not None:
            monkeypatch.setenv("DALEEL_AMBASSADOR_SECRETS", json.dumps(secrets))
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        return TestClient(create_app(), headers=SAME_ORIGIN)

    return make


def signed_in(client, centre="deira", secret=None):
    reply = client.post(
        "/ambassador/sign-in",
        follow_redirects=False,
        data={"centre": centre, "secret": secret or SECRETS[centre], "lang": "en"},
    )
    assert reply.status_code == 303 and reply.headers["location"] == "/ambassador?lang=en"
    return client


def events(database_url):
    with get_engine(database_url).connect() as connection:
        return connection.execute(
            text(
                "SELECT service_id, entity, channel, language, source, outcome, "
                "conversation_hash FROM deflection_events"
            )
        ).all()


def test_sign_in_then_the_page_opens(make_client):
    client = make_client()
    assert client.get("/ambassador", follow_redirects=False).headers["location"] == "/ambassador/sign-in?lang=en"
    form = client.get("/ambassador/sign-in")
    assert form.status_code == 200 and '<option value="deira">' in form.text
    signed_in(client)
    cookie = client.cookies.get(COOKIE)
    assert cookie and "deira-code-1" not in cookie
    page = client.get("/ambassador")
    assert page.status_code == 200 and 'id="q"' in page.text and "deira" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_cookie_flags(make_client):
    reply = make_client().post(
        "/ambassador/sign-in", follow_redirects=False, data={"centre": "deira", "secret": SECRETS["deira"]}
    )
    flags = reply.headers["set-cookie"].lower()
    assert "httponly" in flags and "samesite=strict" in flags and "secure" not in flags


@pytest.mark.parametrize(
    "centre, secret",
    [
        ("deira", "wrong"),
        ("deira", ""),
        ("nowhere", "deira-code-1"),
        ("al-barsha", "deira-code-1"),
        ("dev", DEV_SECRET),
    ],
)
def test_wrong_secret_is_refused(make_client, centre, secret):
    client = make_client()
    reply = client.post("/ambassador/sign-in", data={"centre": centre, "secret": secret}, follow_redirects=False)
    assert reply.status_code == 401 and 'id="sign-in-error"' in reply.text
    assert COOKIE not in reply.headers.get("set-cookie", "")
    assert client.get("/ambassador", follow_redirects=False).status_code == 303


def test_deflection_is_stored_as_an_ambassador_visit(make_client, database_url, router):
    client = signed_in(make_client())
    reply = client.post("/api/v1/ambassador/deflections", json={"service_id": SERVICE, "language": "ar"})
    assert reply.status_code == 201
    first = router.catalogue.by_id()[SERVICE].channels[0]
    channel = first.name
    assert first.name_ar  # the Arabic page's confirmation names the channel in Arabic
    assert reply.json() == {
        "recorded": True,
        "service_id": SERVICE,
        "entity": "rta",
        "channel": channel,
        "channel_ar": first.name_ar,
    }
    [row] = events(database_url)
    assert (row.service_id, row.entity, row.channel, row.language, row.source, row.outcome) == (
        SERVICE,
        "rta",
        channel,
        "ar",
        "ambassador",
        "routed",
    )


def test_each_press_is_one_more_customer(make_client, database_url):
    client = signed_in(make_client())
    for _ in range(3):
        assert client.post("/api/v1/ambassador/deflections", json={"service_id": SERVICE}).status_code == 201
    rows = events(database_url)
    assert len(rows) == 3 and len({r.conversation_hash for r in rows}) == 3
    assert {r.language for r in rows} == {"en"}


@pytest.mark.parametrize(
    "body, status",
    [
        ({"service_id": "nope.nothing"}, 404),
        ({"service_id": "rta"}, 404),
        ({}, 422),
        ({"service_id": SERVICE, "language": "fr"}, 422),
        ({"service_id": "x" * 200}, 422),
    ],
)
def test_bad_deflections_write_nothing(make_client, database_url, body, status):
    client = signed_in(make_client())
    assert client.post("/api/v1/ambassador/deflections", json=body).status_code == status
    assert events(database_url) == []


@pytest.mark.parametrize("cookie", [None, "garbage", "eyJjZW50cmUiOiJkZWlyYSJ9.forged.signature"])
def test_without_a_valid_session_the_api_refuses(make_client, database_url, cookie):
    client = make_client()
    if cookie:
        client.cookies.set(COOKIE, cookie)
    reply = client.post("/api/v1/ambassador/deflections", json={"service_id": SERVICE})
    assert reply.status_code == 401 and reply.json() == {"detail": "staff sign-in required"}
    assert client.get("/ambassador", follow_redirects=False).status_code == 303
    assert events(database_url) == []


def test_a_cookie_signed_with_another_key_is_refused(make_client, database_url, monkeypatch):
    client = signed_in(make_client(DALEEL_SESSION_SECRET="key-one"))
    monkeypatch.setenv("DALEEL_SESSION_SECRET", "key-two")
    get_settings.cache_clear()
    assert client.post("/api/v1/ambassador/deflections", json={"service_id": SERVICE}).status_code == 401


def test_changing_a_centre_secret_signs_its_staff_out(make_client, monkeypatch):
    client = signed_in(make_client())
    monkeypatch.setenv("DALEEL_AMBASSADOR_SECRETS", json.dumps({**SECRETS, "deira": "new-code"}))
    get_settings.cache_clear()
    assert client.post("/api/v1/ambassador/deflections", json={"service_id": SERVICE}).status_code == 401


def test_sessions_expire(make_client, monkeypatch):
    client = signed_in(make_client(DALEEL_AMBASSADOR_SESSION_HOURS="-1"))
    assert client.post("/api/v1/ambassador/deflections", json={"service_id": SERVICE}).status_code == 401


def test_sign_out(make_client):
    client = signed_in(make_client())
    reply = client.post("/ambassador/sign-out", data={"lang": "ar"}, follow_redirects=False)
    assert reply.headers["location"] == "/ambassador/sign-in?lang=ar"
    assert client.post("/api/v1/ambassador/deflections", json={"service_id": SERVICE}).status_code == 401


def test_development_has_a_dev_secret_when_none_is_configured(make_client):
    client = make_client(secrets=None)
    signed_in(client, centre="dev", secret=DEV_SECRET)
    assert client.get("/ambassador").status_code == 200


@pytest.mark.parametrize(
    "env",
    [
        {"DALEEL_ENVIRONMENT": "production"},
        {"DALEEL_ENVIRONMENT": "production", "DALEEL_AMBASSADOR_SECRETS": json.dumps(SECRETS)},  # no session key
        {"DALEEL_ENVIRONMENT": "production", "DALEEL_SESSION_SECRET": "a-long-session-key"},  # no centres
    ],
)
def test_production_is_closed_unless_configured(make_client, database_url, env):
    client = make_client(secrets=None, **env)
    form = client.get("/ambassador/sign-in?lang=ar")
    assert form.status_code == 200 and 'id="sign-in-closed"' in form.text and 'name="secret"' not in form.text
    for centre, secret in [("dev", DEV_SECRET), ("deira", SECRETS["deira"])]:
        reply = client.post("/ambassador/sign-in", data={"centre": centre, "secret": secret}, follow_redirects=False)
        assert reply.status_code == 503 and COOKIE not in reply.headers.get("set-cookie", "")
    assert client.post("/api/v1/ambassador/deflections", json={"service_id": SERVICE}).status_code == 401
    assert events(database_url) == []


def test_production_with_secrets_and_session_key_signs_in_with_a_secure_cookie(make_client):
    client = make_client(DALEEL_ENVIRONMENT="production", DALEEL_SESSION_SECRET="a-long-session-key")
    reply = client.post(
        "/ambassador/sign-in", follow_redirects=False, data={"centre": "al-barsha", "secret": SECRETS["al-barsha"]}
    )
    assert reply.status_code == 303 and "secure" in reply.headers["set-cookie"].lower()
    wrong = client.post("/ambassador/sign-in", data={"centre": "dev", "secret": DEV_SECRET})
    assert wrong.status_code == 401


def test_pages_in_both_directions(make_client):
    client = signed_in(make_client())
    arabic = client.get("/ambassador?lang=ar")
    assert '<html lang="ar" dir="rtl">' in arabic.text and "ابحث عن خدمة" in arabic.text
    english = client.get("/ambassador?lang=en")
    assert '<html lang="en" dir="ltr">' in english.text and "Find a service" in english.text
