"""Security headers per kind of page, HSTS in production, the origin check of staff requests
(bot/api/security.py), through the real app on a fresh SQLite database per test."""

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.api.main import create_app
from bot.api.sessions import DEV_SECRET, DEV_TOKEN, MANAGER_COOKIE, STAFF_COOKIE
from bot.settings import get_settings
from bot.store import db
from bot.store.models import DeflectionEvent
from tests.support.web import ORIGIN, SAME_ORIGIN

POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors "
)
DASHBOARD_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
NO_FRAMES = {"content-security-policy": POLICY + "'none'", "x-frame-options": "DENY"}
COMMON = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin"}
NAMES = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy")
HSTS = "max-age=31536000; includeSubDomains"
FOREIGN = "https://evil.example"
REFUSED = "cross-origin request refused: staff forms and APIs only accept requests from the app's own pages"


@pytest.fixture
def make_client(database_url, monkeypatch):
    def make(**env):
        monkeypatch.setenv("DALEEL_RASA_URL", "http://127.0.0.1:9")  # nothing listens: the chat API answers 502
        for name, value in env.items():
            monkeypatch.setenv(f"DALEEL_{name}", value)
        get_settings.cache_clear()
        return TestClient(create_app())

    yield make
    get_settings.cache_clear()


def security(response) -> dict[str, str]:
    return {name: response.headers[name] for name in NAMES if name in response.headers}


def staff_signed_in(client):
    reply = client.post("/ambassador/sign-in", data={"centre": "dev", "secret": DEV_SECRET}, headers=SAME_ORIGIN)
    assert reply.status_code == 200 and client.cookies.get(STAFF_COOKIE)  # followed to the page
    return client


def manager_signed_in(client):
    reply = client.post("/dashboard/sign-in", data={"password": DEV_TOKEN}, headers=SAME_ORIGIN)
    assert reply.status_code == 200 and client.cookies.get(MANAGER_COOKIE)
    return client


def events(database_url) -> int:
    with db.session(database_url) as session:
        return session.scalar(select(func.count()).select_from(DeflectionEvent))


# --- headers ---------------------------------------------------------------------------------------


def test_the_chat_page_may_be_framed_by_any_site_by_default(make_client):
    page = make_client().get("/chat?embed=1")
    assert page.status_code == 200
    assert security(page) == {"content-security-policy": POLICY + "*", **COMMON}


@pytest.mark.parametrize("path", ["/ambassador/sign-in", "/ambassador/sign-in?lang=ar", "/ambassador"])
def test_ambassador_pages_may_not_be_framed(make_client, path):
    page = make_client().get(path, follow_redirects=False)
    assert page.status_code in (200, 303)
    assert security(page) == {**NO_FRAMES, **COMMON}


def test_the_signed_in_lookup_page_may_not_be_framed(make_client):
    page = staff_signed_in(make_client()).get("/ambassador")
    assert page.status_code == 200 and 'id="q"' in page.text
    assert security(page) == {**NO_FRAMES, **COMMON}


@pytest.mark.parametrize("path", ["/dashboard/sign-in", "/dashboard"])
def test_dashboard_pages_may_not_be_framed_and_allow_plotly_inline_styles(make_client, path):
    client = manager_signed_in(make_client())
    page = client.get(path)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert security(page) == {
        "content-security-policy": DASHBOARD_POLICY + "'none'",
        "x-frame-options": "DENY",
        **COMMON,
    }


@pytest.mark.parametrize("path", ["/api/v1/services", "/healthz", "/static/widget.js", "/api/v1/services/nope"])
def test_api_answers_and_files_may_not_be_framed_either(make_client, path):
    reply = make_client().get(path)
    assert reply.status_code in (200, 404)
    assert security(reply) == {**NO_FRAMES, **COMMON}


