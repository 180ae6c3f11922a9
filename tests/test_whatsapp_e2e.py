"""WhatsApp end to end: Meta's payload in -> the real Rasa stack (model, actions, database) -> fake Graph API."""
from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from bot.api.main import create_app
from bot.db import get_engine
from bot.deflections import hash_conversation
from bot.settings import get_settings
from tests.whatsapp_helpers import (ACCESS_TOKEN, PHONE_NUMBER_ID, SECRET, VERIFY_TOKEN, FakeGraph, payload,
                                    post)


@pytest.fixture
def whatsapp_app(live_stack, monkeypatch):
    graph = FakeGraph().start()
    values = {"DATABASE_URL": live_stack.database_url, "RASA_URL": live_stack.rasa_url,
              "WHATSAPP_APP_SECRET": SECRET, "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
              "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN, "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
              "GRAPH_API_URL": graph.url,
              "WHATSAPP_RASA_TIMEOUT_SECONDS": "180"}  # a first answer on a busy machine can take a while
    for key, value in values.items():
        monkeypatch.setenv(f"DALEEL_{key}", value)
    get_settings.cache_clear()
    with TestClient(create_app()) as client:  # the real Rasa client: no dependency override
        yield client, graph
    graph.stop()
    get_settings.cache_clear()
    get_engine.cache_clear()


def events(database_url: str, conversation_hash: str) -> list:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT service_id, source, outcome FROM deflection_events "
                                        "WHERE conversation_hash = :h"), {"h": conversation_hash}).all()
    engine.dispose()
    return found


def test_whatsapp_text_through_rasa_comes_back_with_the_channel(whatsapp_app, live_stack):
    client, graph = whatsapp_app
    sender = "9715" + str(uuid.uuid4().int)[:8]
    response = post(client, payload("text", message_id=f"wamid.e2e-{uuid.uuid4()}", sender=sender,
                                    text="renew my driving licence"))
    assert response.status_code == 200
    assert graph.delivered and all(m["to"] == sender for m in graph.delivered)
    assert "RTA" in " ".join(graph.texts())
    assert ("rta.driving_licence.renew", "whatsapp", "routed") in events(live_stack.database_url,
                                                                        hash_conversation(sender))
    # "Did this help?" comes as reply buttons; tapping "Yes" sends its id (/affirm) back through Rasa.
    [question] = [m for m in graph.delivered if m["type"] == "interactive"]
    yes = question["interactive"]["action"]["buttons"][0]["reply"]
    assert yes["id"] == "/affirm"
    tap = payload("button_reply", message_id=f"wamid.e2e-{uuid.uuid4()}", sender=sender)
    tap["entry"][0]["changes"][0]["value"]["messages"][0]["interactive"]["button_reply"] = yes
    before = len(graph.delivered)
    assert post(client, tap).status_code == 200
    assert len(graph.delivered) > before
    assert ("rta.driving_licence.renew", "whatsapp", "confirmed") in events(live_stack.database_url,
                                                                           hash_conversation(sender))
