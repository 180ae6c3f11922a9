"""Each normaliser, both ways round: it changes what it should (start, middle, end) and nothing else."""

import pytest

from bot.text import normalise as n

ALEF, ALEF_HAMZA_ABOVE, ALEF_HAMZA_BELOW, ALEF_MADDA, ALEF_WASLA = "\u0627", "\u0623", "\u0625", "\u0622", "\u0671"
YA, ALEF_MAQSURA, HA, TAA_MARBUTA = "\u064a", "\u0649", "\u0647", "\u0629"
WAW, WAW_HAMZA, YA_HAMZA = "\u0648", "\u0624", "\u0626"
FATHA, SHADDA, SUKUN, TATWEEL = "\u064e", "\u0651", "\u0652", "\u0640"


@pytest.mark.parametrize("variant", [ALEF_HAMZA_ABOVE, ALEF_HAMZA_BELOW, ALEF_MADDA, ALEF_WASLA])
def test_alef_forms_become_bare_alef_at_start_middle_end(variant):
    text = f"{variant}\u0628{variant}\u0628{variant}"
    assert n.normalise_alef(text) == f"{ALEF}\u0628{ALEF}\u0628{ALEF}"


def test_bare_alef_and_other_letters_are_left_alone():
    text = "\u0627\u0628\u062a\u0627"
    assert n.normalise_alef(text) == text


def test_hamza_on_waw_and_ya():
    assert n.normalise_hamza(f"{WAW_HAMZA}\u0633{YA_HAMZA}") == f"{WAW}\u0633{YA}"
    assert n.normalise_hamza(f"{WAW}\u0633{YA}") == f"{WAW}\u0633{YA}"


def test_alef_maqsura_becomes_ya_and_ya_stays():
    assert (
        n.normalise_alef_maqsura(f"{ALEF_MAQSURA}\u0639{ALEF_MAQSURA}\u0639{ALEF_MAQSURA}")
        == f"{YA}\u0639{YA}\u0639{YA}"
    )
    assert n.normalise_alef_maqsura(f"\u0639{YA}") == f"\u0639{YA}"


def test_taa_marbuta_becomes_ha_and_ha_stays():
    assert (
        n.normalise_taa_marbuta(f"{TAA_MARBUTA}\u0631{TAA_MARBUTA}\u0631{TAA_MARBUTA}") == f"{HA}\u0631{HA}\u0631{HA}"
    )
    assert n.normalise_taa_marbuta(f"\u0631{HA}") == f"\u0631{HA}"


def test_diacritics_removed_everywhere_letters_kept():
    assert n.strip_diacritics(f"{FATHA}\u0628{SHADDA}\u062a{SUKUN}") == "\u0628\u062a"
    assert n.strip_diacritics("\u0628\u062a") == "\u0628\u062a"


def test_the_accusative_alif_goes_with_its_tanween_only_at_a_words_end():
    wasi, alif, tanween = "\u0648\u0635\u064a", "\u0627", "\u064b"  # وصي, ا, ً
    assert n.strip_tanween_alef(f"{wasi}{alif}{tanween} \u0639\u0644\u064a\u0647") == f"{wasi} \u0639\u0644\u064a\u0647"
    assert n.strip_tanween_alef(f"{wasi}{tanween}{alif}.") == f"{wasi}."
    assert n.strip_tanween_alef(f"{wasi}{alif}") == f"{wasi}{alif}"  # no mark: maybe the word's own alif
    assert n.strip_tanween_alef(f"{alif}{tanween}\u0628") == f"{alif}{tanween}\u0628"  # inside a word
    assert n.normalise_for_matching("\u0641\u0648\u0631\u0627\u064b") == "\u0641\u0648\u0631"  # فوراً


def test_tatweel_removed_everywhere():
    assert n.strip_tatweel(f"{TATWEEL}\u0628{TATWEEL}\u062a{TATWEEL}") == "\u0628\u062a"
    assert n.strip_tatweel("\u0628\u062a") == "\u0628\u062a"


def test_arabic_indic_and_persian_digits_become_ascii():
    assert n.arabic_indic_digits_to_ascii("\u0660\u0661\u0662 \u06f3\u06f4\u06f9") == "012 349"
    assert n.arabic_indic_digits_to_ascii("2024") == "2024"


def test_control_and_bidi_marks_removed_text_kept():
    assert n.strip_control("\u200fpay\u0000 bill\u202e") == "pay bill"
    assert n.strip_control("\ud800pay bill\udfff") == "pay bill"  # lone surrogates (JSON "\\ud800")
    assert n.strip_control("pay bill") == "pay bill"


def test_chain_is_case_insensitive_and_collapses_spaces():
    assert n.normalise_for_matching("  Pay   DEWA\tBill ") == "pay dewa bill"


def test_chain_folds_every_arabic_variant_to_one_form():
    shown = f"\u0623\u064f\u062c\u064e\u062f{SHADDA}\u062f \u0627\u0644\u0625\u0642\u0627\u0645{TATWEEL}{TAA_MARBUTA} \u0662\u0660"
    assert n.normalise_for_matching(shown) == "\u0627\u062c\u062f\u062f \u0627\u0644\u0627\u0642\u0627\u0645\u0647 20"


def test_presentation_forms_are_folded():
    assert n.normalise_for_matching("\ufefb") == "\u0644\u0627"


@pytest.mark.parametrize(
    "word",
    [
        "\u0625\u0642\u0627\u0645\u0629",  # إقامة: hamza under alef at the start, taa marbuta at the end
        "\u0645\u0633\u0624\u0648\u0644",  # مسؤول: hamza on waw in the middle
        "\u0634\u0627\u0637\u0626",  # شاطئ: hamza on ya at the end
        "\u0645\u0633\u062a\u0634\u0641\u0649",  # مستشفى: alef maqsura at the end
        f"\u0623\u064f\u062c\u064e\u062f{SHADDA}\u062f{TATWEEL}",  # diacritics and tatweel
        "\u06a9\u062a\u0627\u0628\u06cc",  # Persian kaf and ya
        "\u0628\u064a\u062a",  # nothing to fold
    ],
)
def test_bulk_letter_fold_agrees_with_the_chain(word):
    """The one-pass fold (for whole word lists) must do what the rule-by-rule chain does."""
    assert n.fold_arabic_letters(word) == n.normalise_for_matching(word)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("\u0627\u0644visa", "\u0627\u0644 visa"),  # الvisa
        ("\u0628\u0627\u0644app", "\u0628\u0627\u0644 app"),  # بالapp
        ("card\u062d\u0642", "card \u062d\u0642"),
        (
            "visa \u0627\u0644\u0639\u0627\u0626\u0644\u0629",
            "visa \u0627\u0644\u0639\u0627\u0626\u0644\u0629",
        ),  # already apart
        ("5alas 3a6al", "5alas 3a6al"),  # Arabizi digits are not Arabic letters
    ],
)
def test_split_scripts_puts_a_space_where_arabic_meets_latin(text, expected):
    assert n.split_scripts(text) == expected


def test_matching_splits_an_arabic_article_from_an_english_word():
    assert n.normalise_for_matching("\u0646\u0648\u0639 \u0627\u0644VISA") == "\u0646\u0648\u0639 \u0627\u0644 visa"
