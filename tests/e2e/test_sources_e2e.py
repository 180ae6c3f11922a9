"""One deflection from each place people meet Daleel (web chat, WhatsApp, the ambassadors' page),
through the real routes and the real Rasa stack, shows up in the metrics API by source."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.support.web import SAME_ORIGIN
from tests.support.whatsapp import app_on_live_stack, payload, post

MANAGER_TOKEN = "sources-e2e-manager"


@pytest.fixture
def client(live_stack, monkeypatch):
    settings = {
        "CHAT_RASA_TIMEOUT_SECONDS": "180",
        "DASHBOARD_TOKEN": MANAGER_TOKEN,
        "AMBASSADOR_SECRETS": json.dumps({"deira": "deira-code"}),
        "SESSION_SECRET": "sources-e2e",
    }
    with app_on_live_stack(live_stack, monkeypatch, **settings) as (client, _graph):
        yield client


def deflected_by_source(client) -> dict[str, int]:
    response = client.get(
        "/api/v1/metrics/deflections",
        params={"group_by": "source"},
        headers={"Authorization": f"Bearer {MANAGER_TOKEN}"},
    )
    assert response.status_code == 200, response.text
    return {row["source"]: row["deflected"] for row in response.json()["groups"]}


def test_chat_whatsapp_and_ambassador_deflections_each_reach_the_metrics(client):
    before = deflected_by_source(client)

    chat = client.post("/api/v1/chat", json={"sender": f"web-{uuid.uuid4().hex}", "message": "pay dewa bill"})
    assert chat.status_code == 200 and "DEWA" in json.dumps(chat.json(), ensure_ascii=False)

    sender = "9715" + str(uuid.uuid4().int)[:8]
    whatsapp = post(
        client,
        payload("text", message_id=f"wamid.sources-{uuid.uuid4()}", sender=sender, text="renew my driving licence"),
    )
    assert whatsapp.status_code == 200

    signed = client.post(
        "/ambassador/sign-in",
        data={"centre": "deira", "secret": "deira-code", "lang": "en"},
        headers=SAME_ORIGIN,
        follow_redirects=False,
    )
    assert signed.status_code == 303
    pressed = client.post("/api/v1/ambassador/deflections", json={"service_id": "dewa.bill.pay"}, headers=SAME_ORIGIN)
    assert pressed.status_code == 201

    after = deflected_by_source(client)
    for source in ("web", "whatsapp", "ambassador"):
        assert after.get(source, 0) == before.get(source, 0) + 1, (source, before, after)
