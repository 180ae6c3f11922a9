"""One deflection from each place people meet Daleel (web chat, WhatsApp, the ambassadors' page),
through the real routes and the real Rasa stack, shows up in the metrics API by source."""
from __future__ import annotations

import json
import uuid

import pytest
from fastapi.testclient import TestClient

from bot.api.main import create_app
from bot.db import get_engine
from bot.settings import get_settings
from tests.whatsapp_helpers import ACCESS_TOKEN, PHONE_NUMBER_ID, SECRET, VERIFY_TOKEN, FakeGraph, payload, post

MANAGER_TOKEN = "sources-e2e-manager"


@pytest.fixture
def app_on_live_stack(live_stack, monkeypatch):
    graph = FakeGraph().start()
    values = {"DATABASE_URL": live_stack.database_url, "RASA_URL": live_stack.rasa_url,
              "WHATSAPP_APP_SECRET": SECRET, "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
              "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN, "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
              "GRAPH_API_URL": graph.url, "WHATSAPP_RASA_TIMEOUT_SECONDS": "180",
              "CHAT_RASA_TIMEOUT_SECONDS": "180", "DASHBOARD_TOKEN": MANAGER_TOKEN,
              "AMBASSADOR_SECRETS": json.dumps({"deira": "deira-code"}), "SESSION_SECRET": "sources-e2e"}
    for key, value in values.items():
        monkeypatch.setenv(f"DALEEL_{key}", value)
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        yield client
    graph.stop()
    get_settings.cache_clear()
    get_engine.cache_clear()


def deflected_by_source(client) -> dict[str, int]:
    response = client.get("/api/v1/metrics/deflections", params={"group_by": "source"},
                          headers={"Authorization": f"Bearer {MANAGER_TOKEN}"})
    assert response.status_code == 200, response.text
    return {row["source"]: row["deflected"] for row in response.json()["groups"]}


def test_chat_whatsapp_and_ambassador_deflections_each_reach_the_metrics(app_on_live_stack):
    client = app_on_live_stack
    before = deflected_by_source(client)

    chat = client.post("/api/v1/chat", json={"sender": f"web-{uuid.uuid4().hex}", "message": "pay dewa bill"})
    assert chat.status_code == 200 and "DEWA" in json.dumps(chat.json(), ensure_ascii=False)

    sender = "9715" + str(uuid.uuid4().int)[:8]
    whatsapp = post(client, payload("text", message_id=f"wamid.sources-{uuid.uuid4()}", sender=sender,
                                    text="renew my driving licence"))
    assert whatsapp.status_code == 200

    signed = client.post("/ambassador/sign-in", data={"centre": "deira", "secret": "deira-code", "lang": "en"},
                         follow_redirects=False)
    assert signed.status_code == 303
    pressed = client.post("/api/v1/ambassador/deflections", json={"service_id": "dewa.bill.pay"})
    assert pressed.status_code == 201

    after = deflected_by_source(client)
    for source in ("web", "whatsapp", "ambassador"):
        assert after.get(source, 0) == before.get(source, 0) + 1, (source, before, after)
