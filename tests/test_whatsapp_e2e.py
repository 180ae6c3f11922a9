"""WhatsApp end to end: Meta's payload in -> the real Rasa stack (model, actions, database) -> fake Graph API."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from bot.deflections import hash_conversation
from tests.whatsapp_helpers import app_on_live_stack, payload, post


@pytest.fixture
def whatsapp_app(live_stack, monkeypatch):
    with app_on_live_stack(live_stack, monkeypatch) as (client, graph):  # the real Rasa client
        yield client, graph


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
