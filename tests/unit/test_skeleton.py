"""Arabizi and Arabic spellings of one word share a consonant skeleton; different words do not."""

import pytest

from bot.text.normalise import normalise_for_matching
from bot.text.skeleton import skeleton, transliterate_arabizi


def key(word):
    return skeleton(normalise_for_matching(word))


@pytest.mark.parametrize(
    "arabizi, arabic",
    [
        ("tajdeed", "\u062a\u062c\u062f\u064a\u062f"),  # تجديد
        ("fatorat", "\u0641\u0627\u062a\u0648\u0631\u0629"),  # فاتورة
        ("mo5alafat", "\u0645\u062e\u0627\u0644\u0641\u0627\u062a"),  # مخالفات
        ("mulkiya", "\u0627\u0644\u0645\u0644\u0643\u064a\u0629"),  # الملكية
        ("7osn", "\u062d\u0633\u0646"),  # حسن
        ("laysen", "\u0644\u064a\u0633\u0646\u064a"),  # ليسني
    ],
)
def test_arabizi_meets_arabic(arabizi, arabic):
    assert key(arabizi) == key(arabic) != ""


def test_different_words_keep_different_keys():
    assert key("tajdeed") != key("mulkiya")
    assert key("\u0633\u0627\u0644\u0643") != key("\u0646\u0648\u0644")  # سالك / نول


def test_digits_are_letters_in_arabizi():
    assert transliterate_arabizi("3a7") == "\u0639\u062d"


def test_numbers_and_single_letters_have_no_key():
    assert key("2024") == ""
    assert key("a") == ""


def test_doubled_arabizi_consonants_are_one_letter():
    assert key("ajaddid") == key("ajadid") == key("\u0627\u062c\u062f\u062f")  # اجدد
    assert key("asajjel") == key("asajel")
