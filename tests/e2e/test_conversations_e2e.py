"""Through the Rasa REST webhook, with the real model, action server and database."""

import json
import re
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


# Issue #13 item 4: as a new customer writes through the REST webhook.
ARABIC = re.compile(r"[\u0600-\u06ff]")


def handoffs(stack, sender):
    rows = query(stack.database_url, "SELECT service_id, reason, conversation_hash FROM handoffs")
    return [(r.service_id, r.reason) for r in rows if r.conversation_hash == hash_conversation(sender)]


def offered_ids(messages):
    return [
        json.loads(b["payload"].removeprefix("/choose_service"))["service_id"]
        for m in messages
        for b in m.get("buttons", [])
        if b["payload"].startswith("/choose_service")
    ]


def test_which_app_completes_a_service_is_answered_with_the_channel(live_stack):
    sender = f"e2e-which-app-{uuid.uuid4()}"
    reply = texts(live_stack.say(sender, "which app do I pay my Salik top-up with?"))
    assert "Salik" in reply and "without the app" not in reply
    assert [(r.service_id.split(".")[0], r.outcome) for r in deflections(live_stack, sender)] == [("salik", "routed")]


def test_asking_for_a_person_right_after_an_answer_is_a_handoff(live_stack):
    sender = f"e2e-person-{uuid.uuid4()}"
    assert "RTA" in texts(live_stack.say(sender, "renew my driving licence"))
    reply = texts(live_stack.say(sender, "the app keeps crashing, I want a real person"))
    assert "colleague" in reply and "without the app" not in reply
    assert handoffs(live_stack, sender) == [("rta.driving_licence.renew", "customer_asked")]
    # the hand-off replaces "routed" for the same visit (bot/store/deflections.py)
    assert [(r.service_id, r.outcome) for r in deflections(live_stack, sender)] == [
        ("rta.driving_licence.renew", "handed_off")
    ]


def test_cannot_use_apps_while_choosing_keeps_the_choices(live_stack):
    sender = f"e2e-choices-{uuid.uuid4()}"
    offered = offered_ids(live_stack.say(sender, "licence"))
    assert len(offered) > 1
    reply = live_stack.say(sender, "I can't use apps")
    assert offered_ids(reply) == offered  # the same choices, not "which service do you need?"
    assert "Which service do you need" not in texts(reply)
    assert "without the app" in texts(live_stack.say(sender, "2"))
    rows = deflections(live_stack, sender)
    assert [(r.service_id, r.outcome) for r in rows] == [(offered[1], "assisted_in_person")]


def test_a_second_service_replaces_the_focus_in_the_language_switched_to(live_stack):
    sender = f"e2e-second-{uuid.uuid4()}"
    live_stack.say(sender, "english please")
    assert "RTA" in texts(live_stack.say(sender, "renew my driving licence"))
    reply = texts(live_stack.say(sender, "ابي ادفع فاتورة ديوا"))  # now in Arabic, about DEWA
    assert ARABIC.search(reply) and "ديوا" in reply
    fee = texts(live_stack.say(sender, "كم الرسوم"))
    assert ARABIC.search(fee) and "ديوا" in fee and "رخصة" not in fee
    rows = deflections(live_stack, sender)
    assert sorted((r.service_id.split(".")[0], r.language) for r in rows if r.outcome == "routed") == [
        ("dewa", "ar"),
        ("rta", "en"),
    ]