def test_the_api_docs_may_not_be_framed_but_keep_their_cdn_scripts(make_client):
    docs = make_client().get("/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    assert security(docs) == {"content-security-policy": "frame-ancestors 'none'", "x-frame-options": "DENY", **COMMON}


def test_the_chat_page_frame_allow_list_is_configurable(make_client):
    partners = ["https://partner.example.ae", "https://*.dubai.gov.ae", "'self'"]
    client = make_client(CHAT_FRAME_ANCESTORS=json.dumps(partners))
    chat = client.get("/chat")
    assert (
        chat.headers["content-security-policy"] == POLICY + "https://partner.example.ae https://*.dubai.gov.ae 'self'"
    )
    assert "x-frame-options" not in chat.headers
    assert security(client.get("/ambassador/sign-in")) == {**NO_FRAMES, **COMMON}


@pytest.mark.parametrize("sources", [["https://partner.example; script-src *"], ["https://a.example, https://b"], []])
def test_a_malformed_frame_allow_list_stops_the_app(database_url, monkeypatch, sources):
    monkeypatch.setenv("DALEEL_CHAT_FRAME_ANCESTORS", json.dumps(sources))
    get_settings.cache_clear()
    with pytest.raises(ValueError, match="DALEEL_CHAT_FRAME_ANCESTORS"):
        TestClient(create_app()).get("/chat")
    get_settings.cache_clear()


def test_no_hsts_outside_production(make_client):
    client = make_client()
    for path in ("/chat", "/ambassador/sign-in", "/api/v1/services"):
        assert "strict-transport-security" not in client.get(path).headers


def test_hsts_on_every_answer_in_production(make_client):
    client = make_client(ENVIRONMENT="production")
    for path in ("/chat", "/ambassador/sign-in", "/dashboard/sign-in", "/api/v1/services", "/static/widget.js"):
        assert client.get(path).headers["strict-transport-security"] == HSTS, path
    refused = client.post("/dashboard/sign-in", data={"password": "x"}, headers={"Origin": FOREIGN})
    assert refused.status_code == 403 and refused.headers["strict-transport-security"] == HSTS


# --- the origin check ------------------------------------------------------------------------------


def test_a_cross_site_sign_in_form_is_refused_with_a_page(make_client):
    client = make_client()
    reply = client.post(
        "/ambassador/sign-in",
        data={"centre": "dev", "secret": DEV_SECRET, "lang": "ar"},
        headers={"Origin": FOREIGN, "Accept": "text/html,application/xhtml+xml", "Accept-Language": "ar"},
        follow_redirects=False,
    )
    assert reply.status_code == 403 and reply.headers["content-type"].startswith("text/html")
    assert 'id="request-refused"' in reply.text and 'lang="ar"' in reply.text
    assert 'href="/ambassador/sign-in?lang=ar"' in reply.text
    assert STAFF_COOKIE not in reply.cookies and security(reply) == {**NO_FRAMES, **COMMON}


def test_a_same_origin_sign_in_form_is_accepted(make_client):
    reply = make_client().post(
        "/ambassador/sign-in",
        data={"centre": "dev", "secret": DEV_SECRET},
        headers={**SAME_ORIGIN, "Accept": "text/html"},
        follow_redirects=False,
    )
    assert reply.status_code == 303 and reply.cookies.get(STAFF_COOKIE)


@pytest.mark.parametrize(
    "headers, status",
    [
        ({"Referer": f"{ORIGIN}/ambassador/sign-in?lang=en"}, 303),  # no Origin: the Referer's origin
        ({"Referer": f"{FOREIGN}/ambassador/sign-in"}, 403),
        ({"Origin": "null"}, 403),  # a sandboxed frame or a privacy-stripped origin
        ({"Origin": "http://testserver.evil.example"}, 403),
        ({"Origin": "http://testserver:8443"}, 403),  # another port is another origin
        ({}, 403),  # neither: not from one of our pages
    ],
)
def test_without_origin_the_referer_decides_and_nothing_at_all_is_refused(make_client, headers, status):
    reply = make_client().post(
        "/ambassador/sign-in", data={"centre": "dev", "secret": DEV_SECRET}, headers=headers, follow_redirects=False
    )
    assert reply.status_code == status
    if status == 403:
        assert reply.json() == {"detail": REFUSED}


def test_the_staff_api_refuses_a_cross_site_call_with_the_session_cookie(make_client, database_url):
    client = staff_signed_in(make_client())
    body = {"service_id": "rta.driving_licence.renew"}
    refused = client.post("/api/v1/ambassador/deflections", json=body, headers={"Origin": FOREIGN})
    assert refused.status_code == 403 and refused.json() == {"detail": REFUSED}
    assert events(database_url) == 0
    accepted = client.post("/api/v1/ambassador/deflections", json=body, headers=SAME_ORIGIN)
    assert accepted.status_code == 201 and events(database_url) == 1


def test_a_cross_site_sign_out_does_not_sign_the_manager_out(make_client):
    client = manager_signed_in(make_client())
    refused = client.post("/dashboard/sign-out", headers={"Origin": FOREIGN, "Accept": "text/html"})
    assert refused.status_code == 403 and 'href="/dashboard/sign-in?lang=en"' in refused.text
    assert client.get("/dashboard", follow_redirects=False).status_code == 200
    client.post("/dashboard/sign-out", headers=SAME_ORIGIN)
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_configured_app_origins_replace_the_request_host(make_client):
    client = make_client(APP_ORIGINS=json.dumps(["https://daleel.example.ae/"]))
    form = {"centre": "dev", "secret": DEV_SECRET}
    behind_the_balancer = client.post(
        "/ambassador/sign-in", data=form, headers={"Origin": "https://daleel.example.ae"}, follow_redirects=False
    )
    assert behind_the_balancer.status_code == 303
    assert client.post("/ambassador/sign-in", data=form, headers=SAME_ORIGIN).status_code == 403
    assert (
        client.post("/ambassador/sign-in", data=form, headers={"Origin": "http://daleel.example.ae"}).status_code == 403
    )


def test_a_bearer_call_without_our_cookies_is_not_checked(make_client):
    """Staff APIs take only GETs today: a POST reaches the router (405) only when the check lets it."""
    client = make_client()
    bearer = {"Authorization": f"Bearer {DEV_TOKEN}", "Origin": FOREIGN}
    assert client.post("/api/v1/metrics/deflections", headers=bearer).status_code == 405
    manager_signed_in(client)
    assert client.post("/api/v1/metrics/deflections", headers=bearer).status_code == 403


def test_customer_chat_api_and_webhooks_are_not_checked(make_client):
    client = make_client(WHATSAPP_APP_SECRET="s", WHATSAPP_VERIFY_TOKEN="v")
    foreign = {"Origin": FOREIGN}
    chat = client.post("/api/v1/chat", json={"sender": "abcdefgh12", "message": "hello"}, headers=foreign)
    assert chat.status_code == 502  # it reached the proxy: Rasa is not running here
    assert client.post("/api/v1/route", json={"text": "renew my driving licence"}, headers=foreign).status_code == 200
    webhook = client.post("/webhooks/whatsapp", content=b"{}", headers=foreign)
    assert webhook.status_code == 401 and webhook.json()["detail"] == "missing X-Hub-Signature-256 header"
