"""The route core on both languages, on vague and unrelated messages, and on bad input."""

import json
from pathlib import Path

import pytest

from bot.route import InvalidText

CASES = Path(__file__).resolve().parents[2] / "labelled" / "route_cases.jsonl"
WIDE_CASES = Path(__file__).resolve().parents[2] / "labelled" / "route_cases_wide.jsonl"
MIXED_CASES = Path(__file__).resolve().parents[2] / "labelled" / "route_cases_mixed.jsonl"
BLIND_CASES = Path(__file__).resolve().parents[2] / "labelled" / "route_cases_blind.jsonl"
FRESH_CASES = Path(__file__).resolve().parents[2] / "labelled" / "route_cases_fresh.jsonl"


@pytest.mark.parametrize(
    "text, service_id, language",
    [
        ("renew my driving licence", "rta.driving_licence.renew", "en"),
        ("I need to renew my driving license", "rta.driving_licence.renew", "en"),
        (
            "\u0623\u0631\u064a\u062f \u062a\u062c\u062f\u064a\u062f \u0631\u062e\u0635\u0629 \u0627\u0644\u0642\u064a\u0627\u062f\u0629",
            "rta.driving_licence.renew",
            "ar",
        ),  # أريد تجديد رخصة القيادة
        (
            "\u0627\u0628\u064a \u0627\u062c\u062f\u062f \u0627\u0644\u0644\u064a\u0633\u0646",
            "rta.driving_licence.renew",
            "ar",
        ),  # ابي اجدد الليسن
        ("abi ajaded el laysen", "rta.driving_licence.renew", "ar"),
        ("pay dewa bill", "dewa.bill.pay", "en"),
        ("abi adfa3 fatorat dewa", "dewa.bill.pay", "ar"),
        (
            "\u0627\u0628\u064a \u0634\u0647\u0627\u062f\u0629 \u062d\u0633\u0646 \u0633\u064a\u0631\u0629 \u0648\u0633\u0644\u0648\u0643",
            "dubai_police.good_conduct_certificate.issue",
            "ar",
        ),  # ابي شهادة حسن سيرة وسلوك
    ],
)
def test_routes_to_the_service_in_the_customers_language(router, text, service_id, language):
    answer = router.route(text)
    assert answer.service is not None and answer.service.id == service_id
    assert answer.language == language
    assert answer.out_of_scope is False
    assert answer.channel is not None and answer.channel.name


def test_answer_carries_the_preferred_channel_with_a_link(router):
    answer = router.route("renew my driving licence")
    assert answer.channel.kind == "app"
    assert "RTA" in answer.channel.name
    assert answer.channel.url.startswith("https://")
    assert answer.service.fee_aed == 320


def test_vague_request_asks_to_clarify_specific_one_does_not(router):
    vague = router.route("renew my licence")
    specific = router.route("renew my driving licence")
    assert vague.needs_clarification is True
    assert len({vague.service.id, *(a.id for a in vague.alternatives)}) >= 2
    assert specific.needs_clarification is False


@pytest.mark.parametrize(
    "text",
    [
        "I want to make a transaction",
        "abi a5les mu3amala",
        "wain asadid",
        "\u0648\u064a\u0646 \u0627\u0633\u062f\u062f",  # وين اسدد
        "I have a question about a service",
        "abi astafser 3an shay",
        "abi a3rf wain wasal talabi",
        "\u0627\u0628\u064a \u0627\u0637\u0628\u0639 \u0634\u0647\u0627\u062f\u0629",  # ابي اطبع شهادة
        # registering, extending, transferring without saying what
        "abi asajil",
        "need to transfer",
        "\u0627\u0628\u064a \u0627\u0645\u062f\u062f",  # ابي امدد
    ],
)
def test_a_transaction_a_payment_or_a_question_without_its_service_asks_which(router, text):
    answer = router.route(text)
    assert (answer.out_of_scope, answer.needs_clarification) == (False, True)
    assert answer.alternatives


def test_the_government_fees_service_is_named_not_general(router):
    # "government" is in a service's name: a general word would make "pay government fees" vague.
    answer = router.route("pay government fees")
    assert (answer.service.id, answer.needs_clarification) == ("dof.government_fees.pay", False)


