"""Arabic throughout (issue #15): an Arabic reply carries the Arabic catalogue text (channel names,
documents, fee details), never the English; an English reply carries the English.

The catalogue-wide tests run every action that puts catalogue text into a reply over EVERY active
service of the real catalogue, render the Arabic response from domain.yml and look for Latin letters
outside URLs. They fail where the data or service_catalog/glossary.yml is incomplete, and say where.
"""

from __future__ import annotations

import re
from collections import Counter
from types import SimpleNamespace

import pytest

import actions.common
from actions.cannot_use_app import ActionCannotUseApp
from actions.choose_service import ActionChooseService
from actions.find_service import choice_buttons
from actions.tell_channels import ActionTellChannels
from actions.tell_documents import ActionTellDocuments
from actions.tell_fee import ActionTellFee
from bot.route.contract import Alternative, RouteAnswer, ServiceRef
from service_catalog.loader import Glossary, default_catalogue
from service_catalog.quality import latin_outside_urls
from tests.support.actions import DOMAIN, FAKE_SERVICES, make_tracker, responses, run

ARABIC = re.compile(r"[\u0600-\u06FF]")
TEST_GLOSSARY = Glossary(
    channels={
        "RTA Dubai app": "تطبيق هيئة الطرق والمواصلات في دبي",
        "RTA self-service kiosks": "أجهزة الخدمة الذاتية",
        "RTA call centre 8009090": "مركز اتصال الهيئة 8009090",
        "DEWA app": "تطبيق ديوا",
    },
    documents={"Emirates ID": "بطاقة الهوية الإماراتية", "eye test result": "نتيجة فحص النظر"},
)


def rendered(message: dict, lang: str) -> list[str]:
    """The texts the customer reads: the response variation for the language, filled in, and its buttons."""
    variations = DOMAIN["responses"][message["response"]]
    variation = next(v for v in variations if (lang == "ar") == bool(v.get("condition")))
    texts = [variation["text"].format_map({k: v for k, v in message.items() if isinstance(v, str)})]
    texts += [button["title"] for button in message.get("buttons") or []]
    return texts


@pytest.fixture
def glossary(monkeypatch):
    monkeypatch.setattr(actions.common, "_glossary", lambda: TEST_GLOSSARY)


# --- the fake catalogue: which field goes where -----------------------------------------------


def test_route_answer_names_the_channel_in_arabic(recorder, glossary):
    dispatcher, _ = run(
        ActionChooseService(),
        make_tracker(
            "clarify_offered",
            text="2",
            entities=[],
            language="ar",
            offered_services=["dewa.bill.pay", "rta.driving_licence.renew"],
        ),
    )
    message = dispatcher.messages[0]
    assert message["channel_name"] == "تطبيق هيئة الطرق والمواصلات في دبي"
    assert recorder.deflections[0]["channel"] == "RTA Dubai app"  # the log keeps the catalogue's key


def test_channels_documents_and_assisted_options_in_arabic(recorder, glossary):
    tracker = make_tracker("followup_in_focus", text="/ask_channel", language="ar")
    channels = run(ActionTellChannels(), tracker)[0].messages[0]["channels"]
    assert channels.splitlines() == [
        "- تطبيق هيئة الطرق والمواصلات في دبي: https://www.rta.ae",
        "- أجهزة الخدمة الذاتية",
        "- مركز اتصال الهيئة 8009090: tel:8009090",
    ]
    documents = run(ActionTellDocuments(), tracker)[0].messages[0]["documents"]
    assert documents == "- بطاقة الهوية الإماراتية\n- نتيجة فحص النظر"
    options = run(ActionCannotUseApp(), tracker)[0].messages[0]["options"]
    assert options.splitlines() == ["- مركز اتصال الهيئة 8009090: tel:8009090", "- أجهزة الخدمة الذاتية"]


def test_english_replies_keep_the_english(recorder, glossary):
    tracker = make_tracker("followup_in_focus", text="/ask_channel", language="en")
    assert "- RTA Dubai app: https://www.rta.ae" in run(ActionTellChannels(), tracker)[0].messages[0]["channels"]
    assert run(ActionTellDocuments(), tracker)[0].messages[0]["documents"] == "- Emirates ID\n- eye test result"
    fee = run(ActionTellFee(), tracker)[0]
    assert fee.messages[1]["fee_text"] == "320 (age 21+); 120 (under 21)"


def test_a_records_own_arabic_wins(recorder, glossary, monkeypatch):
    own = FAKE_SERVICES["rta.driving_licence.renew"].model_copy(
        update={
            "documents_ar": ["الهوية", "فحص النظر"],
            "fee_text_ar": "320 درهم (21 سنة فأكثر)",
            "channels": [
                FAKE_SERVICES["rta.driving_licence.renew"].channels[0].model_copy(update={"name_ar": "تطبيق الهيئة"})
            ],
        }
    )
    monkeypatch.setitem(FAKE_SERVICES, own.id, own)
    tracker = make_tracker("followup_in_focus", text="/ask_fee", language="ar")
    assert run(ActionTellDocuments(), tracker)[0].messages[0]["documents"] == "- الهوية\n- فحص النظر"
    assert run(ActionTellFee(), tracker)[0].messages[1]["fee_text"] == "320 درهم (21 سنة فأكثر)"
    assert run(ActionTellChannels(), tracker)[0].messages[0]["channels"] == "- تطبيق الهيئة: https://www.rta.ae"


