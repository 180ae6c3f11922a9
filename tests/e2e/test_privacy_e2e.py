"""No personal data kept: a real conversation through the app (web chat, WhatsApp through Meta and
through Twilio) full of Emirates IDs, phone numbers, e-mails and card numbers, then a look inside
Rasa's SQL tracker store (its `events` table) and every table of the app: none of them is there.
On SQLite and on PostgreSQL (the tracker store and the app's store on the same engine kind)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import OperationalError

from bot.channels.whatsapp import followups
from bot.channels.whatsapp.graph import GraphClient
from bot.settings import get_settings
from bot.store.models import utcnow
from devtools import live
from tests.support.services import missing_service
from tests.support.twilio import FakeTwilio, form, settings_env
from tests.support.twilio import post as post_twilio
from tests.support.whatsapp import app_on_live_stack, payload
from tests.support.whatsapp import post as post_meta

META_SENDER = "971501234987"
TWILIO_SENDER = "whatsapp:+971529876543"
# What the customers type, and how each would show in a table (as typed, digits only).
EMIRATES_ID = "784-1990-1234567-1"
ARABIC_EMIRATES_ID = "\u0667\u0668\u0664\u0661\u0669\u0668\u0665\u0667\u0666\u0665\u0664\u0663\u0662\u0661\u0663"
PHONE = "+971 50 765 4321"
LOCAL_PHONE = "055 444 3322"
EMAIL = "sara.k@example.ae"
CARD = "4111 1111 1111 1111"
SECRETS = [
    EMIRATES_ID,
    "784199012345671",
    ARABIC_EMIRATES_ID,
    "784198576543213",
    PHONE,
    "971507654321",
    "0554443322",
    EMAIL,
    CARD,
    "4111111111111111",
    META_SENDER,
    TWILIO_SENDER.removeprefix("whatsapp:+"),
]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], ids=str)
def stack(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"privacy-{request.param}")
    names = []
    if request.param == "sqlite":
        store, trackers = None, f"sqlite:///{workdir / 'trackers.db'}"
    else:
        suffix = uuid.uuid4().hex[:8]
        names = [f"daleel_privacy_store_{suffix}", f"daleel_privacy_trackers_{suffix}"]
        try:
            store = live.create_database(names[0])
            trackers = live.create_database(names[1])
        except OperationalError:
            missing_service(request, "PostgreSQL not reachable at 127.0.0.1:5432")
    rasa_url = trackers.replace("postgresql+psycopg://", "postgresql://")  # Rasa's venv has psycopg2
    try:
        started = live.start(
            workdir,
            database_url=store,
            endpoints="tests/rasa/endpoints.trackers.yml",
            env={"DALEEL_TRACKER_DB_URL": rasa_url},
        )
        started.trackers_url = trackers
        yield started
        live.stop(started)
    finally:
        for name in names:
            live.drop_database(name)


def dump(url: str) -> str:
    """Every row of every table of a database, as text."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return "\n".join(
                " ".join(str(value) for value in row)
                for table in inspect(engine).get_table_names()
                for row in connection.execute(text(f'SELECT * FROM "{table}"'))
            )
    finally:
        engine.dispose()


def found(blob: str) -> list[str]:
    squeezed = re.sub(r"[\s\-]", "", blob)
    return [s for s in SECRETS if s in blob or re.sub(r"[\s\-+]", "", s) in squeezed]


def test_no_personal_data_in_the_tracker_store_or_the_app_tables(stack, monkeypatch):
    twilio = FakeTwilio().start()
    web_sender = uuid.uuid4().hex
    try:
        with app_on_live_stack(stack, monkeypatch, **settings_env(twilio)) as (client, graph):
            said = f"my emirates id is {EMIRATES_ID}, renew my driving licence"
            body = payload("text", message_id=f"wamid.privacy-{uuid.uuid4()}", sender=META_SENDER, text=said)
            assert post_meta(client, body).status_code == 200
            # the route core is not misled by the stated ID: the driving licence, not the Emirates ID
            assert "RTA" in " ".join(graph.texts()) and "driving licence" in " ".join(graph.texts()).lower()

            arabic = f"\u0631\u0642\u0645 \u0647\u0648\u064a\u062a\u064a {ARABIC_EMIRATES_ID} \u0648\u062c\u0648\u0627\u0644\u064a {LOCAL_PHONE}"
            fields = form("text", sid="SM" + uuid.uuid4().hex, sender=TWILIO_SENDER, body=arabic)
            assert post_twilio(client, fields).status_code == 200
            fields = form(
                "text", sid="SM" + uuid.uuid4().hex, sender=TWILIO_SENDER, body=f"pay my traffic fine, card {CARD}"
            )
            assert post_twilio(client, fields).status_code == 200
            assert twilio.delivered

            chat = client.post(
                "/api/v1/chat",
                json={"sender": web_sender, "message": f"pay my dewa bill, call {PHONE} or mail {EMAIL}"},
            )
            assert chat.status_code == 200 and chat.json()["messages"]

            # The routed answer on WhatsApp scheduled a follow-up, which holds the number until sent.
            due = utcnow() + timedelta(seconds=get_settings().whatsapp_followup_delay_seconds + 60)
            sent = followups.send_due(GraphClient.from_settings(get_settings()), get_settings(), now=due)
            assert sent.sent == 1 and graph.delivered[-1]["to"] == META_SENDER
    finally:
        twilio.stop()

    trackers = dump(stack.trackers_url)
    assert "renew my driving licence" in trackers and "***" in trackers  # the conversation is there, masked
    senders = {row[0] for row in live.query(stack.trackers_url, "SELECT DISTINCT sender_id FROM events")}
    assert senders and all(s.startswith(("wa-", "web-")) for s in senders)
    assert found(trackers) == []
    assert found(dump(stack.database_url)) == []


def test_the_retention_command_empties_the_tracker_store_of_old_conversations(stack, monkeypatch):
    from bot.settings import get_settings
    from bot.store.db import forget_engines
    from bot.store.retention import apply_retention

    monkeypatch.setenv("DALEEL_DATABASE_URL", stack.database_url)
    get_settings.cache_clear()
    said = httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": "web-old", "message": "hi"},
        headers=stack.rasa_headers,
        timeout=60,
    )
    said.raise_for_status()
    engine = create_engine(stack.trackers_url)
    with engine.begin() as connection:  # a conversation of 40 days ago
        connection.execute(text("UPDATE events SET timestamp = timestamp - 40 * 86400 WHERE sender_id = 'web-old'"))
    engine.dispose()
    try:
        report = apply_retention(30, tracker_url=stack.trackers_url)
    finally:
        get_settings.cache_clear()
        forget_engines()
    assert report.tracker_events > 0
    left = {row[0] for row in live.query(stack.trackers_url, "SELECT DISTINCT sender_id FROM events")}
    assert "web-old" not in left and left  # the recent conversations stay