@pytest.mark.parametrize("text", ["I have a question about my flight", "abi astafser 3an el ma6ar"])
def test_a_question_about_something_private_stays_out_of_scope(router, text):
    assert router.route(text).out_of_scope is True


@pytest.mark.parametrize(
    "text, service_id",
    [
        ("abi ajaded el mulkiya", "rta.vehicle_registration.renew"),
        (
            "\u0627\u0628\u064a \u0627\u062c\u062f\u062f \u0644\u064a\u0633\u0646\u064a",
            "rta.driving_licence.renew",
        ),  # ابي اجدد ليسني
    ],
)
def test_two_words_that_name_a_service_are_answered_without_asking(router, text, service_id):
    """Each word alone is used by many services; together they name one (no "which service?")."""
    answer = router.route(text)
    assert answer.service.id == service_id and answer.needs_clarification is False


def test_a_named_service_is_not_asked_about_when_bm25_alone_is_torn(router):
    """BM25 scores "Pay a DEWA bill in instalments with a partner bank credit card" within 5% of "Pay DEWA
    bill"; the learned retriever tells them apart, so the customer gets the bill payment, not a question."""
    answer = router.route("pay my DEWA bill")
    assert answer.service.id == "dewa.bill.pay" and answer.needs_clarification is False


@pytest.mark.parametrize(
    "text",
    [
        "tell me a joke",
        "\u0648\u064a\u0646 \u0627\u062d\u0633\u0646 \u0645\u0637\u0639\u0645",
        "who won the football match yesterday",
    ],
)
def test_unrelated_messages_are_out_of_scope(router, text):
    answer = router.route(text)
    assert answer.out_of_scope is True
    assert answer.service is None and answer.channel is None


def test_alternatives_are_other_services_best_first(router):
    answer = router.route("renew my licence")
    ids = [a.id for a in answer.alternatives]
    assert answer.service.id not in ids and len(ids) == len(set(ids)) >= 2
    scores = [a.score for a in answer.alternatives]
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_typo_is_forgiven(router):
    assert router.route("renew my drivng licnse").service.id == "rta.driving_licence.renew"


def test_a_preposition_written_onto_a_known_word_is_taken_off(router):
    # "ابي احجز تذاكر لبرواز دبي": "لبرواز" is "for the frame"; the catalogue says "برواز"
    units = router.index.query_units(
        "\u0627\u062d\u062c\u0632 \u062a\u0630\u0627\u0643\u0631 \u0644\u0628\u0631\u0648\u0627\u0632"
    )
    assert units[-1].surface == "\u0628\u0631\u0648\u0627\u0632"
    # A known word keeps its first letter even when it could be a preposition ("بطاقة", card).
    assert router.index.query_units("\u0628\u0637\u0627\u0642\u0629")[0].surface == "\u0628\u0637\u0627\u0642\u0647"


def test_arabic_normalisation_does_not_change_text_shown(router):
    answer = router.route(
        "\u062a\u062c\u062f\u064a\u062f \u0631\u062e\u0635\u0629 \u0627\u0644\u0642\u064a\u0627\u062f\u0629"
    )
    assert "\u0629" in answer.service.name_ar  # taa marbuta kept in the name shown


def test_control_characters_are_ignored(router):
    assert router.route("pay\u0000 dewa\u200f bill\u0007").service.id == "dewa.bill.pay"


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty"),
        ("   \n\t", "empty"),
        ("x" * 10_000, "longer than"),
        ("\U0001f600\U0001f44d", "no words"),
        ("\u0000\u0001", "no words"),
        (None, "string"),
        (42, "string"),
    ],
)
def test_bad_text_gets_a_clear_error(router, text, reason):
    with pytest.raises(InvalidText, match=reason):
        router.route(text)


