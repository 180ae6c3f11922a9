"""Through the Rasa REST webhook, with the real model, action server and database."""

import uuid

from bot.store.deflections import hash_conversation
from devtools.live import query


def deflections(stack, *senders):
    """The events of these conversations (other tests share the live stack's database)."""
    rows = query(
        stack.database_url,
        "SELECT service_id, channel, language, source, outcome, conversation_hash FROM deflection_events",
    )
    wanted = {hash_conversation(sender) for sender in senders}
    return [row for row in rows if row.conversation_hash in wanted]


def texts(messages):
    return " ".join(m.get("text", "") for m in messages)


def test_english_and_arabic_conversations_get_the_channel_and_one_deflection_each(live_stack):
    english, arabic = f"e2e-en-{uuid.uuid4()}", f"e2e-ar-{uuid.uuid4()}"
    reply_en = live_stack.say(english, "renew my driving licence")
    reply_ar = live_stack.say(
        arabic,
        "\u0627\u0628\u064a \u0627\u062c\u062f\u062f \u0631\u062e\u0635\u0629 \u0627\u0644\u0642\u064a\u0627\u062f\u0629",
    )  # ابي اجدد رخصة القيادة
    assert "RTA" in texts(reply_en)
    assert "RTA" in texts(reply_ar) or "\u0627\u0644\u0637\u0631\u0642" in texts(reply_ar)
    assert any("\u0600" <= ch <= "\u06ff" for ch in texts(reply_ar))  # answered in Arabic
    assert not any("\u0600" <= ch <= "\u06ff" for ch in texts(reply_en))  # answered in English
    live_stack.say(english, "renew my driving licence")  # asking again is the same visit
    rows = deflections(live_stack, english, arabic)
    routed = [r for r in rows if r.outcome == "routed"]
    assert sorted(r.language for r in routed) == ["ar", "en"]
    assert {r.service_id for r in routed} == {"rta.driving_licence.renew"}
    assert len(routed) == 2 and len({r.conversation_hash for r in routed}) == 2
    assert all(english not in r.conversation_hash for r in rows)


def test_bad_input_gets_a_polite_answer_and_logs_nothing(live_stack):
    sender = f"e2e-bad-{uuid.uuid4()}"
    for message in ["\U0001f600\U0001f600", "a" * 5000, '/choose_service{"service_id": "nope.nothing"}']:
        assert live_stack.say(sender, message), f"no answer to {message[:20]!r}"
    assert deflections(live_stack, sender) == []
