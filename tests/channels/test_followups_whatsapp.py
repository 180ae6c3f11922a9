"""WhatsApp follow-ups ("did it work?"): scheduled after a routed answer, sent once by competing workers,
answered with reply buttons. On SQLite and PostgreSQL, with a fake Graph API server; Rasa is a fake that
also writes the visit's deflection event, as the action server does while Rasa answers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.api.main import create_app
from bot.channels.pseudonym import pseudonym
from bot.channels.whatsapp import followups
from bot.channels.whatsapp.graph import GraphClient
from bot.channels.whatsapp.handler import handle
from bot.channels.whatsapp.messages import message
from bot.channels.whatsapp.payload import Incoming
from bot.settings import get_settings
from bot.store import db
from bot.store.deflections import hash_conversation, record_deflection, record_handoff
from bot.store.handoffs import as_utc
from bot.store.models import DeflectionEvent, Followup, utcnow
from tests.support.metrics_seed import AUTH
from tests.support.web import SAME_ORIGIN
from tests.support.whatsapp import ACCESS_TOKEN, PHONE_NUMBER_ID, SENDER, FakeGraph, FakeRasa

SERVICE = "rta.driving_licence.renew"


class RoutingRasa(FakeRasa):
    """Rasa with its action server: answering writes the visit's deflection event (`outcome`)."""

    def __init__(self, outcome: str | None = "routed"):
        super().__init__()
        self.outcome = outcome

    def __call__(self, sender: str, text: str) -> list[dict]:
        if self.outcome:
            record_deflection(sender, SERVICE, "rta", "RTA Dubai app", "en", "whatsapp", self.outcome)
        return super().__call__(sender, text)


@pytest.fixture
def graph():
    fake = FakeGraph().start()
    yield fake
    fake.stop()


@pytest.fixture
def client(store_url, graph, monkeypatch):
    monkeypatch.setenv("DALEEL_WHATSAPP_FOLLOWUP_DELAY_SECONDS", "3600")
    get_settings.cache_clear()
    yield GraphClient(f"{graph.url}/{PHONE_NUMBER_ID}/messages", ACCESS_TOKEN, timeout=2, attempts=1)
    get_settings.cache_clear()


def text(number: int, body: str = "renew my driving licence") -> Incoming:
    return Incoming(f"wamid.text.{number}", SENDER, "text", body, "text")


def reply(payload: str, number: int = 1, sender: str = SENDER) -> Incoming:
    return Incoming(f"wamid.reply.{number}", sender, "reply", payload, "interactive")


def rows() -> list[Followup]:
    with db.session() as session:
        return list(session.scalars(select(Followup).order_by(Followup.id)))


def outcome() -> str:
    with db.session() as session:
        return session.scalars(select(DeflectionEvent.outcome)).one()


def settings(**values):
    return get_settings().model_copy(update=values)


def scheduled(client) -> Followup:
    handle(text(1), RoutingRasa(), client)
    (row,) = rows()
    return row


def sent(client, graph) -> Followup:
    row = scheduled(client)
    assert followups.send_due(client, get_settings(), now=utcnow() + timedelta(hours=2)).sent == 1
    graph.delivered.clear()
    return row


def test_a_routed_answer_schedules_one_followup_at_the_configured_time(client, graph):
    before = utcnow()
    handle(text(1), RoutingRasa(), client)
    handle(text(2, "and how much is it?"), RoutingRasa(), client)
    (row,) = rows()
    assert row.state == "scheduled" and row.service_id == SERVICE and row.language == "en"
    assert row.conversation_hash == hash_conversation(pseudonym(SENDER)) and row.recipient == SENDER
    assert timedelta(minutes=59) < as_utc(row.due_at) - before < timedelta(minutes=61)
    graph.delivered.clear()
    assert followups.send_due(client, get_settings(), now=utcnow() + timedelta(minutes=30)).sent == 0
    assert graph.delivered == [] and rows()[0].state == "scheduled"


