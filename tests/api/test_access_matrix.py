"""Who may call what: every route of the app (the OpenAPI schema's and the pages outside it), as each
role, gets the status of the table below. A route without an entry fails; so does an entry without
a route. One fresh SQLite database per role; each call from a fresh client signed in as the role
(sign-outs must not end the next call's session), from the app's own origin as a browser would.

Roles: anonymous; an ambassador signed in at /ambassador/sign-in with a centre's code; an agent
signed in at /agent/sign-in with a team's code; a manager with the dashboard token as a bearer
token; a manager signed in at /dashboard/sign-in. Each role's database holds one waiting hand-off
(shown, taken) and one its agents' team holds already (replied to; handed back and closed fail with
a 502 since no Rasa runs here)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from bot.api.main import create_app
from bot.settings import get_settings
from bot.store import handoffs
from bot.store.deflections import record_handoff
from tests.support import twilio
from tests.support.web import SAME_ORIGIN
from tests.support.whatsapp import SECRET, VERIFY_TOKEN, payload, sign

ANON, STAFF, AGENT, BEARER, SESSION = "anonymous", "ambassador", "agent", "manager (bearer)", "manager (session)"
ROLES = (ANON, STAFF, AGENT, BEARER, SESSION)
CENTRE, CODE, TOKEN = "deira", "deira-matrix-code", "matrix-manager-token"
TEAM, TEAM_CODE = "contact-centre", "contact-centre-matrix-code"
WAITING, HELD = 1, 2  # the hand-offs make_app writes
SERVICE = "rta.driving_licence.renew"
STATUS_BODY = json.dumps(payload("status")).encode()
TWILIO_STATUS = twilio.form("status")


@dataclass(frozen=True)
class Call:
    """The concrete request made for a route."""

    path: str
    params: dict = field(default_factory=dict)
    json: dict | None = None
    data: dict | None = None
    content: bytes | None = None
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Expect:
    allowed: bool
    status: int


def ok(status: int = 200) -> Expect:
    return Expect(True, status)


def no(status: int) -> Expect:
    return Expect(False, status)


def everyone(expect: Expect) -> dict[str, Expect]:
    return dict.fromkeys(ROLES, expect)


def only(roles: tuple[str, ...], allowed: Expect, refused: Expect) -> dict[str, Expect]:
    return {role: allowed if role in roles else refused for role in ROLES}


STAFF_ONLY = (STAFF,)
AGENTS = (AGENT,)
MANAGERS = (BEARER, SESSION)
HANDOFFS = "/api/v1/agent/handoffs"
METRICS = {"from": "2025-03-10", "to": "2025-03-12"}
PUBLIC_GET = {
    "/openapi.json": Call("/openapi.json"),
    "/docs": Call("/docs"),
    "/docs/oauth2-redirect": Call("/docs/oauth2-redirect"),
    "/redoc": Call("/redoc"),
}

# (method, route path) -> (the request, the expected status per role).
TABLE: dict[tuple[str, str], tuple[Call, dict[str, Expect]]] = {
    **{("GET", path): (call, everyone(ok())) for path, call in PUBLIC_GET.items()},
    **{("HEAD", path): (call, everyone(ok())) for path, call in PUBLIC_GET.items()},
    ("GET", "/healthz"): (Call("/healthz"), everyone(ok())),
    # Prometheus scrapes from inside the deployment; the balancer does not route /metrics.
    ("GET", "/metrics"): (Call("/metrics"), everyone(ok())),
    ("POST", "/api/v1/route"): (Call("/api/v1/route", json={"text": "renew my driving licence"}), everyone(ok())),
    ("GET", "/api/v1/services"): (Call("/api/v1/services", {"entity": "rta"}), everyone(ok())),
    ("GET", "/api/v1/services/search"): (Call("/api/v1/services/search", {"q": "licence"}), everyone(ok())),
    ("GET", "/api/v1/services/{service_id}"): (Call(f"/api/v1/services/{SERVICE}"), everyone(ok())),
    ("GET", "/api/v1/entities"): (Call("/api/v1/entities"), everyone(ok())),
    ("GET", "/api/v1/entities/{code}"): (Call("/api/v1/entities/rta"), everyone(ok())),
    ("GET", "/api/v1/qr"): (
        Call("/api/v1/qr", {"url": "https://www.rta.ae/wps/portal/rta/ae/home/rta-services"}),
        everyone(ok()),
    ),
    # Open to customers; 502 because it reached the proxy and no Rasa runs here.
    ("POST", "/api/v1/chat"): (
        Call("/api/v1/chat", json={"sender": "matrix-sender", "message": "hi"}),
        everyone(ok(502)),
    ),
    ("POST", "/api/v1/ambassador/deflections"): (
        Call("/api/v1/ambassador/deflections", json={"service_id": SERVICE}),
        only(STAFF_ONLY, ok(201), no(401)),
    ),
    # The widget polls for a person's replies: open to customers, like the chat itself.
    ("POST", "/api/v1/chat/agent-messages"): (
        Call("/api/v1/chat/agent-messages", json={"sender": "matrix-sender", "after": 0}),
        everyone(ok()),
    ),
    ("GET", HANDOFFS): (Call(HANDOFFS), only(AGENTS, ok(), no(401))),
    ("GET", HANDOFFS + "/{handoff_id}"): (Call(f"{HANDOFFS}/{WAITING}"), only(AGENTS, ok(), no(401))),
    ("POST", HANDOFFS + "/{handoff_id}/take"): (Call(f"{HANDOFFS}/{WAITING}/take"), only(AGENTS, ok(), no(401))),
    ("POST", HANDOFFS + "/{handoff_id}/reply"): (
        Call(f"{HANDOFFS}/{HELD}/reply", json={"text": "hello from the matrix"}),
        only(AGENTS, ok(201), no(401)),
    ),
    ("POST", HANDOFFS + "/{handoff_id}/hand-back"): (
        Call(f"{HANDOFFS}/{HELD}/hand-back"),
        only(AGENTS, ok(502), no(401)),
    ),
    ("POST", HANDOFFS + "/{handoff_id}/close"): (Call(f"{HANDOFFS}/{HELD}/close"), only(AGENTS, ok(502), no(401))),
    ("GET", "/api/v1/metrics/deflections"): (
        Call("/api/v1/metrics/deflections", METRICS),
        only(MANAGERS, ok(), no(401)),
    ),
    ("GET", "/api/v1/metrics/deflections.csv"): (
        Call("/api/v1/metrics/deflections.csv", METRICS),
        only(MANAGERS, ok(), no(401)),
    ),
    ("GET", "/api/v1/metrics/handoffs"): (Call("/api/v1/metrics/handoffs", METRICS), only(MANAGERS, ok(), no(401))),
    ("GET", "/api/v1/metrics/funnel"): (Call("/api/v1/metrics/funnel", METRICS), only(MANAGERS, ok(), no(401))),
    ("GET", "/api/v1/metrics/deflections/day-over-day"): (
        Call("/api/v1/metrics/deflections/day-over-day"),
        only(MANAGERS, ok(), no(401)),
    ),
    # Meta's calls: the verify token and the body's signature decide, never a staff session.
    ("GET", "/webhooks/whatsapp"): (
        Call(
            "/webhooks/whatsapp",
            {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "matrix"},
        ),
        everyone(ok()),
    ),
    ("POST", "/webhooks/whatsapp"): (
        Call(
            "/webhooks/whatsapp",
            content=STATUS_BODY,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(STATUS_BODY, SECRET)},
        ),
        everyone(ok()),
    ),
    ("POST", "/webhooks/twilio"): (
        Call(
            "/webhooks/twilio",
            content=urlencode(TWILIO_STATUS).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": twilio.sign(twilio.URL, TWILIO_STATUS, twilio.AUTH_TOKEN),
            },
        ),
        everyone(ok()),
    ),
    ("GET", "/chat"): (Call("/chat", {"embed": "1"}), everyone(ok())),
    ("GET", "/static/{name}"): (Call("/static/widget.js"), everyone(ok())),
    ("GET", "/ambassador"): (Call("/ambassador"), only(STAFF_ONLY, ok(), no(303))),
    ("GET", "/ambassador/sign-in"): (Call("/ambassador/sign-in"), everyone(ok())),
    # A wrong code is refused whoever is signed in already.
    ("POST", "/ambassador/sign-in"): (
        Call("/ambassador/sign-in", data={"centre": CENTRE, "secret": "wrong"}),
        everyone(no(401)),
    ),
    ("POST", "/ambassador/sign-out"): (Call("/ambassador/sign-out", data={"lang": "en"}), everyone(ok(303))),
    ("GET", "/agent"): (Call("/agent"), only(AGENTS, ok(), no(303))),
    ("GET", "/agent/sign-in"): (Call("/agent/sign-in"), everyone(ok())),
    ("POST", "/agent/sign-in"): (Call("/agent/sign-in", data={"team": TEAM, "secret": "wrong"}), everyone(no(401))),
    ("POST", "/agent/sign-out"): (Call("/agent/sign-out", data={"lang": "en"}), everyone(ok(303))),
    # The page takes the session only; the bearer token is for the API.
    ("GET", "/dashboard"): (Call("/dashboard"), only((SESSION,), ok(), no(303))),
    ("GET", "/dashboard/sign-in"): (Call("/dashboard/sign-in"), everyone(ok())),
    ("POST", "/dashboard/sign-in"): (Call("/dashboard/sign-in", data={"password": "wrong"}), everyone(no(401))),
    ("POST", "/dashboard/sign-out"): (Call("/dashboard/sign-out"), everyone(ok(303))),
    ("GET", "/dashboard/assets/{name}"): (Call("/dashboard/assets/dashboard.js"), everyone(ok())),
}


def app_routes(app) -> set[tuple[str, str]]:
    """(method, path) of every route. FastAPI 0.16x wraps included routers (no .path on app.routes):
    iter_route_contexts unwraps them; older versions list the routes themselves."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:
        routes = list(app.routes)
    else:
        routes = list(iter_route_contexts(app.routes))
    pathless = [repr(r) for r in routes if not getattr(r, "path", None)]
    assert not pathless, f"routes without a path (a mount?): give them entries by hand: {pathless}"
    return {(method, route.path) for route in routes for method in route.methods or ()}


