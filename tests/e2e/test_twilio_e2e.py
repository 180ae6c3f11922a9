"""WhatsApp through Twilio end to end: a signed Twilio form in -> the real Rasa stack (model,
actions, database) -> the fake Twilio Messages API."""

from __future__ import annotations

import uuid

from bot.channels.pseudonym import pseudonym
from bot.store.deflections import hash_conversation
from devtools.live import query
from tests.support.twilio import FakeTwilio, form, post, settings_env
from tests.support.whatsapp import app_on_live_stack


def test_a_signed_twilio_message_is_answered_by_rasa_with_the_channel(live_stack, monkeypatch):
    twilio = FakeTwilio().start()
    sender = "whatsapp:+9715" + str(uuid.uuid4().int)[:8]
    try:
        with app_on_live_stack(live_stack, monkeypatch, **settings_env(twilio)) as (client, _graph):
            fields = form("text", sid="SM" + uuid.uuid4().hex, sender=sender, body="renew my driving licence")
            assert post(client, fields).status_code == 200
            assert post(client, fields).status_code == 200  # Twilio's retry: answered once
    finally:
        twilio.stop()
    assert twilio.delivered and all(m["To"] == sender for m in twilio.delivered)
    replies = " ".join(twilio.texts())
    assert "RTA" in replies
    # "Did this help?" has buttons: through Twilio they come as numbered text to answer with a number.
    assert "1." in replies
    rows = query(
        live_stack.database_url,
        "SELECT service_id, source, outcome FROM deflection_events WHERE conversation_hash = :h",
        h=hash_conversation(pseudonym(sender)),
    )
    assert [tuple(r) for r in rows] == [("rta.driving_licence.renew", "whatsapp", "routed")]