def _scored(router, tmp_path, labels: Path, split: str | None = None) -> dict:
    """Route labelled messages (ours, not the shared dev set) and score them like the dev set."""
    import subprocess
    import sys

    from bot.settings import get_settings

    scorer = get_settings().scorer_path
    if not scorer.exists():
        pytest.skip(f"shared scorer not found at {scorer}")
    rows = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [row for row in rows if split is None or row["split"] == split]
    cases, answers = tmp_path / "cases.jsonl", tmp_path / "answers.jsonl"
    cases.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    answers.write_text(
        "".join(
            json.dumps(router.route(row["text"], row["id"]).model_dump(), ensure_ascii=False) + "\n" for row in rows
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(scorer), str(cases), str(answers), "--json"], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_own_labelled_cases_stay_accurate(router, tmp_path):
    figures = _scored(router, tmp_path, CASES)
    assert figures["kind:in_scope"]["top1"] >= 0.9
    assert figures["kind:in_scope"]["top3"] >= 0.95
    assert figures["kind:out_of_scope"]["top1"] >= 0.9  # 0.95 measured (the scope model learns from this set)


@pytest.mark.parametrize("split", ["calibrate", "holdout"])
def test_wide_labelled_cases_stay_accurate(router, tmp_path, split):
    """160 in-scope and 160 out-of-scope messages of our own over the five language slices; the
    scope model (bot/route/scope.py) learns from the calibrate half only. Measured: in-scope top-1 0.99
    / 0.98, top-3 1.00 / 0.99; out-of-scope 0.97 (calibrate) and 0.93 (holdout)."""
    figures = _scored(router, tmp_path, WIDE_CASES, split)
    assert figures["kind:in_scope"]["top1"] >= 0.9
    assert figures["kind:in_scope"]["top3"] >= 0.95
    assert figures["kind:out_of_scope"]["top1"] >= 0.88


def test_mixed_script_and_context_word_cases_stay_accurate(router, tmp_path):
    """70 in-scope messages as customers write them: Arabic and English words in one message,
    Gulf and Arabizi with context words ('my son', 'باجر', 'حق الخدامة'). Measured in-scope
    top-1 0.83 / top-3 0.86 before the catalogue synonyms for them, 0.93 / 0.94 after; 0.98 / 0.99
    since the scope model, which learns from this set (so these are training figures for scope)."""
    figures = _scored(router, tmp_path, MIXED_CASES)
    assert figures["kind:in_scope"]["top1"] >= 0.88
    assert figures["kind:in_scope"]["top3"] >= 0.9


@pytest.mark.parametrize("split", ["calibrate", "holdout"])
def test_blind_labelled_cases_stay_accurate(router, tmp_path, split):
    """400 messages written by people who saw only the services' official names (no synonyms, no
    router), in all five registers: 280 in scope, 90 out of scope, 30 vague. No part of them
    trains the scope model. Measured in-scope top-1 0.82 / 0.82, top-3 0.90 / 0.89; out-of-scope
    0.79 / 0.93 (calibrate / holdout)."""
    figures = _scored(router, tmp_path, BLIND_CASES, split)
    assert figures["kind:in_scope"]["top1"] >= 0.78
    assert figures["kind:in_scope"]["top3"] >= 0.85
    assert figures["kind:out_of_scope"]["top1"] >= 0.75


@pytest.mark.parametrize("split", ["calibrate", "holdout"])
def test_fresh_labelled_cases_stay_accurate(router, tmp_path, split):
    """465 messages written by a helper who saw only the services' official names (283 services, 35
    entities), in all five registers, 59% of the in-scope ones describing a need: 351 in scope, 68 out
    of scope (private-sector lookalikes among them), 46 vague. Its calibrate half trains the scope
    model; the holdout half never does. Measured in-scope top-1 0.943 / 0.943, top-3 0.955 / 0.954;
    out of scope 0.900 / 0.895 (calibrate / holdout)."""
    figures = _scored(router, tmp_path, FRESH_CASES, split)
    assert figures["kind:in_scope"]["top1"] >= 0.9
    assert figures["kind:in_scope"]["top3"] >= 0.92
    assert figures["kind:out_of_scope"]["top1"] >= 0.85


@pytest.mark.parametrize(
    "text, entity",
    [
        ("dewa", "dewa"),
        ("i need something from rta", "rta"),
        ("el hijra", "gdrfa"),
        ("\u0628\u0644\u062f\u064a\u0629 \u062f\u0628\u064a", "dm"),  # بلدية دبي
    ],
)
def test_a_message_that_only_names_an_entity_asks_with_its_most_used_services(router, text, entity):
    answer = router.route(text)
    offered = [answer.service, *answer.alternatives]
    assert answer.out_of_scope is False and answer.needs_clarification is True
    assert {o.entity for o in offered} == {entity} and len(offered) >= 3
    rank = {"high": 0, "medium": 1, "low": 2}
    ranks = {s.id: rank[s.demand] for s in router.catalogue.services if s.status == "active"}
    entity_best = min(r for sid, r in ranks.items() if sid.startswith(entity + "."))
    assert [ranks[o.id] for o in offered] == sorted(ranks[o.id] for o in offered)
    assert ranks[offered[0].id] == entity_best


def test_an_entity_word_beside_a_service_word_is_not_only_the_entity(router):
    assert router.named_entity(router.analyser.units("pay dewa bill")) is None
    assert router.named_entity(router.analyser.units("dubai")) is None  # in many entities' names


@pytest.mark.parametrize(
    "text", ["I want a certificate", "\u0627\u0628\u064a \u062a\u0635\u0631\u064a\u062d"]
)  # ابي تصريح
def test_only_general_service_words_ask_which_service(router, text):
    answer = router.route(text)
    assert answer.out_of_scope is False and answer.needs_clarification is True
    assert len({answer.service.id, *(a.id for a in answer.alternatives)}) >= 2


@pytest.mark.parametrize(
    "text, service_id",
    [
        ("apply for hotel classification star rating", "det.hotel_classification.apply"),
        # Known miss since the scope model: "bank" (an everyday word) beside the service's own name leaves
        # it at p 0.48, just under the line; "move my mortgage to a new bank" (0.83) is routed.
        pytest.param(
            "transfer my mortgage to another bank",
            "dld.mortgage.transfer",
            marks=pytest.mark.xfail(strict=True, reason="scope model p 0.48 with an everyday word"),
        ),
        ("move my mortgage to a new bank", "dld.mortgage.transfer"),
        ("report a restaurant for food poisoning", "dm.food_complaint.report"),
        ("pay dubai mall parking with salik", "salik.dubai_mall_parking.pay"),
        ("health card for salon worker", "dha.occupational_health_card.issue"),
        ("pay dewa bill in instalments with credit card", "dewa.bill.instalments"),
    ],
)
def test_everyday_word_beside_a_named_service_is_still_routed(router, text, service_id):
    """Everyday-domain words (bot/route/lexicon/everyday_domains.yml) are no evidence, but do not hide a
    service the rest of the message names."""
    answer = router.route(text)
    assert answer.out_of_scope is False and answer.service.id == service_id


@pytest.mark.parametrize(
    "text",
    [
        "renew my fitness club membership",
        "cancel my spotify",
        "\u0627\u0628\u064a \u0627\u062d\u062c\u0632 \u0641\u0646\u062f\u0642",  # ابي احجز فندق
        "abi a7jiz fondoq fi abu dhabi",
        "pay my adcb credit card",
        "\u0627\u0628\u064a \u0627\u0644\u063a\u064a \u0627\u0634\u062a\u0631\u0627\u0643 \u0627\u0644\u062c\u064a\u0645",  # ابي الغي اشتراك الجيم
    ],
)
def test_private_sector_lookalikes_are_out_of_scope(router, text):
    assert router.route(text).out_of_scope is True


def test_everyday_lexicon_entries_are_single_words():
    import yaml

    from bot.route.analyse import default_analyser
    from bot.route.index import EVERYDAY_LEXICON

    analyser = default_analyser()
    lexicon = yaml.safe_load(EVERYDAY_LEXICON.read_text(encoding="utf-8"))
    for languages in lexicon.values():
        for words in languages.values():
            for word in words:
                assert len(analyser.units(str(word))) == 1, word


def test_everyday_frequency_counts_every_spelling_of_an_arabic_word():
    """wordfreq has "شاطئ" and "الإقامة"; the normalised "شاطي" and "الاقامه" are the same words."""
    from wordfreq import zipf_frequency

    from bot.route.index import arabic_everyday_zipf

    for written, normalised in [
        ("\u0634\u0627\u0637\u0626", "\u0634\u0627\u0637\u064a"),
        ("\u0627\u0644\u0625\u0642\u0627\u0645\u0629", "\u0627\u0644\u0627\u0642\u0627\u0645\u0647"),
    ]:
        assert zipf_frequency(normalised, "ar") < zipf_frequency(written, "ar")
        assert arabic_everyday_zipf(normalised) >= zipf_frequency(written, "ar")


@pytest.mark.parametrize(
    "text, service_id",
    [
        ("my emirates id is 784-1990-1234567-1, renew my driving licence", "rta.driving_licence.renew"),
        ("my emirates id is ***, renew my driving licence", "rta.driving_licence.renew"),  # as Rasa stores it
        ("my phone is +971501234567, pay my dewa bill", "dewa.bill.pay"),
        # رقم هويتي ٧٨٤١٩٩٠١٢٣٤٥٦٧١ ابي اجدد رخصة القيادة (my ID number ..., I want to renew my driving licence)
        (
            "\u0631\u0642\u0645 \u0647\u0648\u064a\u062a\u064a "
            "\u0667\u0668\u0664\u0661\u0669\u0669\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0661 "
            "\u0627\u0628\u064a \u0627\u062c\u062f\u062f \u0631\u062e\u0635\u0629 \u0627\u0644\u0642\u064a\u0627\u062f\u0629",
            "rta.driving_licence.renew",
        ),
        ("renew emirates id 784199012345671", "uaepass_icp.emirates_id.renew"),  # the request itself stays
    ],
)
def test_stated_personal_data_does_not_decide_the_service(router, text, service_id):
    """Without leaving the stated data out, "emirates id" outweighed the driving licence asked for."""
    answer = router.route(text)
    assert answer.service is not None and answer.service.id == service_id
    assert not answer.out_of_scope and not answer.needs_clarification


def test_channel_gives_the_services_own_page_before_a_homepage_and_its_arabic_name(router):
    from service_catalog.schema import Channel

    service = router.catalogue.by_id()["rta.driving_licence.renew"]
    page = "https://www.rta.ae/wps/portal/rta/ae/home/rta-services/service-details?serviceId=1"
    service = service.model_copy(
        update={
            "channels": [
                Channel(kind="app", name="RTA Dubai app", name_ar="تطبيق الهيئة", url="https://www.rta.ae/en"),
                Channel(kind="website", name="rta.ae", url="https://www.rta.ae"),
                Channel(kind="website", name="rta.ae", url=page),
            ]
        }
    )
    channel = router.channel_for(service)
    assert (channel.kind, channel.name, channel.name_ar, channel.url) == ("app", "RTA Dubai app", "تطبيق الهيئة", page)
    # no link of its own: its entity's first, the RTA app's store listing (app_listings.yml)
    bare = service.model_copy(update={"channels": [Channel(kind="kiosk", name="RTA kiosks")]})
    assert router.channel_for(bare).url == "https://apps.apple.com/ae/app/rta-dubai/id426109507"


def test_an_apps_store_listing_comes_after_the_services_own_page_and_before_a_homepage(router):
    from service_catalog.schema import Channel

    service = router.catalogue.by_id()["rta.driving_licence.renew"]
    listing = "https://apps.apple.com/ae/app/rta-dubai/id426109507"
    page = "https://www.rta.ae/wps/portal/rta/ae/home/rta-services/service-details?serviceId=1"
    app = Channel(kind="app", name="RTA Dubai app", url=listing)
    home = Channel(kind="website", name="rta.ae", url="https://www.rta.ae")
    with_page = service.model_copy(update={"channels": [app, home, Channel(kind="website", name="rta.ae", url=page)]})
    assert router.channel_for(with_page).url == page
    assert router.channel_for(service.model_copy(update={"channels": [home, app]})).url == listing


def test_every_service_with_a_page_of_its_own_answers_with_it(router):
    """The route answer's link is what the reply, the WhatsApp message and the lookup's QR code carry:
    whenever one of a service's channels links its own page, the answer gives that page, not a homepage."""
    from service_catalog.quality import is_homepage

    gave_homepage = [
        service.id
        for service in router.catalogue.services
        if service.status == "active"
        and any(c.url and c.url.startswith("http") and not is_homepage(c.url) for c in service.channels)
        and is_homepage(router.channel_for(service).url)
    ]
    assert not gave_homepage, gave_homepage[:15]