def test_no_followup_after_an_in_person_answer_a_hand_off_or_when_disabled(client, monkeypatch):
    handle(text(1), RoutingRasa("assisted_in_person"), client)
    assert rows() == []
    record_handoff(pseudonym(SENDER), SERVICE, "asked_for_human", "whatsapp")
    handle(text(2), RoutingRasa(), client)
    assert rows() == []
    monkeypatch.setenv("DALEEL_WHATSAPP_FOLLOWUP_DELAY_SECONDS", "0")
    get_settings.cache_clear()
    record_deflection(pseudonym("971500000002"), SERVICE, "rta", "RTA Dubai app", "en", "whatsapp", "routed")
    handle(Incoming("wamid.other", "971500000002", "text", "renew", "text"), FakeRasa(), client)
    assert rows() == []


def test_a_hand_off_after_scheduling_cancels_it_when_the_customer_writes_again(client, graph):
    scheduled(client)
    record_handoff(pseudonym(SENDER), SERVICE, "asked_for_human", "whatsapp")
    handle(text(2, "a person please"), FakeRasa(), client)
    (row,) = rows()
    assert row.state == "cancelled" and row.recipient == ""
    graph.delivered.clear()
    assert followups.send_due(client, get_settings(), now=utcnow() + timedelta(hours=2)).sent == 0
    assert graph.delivered == []


def test_sent_once_by_two_competing_workers_after_a_restart_and_the_number_blanked(client, graph):
    row = scheduled(client)
    graph.delivered.clear()
    db.forget_engines()  # an app restart: new engines and sessions, the schedule is in the database
    due = utcnow() + timedelta(hours=1, minutes=1)
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda _: followups.send_due(client, get_settings(), now=due), range(2)))
    assert sum(r.sent for r in reports) == 1
    (body,) = graph.delivered
    assert body["to"] == SENDER and body["type"] == "interactive"
    ids = [b["reply"]["id"] for b in body["interactive"]["action"]["buttons"]]
    assert ids == [f"followup:yes:{row.id}", f"followup:no:{row.id}"]
    assert body["interactive"]["body"]["text"] == message("followup_question", "en")
    (row,) = rows()
    assert row.state == "sent" and row.recipient == "" and row.sent_at is not None and row.attempts == 1
    assert followups.send_due(client, get_settings(), now=due + timedelta(hours=1)).sent == 0
    assert len(graph.delivered) == 1


def test_outside_the_24_hour_window_only_the_template_is_sent(client, graph):
    scheduled(client)
    graph.delivered.clear()
    late = utcnow() + timedelta(hours=25)
    report = followups.send_due(client, settings(whatsapp_followup_template="daleel_followup"), now=late)
    assert report.sent == 1
    (body,) = graph.delivered
    assert body["type"] == "template" and body["template"]["name"] == "daleel_followup"
    assert body["template"]["language"] == {"code": "en"}
    payloads = [c["parameters"][0]["payload"] for c in body["template"]["components"]]
    assert payloads == [f"followup:yes:{rows()[0].id}", f"followup:no:{rows()[0].id}"]


def test_outside_the_window_without_a_template_it_is_cancelled(client, graph):
    scheduled(client)
    graph.delivered.clear()
    report = followups.send_due(client, get_settings(), now=utcnow() + timedelta(hours=25))
    assert report.cancelled == 1 and graph.delivered == []
    (row,) = rows()
    assert row.state == "cancelled" and row.recipient == ""


def test_a_refused_template_fails_with_the_error_code_and_is_not_sent_again(client, graph):
    scheduled(client)
    graph.always_fail, graph.fail_status = True, 400
    late, template = utcnow() + timedelta(hours=25), settings(whatsapp_followup_template="unknown_template")
    assert followups.send_due(client, template, now=late).failed == 1
    (row,) = rows()
    assert row.state == "failed" and row.last_error == "http 400 code 2" and row.recipient == ""
    attempts = len(graph.requests)
    assert followups.send_due(client, template, now=late + timedelta(hours=1)).failed == 0
    assert len(graph.requests) == attempts


