"""A need described, not named, in each register gets its service's channel through the Rasa REST
webhook (issue #12). The messages are our own, in no labelled set, situation or synonym."""

import uuid

import pytest

from bot.store.deflections import hash_conversation
from devtools.live import query

NEEDS = [
    ("en", "my car was impounded by the police, what do I pay to release it", "dubai_police.impounded_vehicle.release"),
    ("ar", "انتهت إقامتي وأحتاج إلى تجديدها", "gdrfa.residence_visa.renew"),
    ("gulf", "المؤجر يبيني اسجل عقد الايجار قبل ما يعطيني المفاتيح", "dld.ejari_contract.register"),
    ("arabizi", "el mulkiya 7ag sayarti 5alsat ams, abi ajadedha", "rta.vehicle_registration.renew"),
]


@pytest.mark.parametrize("register, text, service_id", NEEDS, ids=[n[0] for n in NEEDS])
def test_a_need_in_each_register_is_routed_to_its_service(live_stack, router, register, text, service_id):
    sender = f"e2e-need-{register}-{uuid.uuid4()}"
    reply = " ".join(m.get("text", "") for m in live_stack.say(sender, text))
    service = router.catalogue.by_id()[service_id]
    channel = service.channels[0]
    arabic = register != "en"
    assert (channel.name_ar if arabic else channel.name) in reply
    rows = query(live_stack.database_url, "SELECT service_id, outcome, conversation_hash FROM deflection_events")
    routed = [r for r in rows if r.conversation_hash == hash_conversation(sender)]
    assert [(r.service_id, r.outcome) for r in routed] == [(service_id, "routed")]


JOURNEYS = [
    (
        "en",
        "my wife and I are having our first child in spring, which government papers will the baby need?",
        "new_baby",
    ),
    ("gulf", "ببيع سيارتي وعليها قرض، شو لازم اسوي؟", "selling_car"),
]


@pytest.mark.parametrize("register, text, journey_id", JOURNEYS, ids=[j[0] for j in JOURNEYS])
def test_a_life_event_gets_its_services_in_order(live_stack, router, register, text, journey_id):
    """Each service of the journey a button, in the journey's order; nothing is logged until one is chosen."""
    sender = f"e2e-journey-{register}-{uuid.uuid4()}"
    messages = live_stack.say(sender, text)
    journey = router.journeys.journeys[journey_id]
    buttons = [b for m in messages for b in m.get("buttons", [])]
    assert buttons, messages
    chosen = [b["payload"].split('"service_id": "')[1].split('"')[0] for b in buttons]
    assert chosen == [sid for sid in journey.services if router.catalogue.by_id()[sid].status == "active"]
    reply = " ".join(m.get("text", "") for m in messages)
    assert (journey.name_en if register == "en" else journey.name_ar) in reply
    rows = query(live_stack.database_url, "SELECT conversation_hash FROM deflection_events")
    assert hash_conversation(sender) not in {r.conversation_hash for r in rows}
    live_stack.say(sender, buttons[0]["payload"])  # the first step chosen: its channel, and a deflection
    rows = query(live_stack.database_url, "SELECT service_id, conversation_hash FROM deflection_events")
    assert [r.service_id for r in rows if r.conversation_hash == hash_conversation(sender)] == [chosen[0]]
