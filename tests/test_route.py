"""The route core on both languages, on vague and unrelated messages, and on bad input."""
import json
from pathlib import Path

import pytest

from bot.route import InvalidText

CASES = Path(__file__).parent / "data" / "route_cases.jsonl"


@pytest.mark.parametrize("text, service_id, language", [
    ("renew my driving licence", "rta.driving_licence.renew", "en"),
    ("I need to renew my driving license", "rta.driving_licence.renew", "en"),
    ("\u0623\u0631\u064a\u062f \u062a\u062c\u062f\u064a\u062f \u0631\u062e\u0635\u0629 \u0627\u0644\u0642\u064a\u0627\u062f\u0629", "rta.driving_licence.renew", "ar"),  # أريد تجديد رخصة القيادة
    ("\u0627\u0628\u064a \u0627\u062c\u062f\u062f \u0627\u0644\u0644\u064a\u0633\u0646", "rta.driving_licence.renew", "ar"),  # ابي اجدد الليسن
    ("abi ajaded el laysen", "rta.driving_licence.renew", "ar"),
    ("pay dewa bill", "dewa.bill.pay", "en"),
    ("abi adfa3 fatorat dewa", "dewa.bill.pay", "ar"),
    ("\u0627\u0628\u064a \u0634\u0647\u0627\u062f\u0629 \u062d\u0633\u0646 \u0633\u064a\u0631\u0629 \u0648\u0633\u0644\u0648\u0643", "dubai_police.good_conduct_certificate.issue", "ar"),  # ابي شهادة حسن سيرة وسلوك
])
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


@pytest.mark.parametrize("text", ["tell me a joke", "\u0648\u064a\u0646 \u0627\u062d\u0633\u0646 \u0645\u0637\u0639\u0645", "who won the football match yesterday"])
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


def test_arabic_normalisation_does_not_change_text_shown(router):
    answer = router.route("\u062a\u062c\u062f\u064a\u062f \u0631\u062e\u0635\u0629 \u0627\u0644\u0642\u064a\u0627\u062f\u0629")
    assert "\u0629" in answer.service.name_ar  # taa marbuta kept in the name shown


def test_control_characters_are_ignored(router):
    assert router.route("pay\u0000 dewa\u200f bill\u0007").service.id == "dewa.bill.pay"


@pytest.mark.parametrize("text, reason", [
    ("", "empty"), ("   \n\t", "empty"), ("x" * 10_000, "longer than"), ("\U0001F600\U0001F44D", "no words"),
    ("\u0000\u0001", "no words"), (None, "string"), (42, "string"),
])
def test_bad_text_gets_a_clear_error(router, text, reason):
    with pytest.raises(InvalidText, match=reason):
        router.route(text)


def test_own_labelled_cases_stay_accurate(router, tmp_path):
    """Our own labelled messages (not the shared dev set), scored like the dev set."""
    import subprocess
    import sys

    from bot.settings import get_settings

    scorer = get_settings().scorer_path
    if not scorer.exists():
        pytest.skip(f"shared scorer not found at {scorer}")
    answers = tmp_path / "answers.jsonl"
    with open(CASES, encoding="utf-8") as labels, open(answers, "w", encoding="utf-8") as out:
        for line in labels:
            row = json.loads(line)
            out.write(json.dumps(router.route(row["text"], row["id"]).model_dump(), ensure_ascii=False) + "\n")
    result = subprocess.run([sys.executable, str(scorer), str(CASES), str(answers), "--json"],
                            capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout)
    assert figures["kind:in_scope"]["top1"] >= 0.9
    assert figures["kind:in_scope"]["top3"] >= 0.95
    assert figures["kind:out_of_scope"]["top1"] >= 0.7


@pytest.mark.parametrize("text", ["I want a certificate", "\u0627\u0628\u064a \u062a\u0635\u0631\u064a\u062d"])  # ابي تصريح
def test_only_general_service_words_ask_which_service(router, text):
    answer = router.route(text)
    assert answer.out_of_scope is False and answer.needs_clarification is True
    assert len({answer.service.id, *(a.id for a in answer.alternatives)}) >= 2