def test_an_outage_is_tried_again_until_the_attempt_limit(client, graph):
    scheduled(client)
    graph.always_fail = True  # 503
    limited, due = settings(whatsapp_followup_max_attempts=2), utcnow() + timedelta(hours=2)
    assert followups.send_due(client, limited, now=due).retry == 1
    assert rows()[0].state == "scheduled" and rows()[0].recipient == SENDER
    assert followups.send_due(client, limited, now=due + timedelta(minutes=5)).failed == 1
    assert rows()[0].state == "failed" and rows()[0].recipient == ""


def test_yes_makes_the_visit_confirmed_on_the_metrics_api(client, graph):
    row = sent(client, graph)
    rasa = RoutingRasa()
    handle(reply(f"followup:yes:{row.id}"), rasa, client)
    assert rasa.calls == [] and graph.texts() == [message("followup_thanks", "en")]
    assert rows()[0].state == "answered"
    today = date.today()
    span = {"from": (today - timedelta(days=1)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    with TestClient(create_app(), headers=SAME_ORIGIN) as api:
        totals = api.get("/api/v1/metrics/deflections", params=span, headers=AUTH).json()["totals"]
    assert totals["confirmed"] == 1 and totals["routed"] == 0 and totals["deflected"] == 1

    graph.delivered.clear()
    handle(reply(f"followup:no:{row.id}", 2), rasa, client)  # a second answer changes nothing
    assert graph.texts() == [message("followup_answered", "en")] and outcome() == "confirmed"


def test_no_declines_and_offers_the_in_person_way_and_a_person(client, graph):
    row = sent(client, graph)
    handle(reply(f"followup:no:{row.id}"), RoutingRasa(), client)
    assert outcome() == "declined"
    (body,) = graph.delivered
    assert body["interactive"]["body"]["text"] == message("followup_declined", "en")
    assert [b["reply"]["id"] for b in body["interactive"]["action"]["buttons"]] == ["/cannot_use_app", "/ask_human"]


def test_another_senders_answer_goes_to_rasa_and_changes_nothing(client, graph):
    row = sent(client, graph)
    rasa = FakeRasa()
    handle(reply(f"followup:yes:{row.id}", sender="971500000009"), rasa, client)
    assert rasa.calls and rows()[0].state == "sent" and outcome() == "routed"


def test_the_followups_command_sends_the_due_ones(client, graph, monkeypatch, capsys):
    from bot.channels.whatsapp.__main__ import main

    row = scheduled(client)
    with db.session() as session:
        session.get(Followup, row.id).due_at = utcnow() - timedelta(minutes=1)
        session.commit()
    graph.delivered.clear()
    values = {
        "GRAPH_API_URL": graph.url,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
    }
    for key, value in values.items():
        monkeypatch.setenv(f"DALEEL_{key}", value)
    get_settings.cache_clear()
    assert main(["followups", "--once"]) == 0
    assert '"sent": 1' in capsys.readouterr().out and len(graph.delivered) == 1


def test_every_followup_text_has_both_languages_and_the_arabic_no_latin_letters():
    import re

    import yaml

    from bot.channels.whatsapp.messages import MESSAGES

    texts = {k: v for k, v in yaml.safe_load(MESSAGES.read_text(encoding="utf-8")).items() if k.startswith("followup")}
    assert len(texts) == 8 and all(set(v) == {"ar", "en"} for v in texts.values())
    assert not [k for k, v in texts.items() if re.search("[A-Za-z]", v["ar"])]
    assert all(
        len(texts[k][lang]) <= 20
        for k in ("followup_yes", "followup_no", "followup_in_person", "followup_person")
        for lang in ("ar", "en")
    )
