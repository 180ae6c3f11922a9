"""The agent console end to end on the live stack (real Rasa, action server, database) with the fake
Graph API: a WhatsApp customer asks for a person, an agent takes the hand-off through the API,
replies, the Graph API receives the reply, the agent hands back, and the assistant answers again."""

from __future__ import annotations

import json
import uuid

import pytest

from bot.channels.pseudonym import pseudonym
from bot.store.deflections import hash_conversation
from devtools.live import query
from tests.support.web import SAME_ORIGIN
from tests.support.whatsapp import app_on_live_stack, payload, post

TEAM, CODE = "contact-centre", "e2e-contact-centre-code"
API = "/api/v1/agent/handoffs"


@pytest.fixture
def console(live_stack, monkeypatch):
    """The in-process app on the live stack, with an agent of TEAM signed in: (client, graph)."""
    with app_on_live_stack(live_stack, monkeypatch, AGENT_SECRETS=json.dumps({TEAM: CODE})) as (client, graph):
        client.headers.update(SAME_ORIGIN)
        signed = client.post("/agent/sign-in", data={"team": TEAM, "secret": CODE}, follow_redirects=False)
        assert signed.status_code == 303
        yield client, graph


def say(client, sender: str, text: str) -> None:
    reply = post(client, payload("text", message_id=f"wamid.agent-e2e-{uuid.uuid4()}", sender=sender, text=text))
    assert reply.status_code == 200 and reply.json()["messages"] == 1


def test_a_whatsapp_customer_gets_a_person_then_the_assistant_again(console, live_stack):
    client, graph = console
    sender = "9715" + str(uuid.uuid4().int)[:8]
    say(client, sender, "renew my driving licence")
    say(client, sender, "i want to talk to a human")
    assert "colleague" in graph.texts()[-1]  # utter_handoff

    conversation = hash_conversation(pseudonym(sender))
    [(handoff_id,)] = query(
        live_stack.database_url,
        "SELECT id FROM handoffs WHERE conversation_hash = :h AND state = 'waiting'",
        h=conversation,
    )
    [listed] = [h for h in client.get(API).json()["handoffs"] if h["id"] == handoff_id]
    assert (listed["channel"], listed["language"], listed["service_id"], listed["reason"]) == (
        "whatsapp",
        "en",
        "rta.driving_licence.renew",
        "customer_asked",
    )
    assert client.post(f"{API}/{handoff_id}/take").status_code == 200
    assert client.post(f"{API}/{handoff_id}/take").status_code == 409  # taken once

    # While the agent holds it the assistant stays quiet; the agent sees what the customer wrote.
    before = len(graph.delivered)
    say(client, sender, "hello? my number is 0501234567")
    assert len(graph.delivered) == before
    detail = client.get(f"{API}/{handoff_id}").json()
    assert detail["messages_available"] is True
    texts = [(m["sender"], m["text"]) for m in detail["messages"]]
    assert ("customer", "i want to talk to a human") in texts and ("customer", "hello? my number is ***") in texts
    assert any(sender_ == "assistant" and "RTA" in text for sender_, text in texts)

    sent = client.post(f"{API}/{handoff_id}/reply", json={"text": "Hi, I'm Mariam from RTA. How can I help?"})
    assert sent.status_code == 201 and sent.json()["queued"] is False
    assert graph.delivered[-1] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": sender,
        "type": "text",
        "text": {"preview_url": True, "body": "Hi, I'm Mariam from RTA. How can I help?"},
    }
    assert len(graph.delivered) == before + 1

    back = client.post(f"{API}/{handoff_id}/hand-back")
    assert back.status_code == 200 and back.json()["state"] == "handed_back"
    late = client.post(f"{API}/{handoff_id}/reply", json={"text": "one more thing"})
    assert late.status_code == 409 and len(graph.delivered) == before + 1  # nothing sent after the hand-back

    say(client, sender, "how do i pay a salik fine")
    assert len(graph.delivered) > before + 1
    assert "Salik" in " ".join(graph.texts()[before + 1 :])  # the assistant answers again
    steps = query(
        live_stack.database_url, "SELECT step FROM handoff_steps WHERE handoff_id = :i ORDER BY id", i=handoff_id
    )
    assert [s for (s,) in steps] == ["waiting", "taken", "replied", "handed_back"]
    [(recipient, conversation_id)] = query(
        live_stack.database_url, "SELECT recipient, conversation_id FROM handoffs WHERE id = :i", i=handoff_id
    )
    assert (recipient, conversation_id) == ("", "")  # nothing that reaches the customer is kept
