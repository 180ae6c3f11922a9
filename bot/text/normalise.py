"""Arabic and Latin normalisers used for matching only, never for text shown to people.

Each function does one transform; regexes are compiled once.
"""

from __future__ import annotations

import re
import unicodedata

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = re.compile("\u0640")
# The accusative ending written with its tanween ("وصياً", "فوراً", "جداً"): the alif is the ending, not the
# word's own, so it goes with the mark; "وصيا" without the mark may be a word's own alif and stays.
_TANWEEN_ALEF = re.compile("(?<=[\u0621-\u064a])(?:\u0627\u064b|\u064b\u0627)(?![\u0621-\u065f])")
_ALEF_FORMS = re.compile("[\u0622\u0623\u0625\u0671]")  # آ أ إ ٱ -> ا
_HAMZA_ON_WAW = re.compile("\u0624")  # ؤ -> و
_HAMZA_ON_YA = re.compile("\u0626")  # ئ -> ي
_ALEF_MAQSURA = re.compile("\u0649")  # ى -> ي
_TAA_MARBUTA = re.compile("\u0629")  # ة -> ه
_CONTROL = re.compile(
    r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_SPACES = re.compile(r"\s+")
# An Arabic prefix written onto an English word in mixed messages ("الvisa", "بالapp", "حقthe"): the
# boundary between the two scripts is a word boundary.
_SCRIPT_BOUNDARY = re.compile("(?<=[\u0621-\u064a])(?=[a-z])|(?<=[a-z])(?=[\u0621-\u064a])")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PERSIAN_LETTERS = str.maketrans({"\u06a9": "\u0643", "\u06cc": "\u064a", "\u06af": "\u0643"})  # ک ی گ


def strip_diacritics(text: str) -> str:
    return _DIACRITICS.sub("", text)


def strip_tanween_alef(text: str) -> str:
    return _TANWEEN_ALEF.sub("", text)


def strip_tatweel(text: str) -> str:
    return _TATWEEL.sub("", text)


def normalise_alef(text: str) -> str:
    return _ALEF_FORMS.sub("\u0627", text)


def normalise_hamza(text: str) -> str:
    return _HAMZA_ON_YA.sub("\u064a", _HAMZA_ON_WAW.sub("\u0648", text))


def normalise_alef_maqsura(text: str) -> str:
    return _ALEF_MAQSURA.sub("\u064a", text)


def normalise_taa_marbuta(text: str) -> str:
    return _TAA_MARBUTA.sub("\u0647", text)


def arabic_indic_digits_to_ascii(text: str) -> str:
    return text.translate(_DIGITS)


def persian_letters_to_arabic(text: str) -> str:
    return text.translate(_PERSIAN_LETTERS)


# The Arabic letter rules above as one table, for folding many words at once (word lists).
_ARABIC_FOLDS = str.maketrans(
    {
        **dict.fromkeys("\u0622\u0623\u0625\u0671", "\u0627"),
        "\u0624": "\u0648",
        "\u0626": "\u064a",
        "\u0649": "\u064a",
        "\u0629": "\u0647",
        "\u0640": None,
        "\u06a9": "\u0643",
        "\u06cc": "\u064a",
        "\u06af": "\u0643",
        **dict.fromkeys(chr(c) for c in (*range(0x610, 0x61B), *range(0x64B, 0x660), 0x670, *range(0x6D6, 0x6EE))),
    }
)


def fold_arabic_letters(word: str) -> str:
    """What normalise_for_matching does to the letters of one lower-case Arabic word, in one pass."""
    return word.translate(_ARABIC_FOLDS)


def strip_control(text: str) -> str:
    """Remove control and bidi-formatting characters (keep tab and newline as spaces)."""
    return _CONTROL.sub("", text)


def split_scripts(text: str) -> str:
    """A space where Arabic letters and Latin letters meet inside a word (lower-case text)."""
    return _SCRIPT_BOUNDARY.sub(" ", text)


def collapse_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def normalise_for_matching(text: str) -> str:
    """The whole chain, in order: compatibility forms, case, Arabic letter forms, digits, scripts, spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = strip_control(text).lower()
    text = strip_diacritics(strip_tanween_alef(strip_tatweel(text)))
    text = normalise_alef(normalise_hamza(text))
    text = normalise_alef_maqsura(normalise_taa_marbuta(text))
    text = persian_letters_to_arabic(arabic_indic_digits_to_ascii(text))
    return collapse_spaces(split_scripts(text))