def schema_routes(app) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in app.openapi()["paths"].items() for method in item}


@pytest.fixture
def make_app(database_url, monkeypatch, router):
    def make():
        settings = {
            "AMBASSADOR_SECRETS": json.dumps({CENTRE: CODE}),
            "AGENT_SECRETS": json.dumps({TEAM: TEAM_CODE}),
            "SESSION_SECRET": "matrix-session-secret",
            "DASHBOARD_TOKEN": TOKEN,
            "WHATSAPP_APP_SECRET": SECRET,
            "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
            "TWILIO_ACCOUNT_SID": twilio.ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": twilio.AUTH_TOKEN,
            "RASA_URL": "http://127.0.0.1:9",  # nothing listens there
        }
        for name, value in settings.items():
            monkeypatch.setenv(f"DALEEL_{name}", value)
        get_settings.cache_clear()
        for handoff_id in (WAITING, HELD):
            record_handoff(f"web-matrix-{handoff_id}", SERVICE, "customer_asked", channel="web")
        handoffs.take(HELD, TEAM)
        return create_app()

    yield make
    get_settings.cache_clear()


def as_role(app, role: str) -> TestClient:
    client = TestClient(app, headers=SAME_ORIGIN)
    if role == STAFF:
        signed = client.post("/ambassador/sign-in", data={"centre": CENTRE, "secret": CODE}, follow_redirects=False)
        assert signed.status_code == 303, signed.text
    elif role == AGENT:
        signed = client.post("/agent/sign-in", data={"team": TEAM, "secret": TEAM_CODE}, follow_redirects=False)
        assert signed.status_code == 303, signed.text
    elif role == SESSION:
        signed = client.post("/dashboard/sign-in", data={"password": TOKEN}, follow_redirects=False)
        assert signed.status_code == 303, signed.text
    elif role == BEARER:
        client.headers["Authorization"] = f"Bearer {TOKEN}"
    return client


