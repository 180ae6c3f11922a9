"""The agent console: team sign-in, the queue, take (atomic), reply on the customer's channel, hand
back and close, and the bad input around them (real SQLite per test, fake Rasa API, fake Graph API)."""

from __future__ import annotations

import json
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.api.main import create_app
from bot.api.sessions import AGENT_COOKIE, DEV_AGENT_SECRET, DEV_TEAM
from bot.channels.pseudonym import pseudonym
from bot.channels.whatsapp import outbox
from bot.channels.whatsapp.graph import GraphClient
from bot.channels.whatsapp.handler import handle
from bot.channels.whatsapp.payload import Incoming
from bot.settings import get_settings
from bot.store import db, handoffs
from bot.store.deflections import record_handoff
from bot.store.models import AgentReply, Handoff, HandoffStep, OutboxMessage
from tests.support.rasa_api import TOKEN, FakeRasaApi
from tests.support.web import SAME_ORIGIN
from tests.support.whatsapp import ACCESS_TOKEN, PHONE_NUMBER_ID, FakeGraph, FakeRasa

TEAMS = {"contact-centre": "cc-code-123456", "rta-desk": "rta-code-654321"}
SERVICE = "rta.driving_licence.renew"
WEB_SENDER = "widget-sender-1"
NUMBER = "971501234567"
API = "/api/v1/agent/handoffs"


@pytest.fixture
def rasa():
    fake = FakeRasaApi().start()
    yield fake
    fake.stop()


@pytest.fixture
def graph():
    fake = FakeGraph().start()
    yield fake
    fake.stop()


@pytest.fixture
def make_client(database_url, monkeypatch, rasa, graph):
    def make(teams=TEAMS, **env):
        values = {
            "DALEEL_RASA_URL": rasa.url,
            "DALEEL_RASA_TOKEN": TOKEN,
            "DALEEL_WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
            "DALEEL_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "DALEEL_GRAPH_API_URL": graph.url,
            "DALEEL_WHATSAPP_SEND_ATTEMPTS": "2",
            "DALEEL_WHATSAPP_RETRY_INITIAL_SECONDS": "0.01",
            "DALEEL_WHATSAPP_RETRY_MAX_SECONDS": "0.02",
            **env,
        }
        if teams is not None:
            values["DALEEL_AGENT_SECRETS"] = json.dumps(teams)
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        return TestClient(create_app(), headers=SAME_ORIGIN)

    yield make
    get_settings.cache_clear()


def signed_in(client: TestClient, team: str = "contact-centre", secret: str | None = None) -> TestClient:
    reply = client.post(
        "/agent/sign-in", follow_redirects=False, data={"team": team, "secret": secret or TEAMS[team], "lang": "en"}
    )
    assert reply.status_code == 303 and reply.headers["location"] == "/agent?lang=en", reply.text
    return client


@pytest.fixture
def agent(make_client):
    return signed_in(make_client())


@pytest.fixture
def other_team(agent):
    """A second agent, of the other team, on the same app."""
    return signed_in(TestClient(agent.app, headers=SAME_ORIGIN), "rta-desk")


def web_handoff(sender: str = WEB_SENDER, language: str = "en") -> int:
    record_handoff(f"web-{sender}", SERVICE, "customer_asked", channel="web", language=language)
    return _latest()


def whatsapp_handoff(number: str = NUMBER) -> int:
    record_handoff(pseudonym(number), SERVICE, "cannot_use_app", channel="whatsapp", language="ar")
    handoffs.attach_recipient(pseudonym(number), number)
    return _latest()


def _latest() -> int:
    with db.session() as session:
        return session.scalars(select(Handoff.id).order_by(Handoff.id.desc())).first()


def row(handoff_id: int) -> Handoff:
    with db.session() as session:
        return session.get(Handoff, handoff_id)


def steps(handoff_id: int) -> list[str]:
    with db.session() as session:
        return list(
            session.scalars(
                select(HandoffStep.step).where(HandoffStep.handoff_id == handoff_id).order_by(HandoffStep.id)
            )
        )