def test_arabic_reply_without_arabic_text_leaves_the_english_out(recorder, monkeypatch):
    monkeypatch.setattr(actions.common, "_glossary", lambda: Glossary(channels={}, documents={}))
    tracker = make_tracker("followup_in_focus", text="/ask_fee", language="ar")
    fee = run(ActionTellFee(), tracker)[0]
    assert responses(fee) == ["utter_fee"]  # fee_text has no Arabic: no detail rather than English
    assert responses(run(ActionTellDocuments(), tracker)[0]) == ["utter_documents_unknown"]


def test_equal_scores_are_offered_in_demand_order(recorder, monkeypatch):
    low, high = FAKE_SERVICES["rta.driving_licence.renew"], FAKE_SERVICES["rta.driving_licence.replace_lost"]
    monkeypatch.setitem(FAKE_SERVICES, high.id, high.model_copy(update={"demand": "high"}))
    dewa = FAKE_SERVICES["dewa.bill.pay"]
    monkeypatch.setitem(FAKE_SERVICES, dewa.id, dewa.model_copy(update={"demand": "high"}))

    def ref(s):
        return ServiceRef(
            id=s.id, entity="rta", name_en=s.name_en, name_ar=s.name_ar, name_ar_verified=False, fee_aed=s.fee_aed
        )

    def alt(s, score):
        return Alternative(id=s.id, entity="rta", name_en=s.name_en, name_ar=s.name_ar, score=score)

    answer = RouteAnswer(
        language="en",
        out_of_scope=False,
        needs_clarification=True,
        service=ref(low),
        channel=None,
        alternatives=[alt(high, 0.5), alt(dewa, 0.4)],
        score=0.5,
    )
    _, ids = choice_buttons(answer, "en")
    assert ids == [high.id, low.id, dewa.id]  # the tie is put in demand order, the lower score stays last


# --- every active service of the real catalogue ---------------------------------------------


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


@pytest.fixture
def real_catalogue(recorder, monkeypatch, catalogue):
    import bot.route
    import service_catalog.loader

    by_id = catalogue.by_id()
    monkeypatch.setattr(service_catalog.loader, "get_service", by_id.get)
    router = SimpleNamespace(catalogue=catalogue)
    monkeypatch.setattr(
        bot.route,
        "default_router",
        lambda: SimpleNamespace(channel_for=lambda s: bot.route.Router.channel_for(router, s)),
    )
    return [s for s in catalogue.services if s.status == "active"]


ACTIONS = {
    "action_tell_fee": (ActionTellFee, "/ask_fee"),
    "action_tell_documents": (ActionTellDocuments, "/ask_documents"),
    "action_tell_channels": (ActionTellChannels, "/ask_channel"),
    "action_cannot_use_app": (ActionCannotUseApp, "/cannot_use_app"),
}


def _latin_in_arabic_replies(services, make_messages) -> tuple[dict[str, list[str]], Counter]:
    bad, words = {}, Counter()
    for service in services:
        found = [w for m in make_messages(service) for text in rendered(m, "ar") for w in latin_outside_urls(text)]
        if found:
            bad[service.id] = found
            words.update(found)
    return bad, words


def _report(bad: dict, words: Counter, services: list, what: str) -> str:
    sample = "; ".join(f"{sid}: {' '.join(ws[:6])}" for sid, ws in list(bad.items())[:8])
    return (
        f"{what}: {len(bad)} of {len(services)} active services give an Arabic reply with Latin letters outside URLs"
        f" (commonest words: {', '.join(w for w, _ in words.most_common(12))}). e.g. {sample}"
    )


@pytest.mark.parametrize("action_name", sorted(ACTIONS))
def test_every_active_service_answers_in_arabic(real_catalogue, action_name):
    action_class, payload = ACTIONS[action_name]

    def messages(service):
        tracker = make_tracker("followup_in_focus", text=payload, language="ar", service_id=service.id)
        return run(action_class(), tracker)[0].messages

    bad, words = _latin_in_arabic_replies(real_catalogue, messages)
    assert not bad, _report(bad, words, real_catalogue, action_name)


def test_every_active_service_is_routed_in_arabic(real_catalogue):
    """The main answer (action_find_service / action_choose_service / a follow-up naming a new service)."""

    def messages(service):
        tracker = make_tracker("clarify_offered", text="1", entities=[], language="ar", offered_services=[service.id])
        return run(ActionChooseService(), tracker)[0].messages

    bad, words = _latin_in_arabic_replies(real_catalogue, messages)
    assert not bad, _report(bad, words, real_catalogue, "utter_route_answer")


def test_every_active_service_is_offered_in_arabic(real_catalogue):
    def buttons(service):
        ref = ServiceRef(
            id=service.id,
            entity=service.id.split(".")[0],
            name_en=service.name_en,
            name_ar=service.name_ar,
            name_ar_verified=service.name_ar_verified,
            fee_aed=service.fee_aed,
        )
        answer = RouteAnswer(
            language="ar",
            out_of_scope=False,
            needs_clarification=True,
            service=ref,
            channel=None,
            alternatives=[],
            score=0.5,
        )
        return [{"response": "utter_clarify", "buttons": choice_buttons(answer, "ar")[0]}]

    bad, words = _latin_in_arabic_replies(real_catalogue, buttons)
    assert not bad, _report(bad, words, real_catalogue, "utter_clarify buttons")


def test_every_english_reply_names_the_english_channel(real_catalogue):
    wrong = []
    for service in real_catalogue:
        tracker = make_tracker("followup_in_focus", text="/ask_channel", language="en", service_id=service.id)
        channels = run(ActionTellChannels(), tracker)[0].messages[0]["channels"]
        if ARABIC.search(channels) and not any(ARABIC.search(c.name) for c in service.channels):
            wrong.append(service.id)
    assert not wrong, f"{len(wrong)} English replies carry Arabic channel names: {wrong[:10]}"