def test_every_route_has_an_entry_and_every_entry_a_route(make_app):
    app = make_app()
    routes = app_routes(app)
    assert schema_routes(app) <= routes, f"the walk missed schema routes: {sorted(schema_routes(app) - routes)}"
    missing = sorted(routes - TABLE.keys())
    assert not missing, "no access-matrix entry for: " + ", ".join(f"{m} {p}" for m, p in missing)
    stale = sorted(TABLE.keys() - routes)
    assert not stale, "access-matrix entries for routes that do not exist: " + ", ".join(f"{m} {p}" for m, p in stale)
    assert all(set(expect) == set(ROLES) for _, expect in TABLE.values())


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_the_role_as_the_table_says(make_app, role):
    app = make_app()
    wrong = []
    for (method, route), (call, expect) in TABLE.items():
        reply = as_role(app, role).request(
            method,
            call.path,
            params=call.params,
            json=call.json,
            data=call.data,
            content=call.content,
            headers=call.headers,
            follow_redirects=False,
        )
        expected = expect[role]
        if reply.status_code != expected.status:
            wrong.append(f"{method} {route}: expected {expected.status}, got {reply.status_code} {reply.text[:120]!r}")
        elif not expected.allowed and reply.status_code == 303 and "/sign-in" not in reply.headers["location"]:
            wrong.append(f"{method} {route}: refused, but redirected to {reply.headers['location']!r}, not a sign-in")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