def count(model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


# --- sign-in ------------------------------------------------------------------------------------


def test_sign_in_opens_the_console_and_the_cookie_is_the_agents_own(make_client):
    client = make_client()
    assert client.get("/agent", follow_redirects=False).headers["location"] == "/agent/sign-in?lang=en"
    assert client.get(API).status_code == 401
    form = client.get("/agent/sign-in")
    assert '<option value="contact-centre">' in form.text and '<option value="rta-desk">' in form.text
    signed_in(client)
    cookie = client.cookies.get(AGENT_COOKIE)
    assert cookie and TEAMS["contact-centre"] not in cookie
    page = client.get("/agent")
    assert page.status_code == 200 and 'id="queue"' in page.text and "contact-centre" in page.text
    assert client.get(API).json() == {"team": "contact-centre", "handoffs": []}


def test_a_wrong_code_or_another_teams_code_is_refused(make_client):
    client = make_client()
    for team, secret in (("contact-centre", "wrong"), ("contact-centre", TEAMS["rta-desk"]), ("nobody", "x")):
        reply = client.post("/agent/sign-in", data={"team": team, "secret": secret}, follow_redirects=False)
        assert reply.status_code == 401 and 'id="sign-in-error"' in reply.text
    assert client.get(API).status_code == 401


def test_an_ambassadors_session_is_no_agents(make_client):
    client = make_client()
    assert (
        client.post(
            "/ambassador/sign-in", data={"centre": "dev", "secret": "daleel-dev-ambassador"}, follow_redirects=False
        ).status_code
        == 303
    )
    assert client.get(API).status_code == 401


def test_development_opens_the_dev_team_when_none_is_set(make_client):
    client = make_client(teams=None)
    reply = client.post("/agent/sign-in", data={"team": DEV_TEAM, "secret": DEV_AGENT_SECRET}, follow_redirects=False)
    assert reply.status_code == 303
    assert client.get(API).status_code == 200


def test_production_without_team_codes_keeps_the_console_closed(make_client, monkeypatch):
    from tests.support.production import PRODUCTION_ENV

    client = make_client(teams=None, **PRODUCTION_ENV)
    page = client.get("/agent/sign-in")
    assert 'id="sign-in-closed"' in page.text
    reply = client.post("/agent/sign-in", data={"team": DEV_TEAM, "secret": DEV_AGENT_SECRET}, follow_redirects=False)
    assert reply.status_code == 503


def test_changing_a_teams_code_signs_its_agents_out(make_client, monkeypatch):
    client = signed_in(make_client())
    assert client.get(API).status_code == 200
    monkeypatch.setenv("DALEEL_AGENT_SECRETS", json.dumps({**TEAMS, "contact-centre": "a-new-code-999"}))
    get_settings.cache_clear()
    assert client.get(API).status_code == 401


# --- the queue and one hand-off ---------------------------------------------------------------------


def test_the_queue_shows_language_channel_service_reason_and_waiting_time(agent):
    first, second = web_handoff(), whatsapp_handoff()
    [a, b] = agent.get(API).json()["handoffs"]
    assert (a["id"], a["state"], a["channel"], a["language"], a["reason"]) == (
        first,
        "waiting",
        "web",
        "en",
        "customer_asked",
    )
    assert (b["id"], b["channel"], b["language"], b["reason"]) == (second, "whatsapp", "ar", "cannot_use_app")
    assert a["service_id"] == SERVICE and a["service_name_en"] and a["service_name_ar"]
    assert a["waiting_seconds"] >= 0 and a["handling_seconds"] is None
    assert "recipient" not in b and "conversation_id" not in b  # nothing that reaches the customer leaves the app


def test_one_handoff_shows_the_last_messages_of_the_conversation_masked(agent, rasa):
    handoff_id = web_handoff()
    rasa.trackers[f"web-{WEB_SENDER}"] = [
        {"event": "action", "name": "action_listen", "timestamp": 1.0},
        {"event": "user", "text": "my number is 0501234567, I want a person", "timestamp": 2.0},
        {"event": "bot", "text": "A colleague will answer you here.", "timestamp": 3.0},
        {"event": "pause", "timestamp": 3.5},
        {"event": "user", "text": "hello? my email is a.b@example.com", "timestamp": 4.0},
    ]
    detail = agent.get(f"{API}/{handoff_id}").json()
    assert detail["messages_available"] is True
    assert [(m["sender"], m["text"]) for m in detail["messages"]] == [
        ("customer", "my number is ***, I want a person"),
        ("assistant", "A colleague will answer you here."),
        ("customer", "hello? my email is ***"),
    ]


def test_the_conversation_unreadable_still_shows_the_handoff(agent, rasa):
    handoff_id = web_handoff()
    rasa.down = True
    detail = agent.get(f"{API}/{handoff_id}")
    assert detail.status_code == 200 and detail.json()["messages_available"] is False


@pytest.mark.parametrize("action", ["take", "reply", "hand-back", "close"])
def test_an_unknown_handoff_is_a_404(agent, action):
    assert agent.get(f"{API}/999").status_code == 404
    body = {"text": "hello"} if action == "reply" else None
    reply = agent.post(f"{API}/999/{action}", json=body)
    assert reply.status_code == 404 and reply.json()["detail"] == "no hand-off with id 999"


# --- take ---------------------------------------------------------------------------------------------


def test_take_then_another_team_gets_a_clear_409(agent, other_team):
    handoff_id = web_handoff()
    taken = agent.post(f"{API}/{handoff_id}/take")
    assert taken.status_code == 200 and taken.json()["state"] == "taken" and taken.json()["team"] == "contact-centre"
    again = other_team.post(f"{API}/{handoff_id}/take")
    assert again.status_code == 409 and "taken by the team 'contact-centre'" in again.json()["detail"]
    same = agent.post(f"{API}/{handoff_id}/take")
    assert same.status_code == 409 and "taken already" in same.json()["detail"]
    assert steps(handoff_id) == ["waiting", "taken"]


# --- reply --------------------------------------------------------------------------------------------


def test_a_web_reply_reaches_the_widget_once_masked(agent, make_client):
    handoff_id = web_handoff()
    agent.post(f"{API}/{handoff_id}/take")
    key = uuid.uuid4().hex
    sent = agent.post(f"{API}/{handoff_id}/reply", json={"text": "Call me back on 0501234567?", "request_key": key})
    assert sent.status_code == 201 and sent.json()["created"] is True
    repeated = agent.post(f"{API}/{handoff_id}/reply", json={"text": "Call me back on 0501234567?", "request_key": key})
    assert repeated.status_code == 200 and repeated.json() == {**sent.json(), "created": False}
    assert count(AgentReply) == 1 and steps(handoff_id) == ["waiting", "taken", "replied"]
    widget = TestClient(agent.app)  # the customer: no cookie, no origin
    polled = widget.post("/api/v1/chat/agent-messages", json={"sender": WEB_SENDER, "after": 0})
    assert polled.status_code == 200
    [message] = polled.json()["messages"]
    assert message["text"] == "Call me back on ***?"
    shown = widget.post("/api/v1/chat/agent-messages", json={"sender": WEB_SENDER, "after": message["id"]})
    assert shown.json() == {"messages": []}
    other = widget.post("/api/v1/chat/agent-messages", json={"sender": "another-sender", "after": 0})
    assert other.json() == {"messages": []}  # another conversation sees nothing
    with db.session() as session:
        assert session.scalars(select(AgentReply.acknowledged_at)).one() is not None


@pytest.mark.parametrize("after", [-1, 2**63, "x"])
def test_the_widget_poll_refuses_an_id_no_store_can_hold(agent, after):
    widget = TestClient(agent.app)
    polled = widget.post("/api/v1/chat/agent-messages", json={"sender": WEB_SENDER, "after": after})
    assert polled.status_code == 422


def test_a_whatsapp_reply_reaches_the_graph_api_once(agent, graph):
    handoff_id = whatsapp_handoff()
    agent.post(f"{API}/{handoff_id}/take")
    key = uuid.uuid4().hex
    for status in (201, 200):
        sent = agent.post(f"{API}/{handoff_id}/reply", json={"text": "مرحبا، أنا معك", "request_key": key})
        assert sent.status_code == status and sent.json()["queued"] is False
    assert [(m["to"], m["text"]["body"]) for m in graph.delivered] == [(NUMBER, "مرحبا، أنا معك")]


def test_a_whatsapp_reply_the_graph_api_refuses_waits_in_the_outbox(agent, graph):
    handoff_id = whatsapp_handoff()
    agent.post(f"{API}/{handoff_id}/take")
    graph.always_fail = True
    sent = agent.post(f"{API}/{handoff_id}/reply", json={"text": "One moment please"})
    assert sent.status_code == 201 and sent.json()["queued"] is True
    assert graph.delivered == [] and count(OutboxMessage) == 1
    graph.always_fail = False
    report = outbox.resend(GraphClient.from_settings(get_settings()))
    assert report.sent == 1 and [m["text"]["body"] for m in graph.delivered] == ["One moment please"]
    assert outbox.resend(GraphClient.from_settings(get_settings())).sent == 0  # not twice


@pytest.mark.parametrize(
    ("text", "why"),
    [("", "at least 1 character"), ("   \n ", "the reply is empty"), ("x" * 4097, "at most 4096 characters")],
)
def test_an_empty_or_oversized_reply_is_a_422_and_sends_nothing(agent, graph, text, why):
    handoff_id = whatsapp_handoff()
    agent.post(f"{API}/{handoff_id}/take")
    reply = agent.post(f"{API}/{handoff_id}/reply", json={"text": text})
    assert reply.status_code == 422 and why in json.dumps(reply.json())
    assert graph.requests == [] and count(AgentReply) == 0


def test_a_reply_before_taking_or_by_another_team_is_a_409(agent, other_team, graph):
    handoff_id = whatsapp_handoff()
    early = agent.post(f"{API}/{handoff_id}/reply", json={"text": "hello"})
    assert early.status_code == 409 and "take it first" in early.json()["detail"]
    agent.post(f"{API}/{handoff_id}/take")
    foreign = other_team.post(f"{API}/{handoff_id}/reply", json={"text": "hello"})
    assert foreign.status_code == 409 and "taken by the team" in foreign.json()["detail"]
    assert graph.requests == [] and count(AgentReply) == 0


@pytest.mark.parametrize("end", ["hand-back", "close"])
def test_a_reply_after_the_end_is_a_409_and_sends_nothing(agent, graph, rasa, end):
    handoff_id = whatsapp_handoff()
    agent.post(f"{API}/{handoff_id}/take")
    assert agent.post(f"{API}/{handoff_id}/{end}").status_code == 200
    late = agent.post(f"{API}/{handoff_id}/reply", json={"text": "are you there?"})
    state = "handed back" if end == "hand-back" else "closed"
    assert late.status_code == 409 and f"is {state}" in late.json()["detail"]
    assert graph.requests == [] and count(AgentReply) == 0
    again = agent.post(f"{API}/{handoff_id}/{end}")
    assert again.status_code == 409 and len(rasa.posted) == 1


def test_a_whatsapp_handoff_without_the_number_is_refused_not_lost(agent, graph):
    record_handoff(pseudonym(NUMBER), SERVICE, "customer_asked", channel="whatsapp")
    handoff_id = _latest()
    agent.post(f"{API}/{handoff_id}/take")
    reply = agent.post(f"{API}/{handoff_id}/reply", json={"text": "hello"})
    assert reply.status_code == 409 and "number is not known" in reply.json()["detail"]
    assert count(AgentReply) == 0


# --- hand back, close -------------------------------------------------------------------------------


def test_hand_back_resumes_the_conversation_in_rasa_and_forgets_its_ids(agent, rasa):
    handoff_id = whatsapp_handoff()
    agent.post(f"{API}/{handoff_id}/take")
    back = agent.post(f"{API}/{handoff_id}/hand-back")
    assert back.status_code == 200 and back.json()["state"] == "handed_back"
    assert back.json()["handling_seconds"] >= 0
    assert rasa.posted == [(pseudonym(NUMBER), [{"event": "resume"}])]  # with the token (the fake checks it)
    ended = row(handoff_id)
    assert (ended.conversation_id, ended.recipient, ended.state) == ("", "", "handed_back")
    assert steps(handoff_id) == ["waiting", "taken", "handed_back"]
    detail = agent.get(f"{API}/{handoff_id}").json()
    assert detail["messages_available"] is False and detail["state"] == "handed_back"


def test_close_also_resumes_so_the_customer_is_never_left_unanswered(agent, rasa):
    handoff_id = web_handoff()
    agent.post(f"{API}/{handoff_id}/take")
    assert agent.post(f"{API}/{handoff_id}/close").json()["state"] == "closed"
    assert rasa.posted == [(f"web-{WEB_SENDER}", [{"event": "resume"}])]
    assert steps(handoff_id) == ["waiting", "taken", "closed"]


def test_hand_back_while_rasa_is_down_is_a_502_and_changes_nothing(agent, rasa):
    handoff_id = web_handoff()
    agent.post(f"{API}/{handoff_id}/take")
    rasa.down = True
    reply = agent.post(f"{API}/{handoff_id}/hand-back")
    assert reply.status_code == 502 and "nothing was changed" in reply.json()["detail"]
    assert row(handoff_id).state == "taken" and row(handoff_id).conversation_id
    rasa.down = False
    assert agent.post(f"{API}/{handoff_id}/hand-back").status_code == 200


def test_hand_back_of_a_waiting_or_foreign_handoff_is_a_409(agent, other_team, rasa):
    handoff_id = web_handoff()
    assert agent.post(f"{API}/{handoff_id}/hand-back").status_code == 409
    agent.post(f"{API}/{handoff_id}/take")
    assert other_team.post(f"{API}/{handoff_id}/close").status_code == 409
    assert rasa.posted == []


def test_a_cross_site_take_is_refused(agent):
    handoff_id = web_handoff()
    reply = agent.post(f"{API}/{handoff_id}/take", headers={"Origin": "https://evil.example"})
    assert reply.status_code == 403 and row(handoff_id).state == "waiting"


# --- the WhatsApp connector ---------------------------------------------------------------------------


def test_the_whatsapp_connector_gives_an_open_handoff_its_number_and_stays_silent_while_paused(database_url, graph):
    record_handoff(pseudonym(NUMBER), SERVICE, "customer_asked", channel="whatsapp")
    paused = FakeRasa(replies=[])  # Rasa answers nothing while the conversation is paused
    client = GraphClient(url=f"{graph.url}/{PHONE_NUMBER_ID}/messages", token=ACCESS_TOKEN, attempts=1)
    handle(Incoming("wamid.1", NUMBER, "text", "hello? anyone?", "text"), paused, client)
    assert row(_latest()).recipient == NUMBER
    assert graph.requests == []  # no bot reply over the agent


# --- the times on the metrics API ---------------------------------------------------------------------


def test_the_metrics_api_gives_count_and_median_waiting_and_handling_times(agent, rasa):
    first, second = web_handoff(), web_handoff("widget-sender-2")
    agent.post(f"{API}/{first}/take")
    agent.post(f"{API}/{first}/hand-back")
    agent.post(f"{API}/{second}/take")
    manager = {"Authorization": "Bearer daleel-dev-dashboard"}
    report = agent.get("/api/v1/metrics/handoffs", headers=manager).json()
    assert (report["count"], report["taken"], report["ended"]) == (2, 2, 1)
    assert report["median_waiting_seconds"] >= 0 and report["median_handling_seconds"] >= 0
    assert agent.get("/api/v1/metrics/handoffs").status_code == 401  # an agent is no manager
    whatsapp = agent.get("/api/v1/metrics/handoffs", params={"source": "whatsapp"}, headers=manager).json()
    assert whatsapp["count"] == 0 and whatsapp["median_waiting_seconds"] is None
    assert agent.get("/api/v1/metrics/handoffs", params={"source": "fax"}, headers=manager).status_code == 422
