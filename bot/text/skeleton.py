"""Consonant skeletons: one key shared by Arabic script and Arabizi spellings of a word.

"tajdeed", "تجديد" and "اجدد" all become "جدد"; "fatorat" and "فاتورة" become "فتر".
The input is already normalised (bot.text.normalise); the output is for matching only.
"""

from __future__ import annotations

import re

from bot.text.arabic import LETTERS as ARABIC_LETTERS

# Arabizi digraphs first, then single letters; vowels map to nothing.
_DIGRAPHS = (
    ("sh", "ش"),
    ("ch", "ش"),
    ("kh", "خ"),
    ("gh", "غ"),
    ("th", "ث"),
    ("dh", "ذ"),
    ("ou", "و"),
    ("ee", "ي"),
    ("oo", "و"),
)
_LETTERS = str.maketrans(
    {
        "b": "ب",
        "p": "ب",
        "t": "ت",
        "j": "ج",
        "g": "ج",
        "h": "ه",
        "d": "د",
        "r": "ر",
        "z": "ز",
        "s": "س",
        "c": "ك",
        "k": "ك",
        "q": "ق",
        "f": "ف",
        "v": "ف",
        "l": "ل",
        "m": "م",
        "n": "ن",
        "w": "و",
        "y": "ي",
        "x": "كس",
        "2": "ء",
        "3": "ع",
        "4": "ش",
        "5": "خ",
        "6": "ط",
        "7": "ح",
        "8": "ق",
        "9": "ص",
        "a": "",
        "e": "",
        "i": "",
        "o": "",
        "u": "",
    }
)
_LATIN_WORD = re.compile(r"^[a-z0-9']+$")
_DOUBLED_CONSONANT = re.compile(r"([b-df-hj-np-tv-z0-9])\1+")  # "ajaddid" is "ajadid": shadda, not two letters
_HAS_LETTER = re.compile(f"[a-z{ARABIC_LETTERS}]")
_WEAK = re.compile("[\u0627\u0648\u064a\u0621\u0649']")  # long vowels and hamza
_FINAL_HA = re.compile("\u0647$")  # taa marbuta after normalisation, or a trailing h
_DEFINITE = re.compile("^(?:[وفبلك]?ال|لل)(?=..)")
_VERB_OR_MASDAR_PREFIX = re.compile("^[اتينم](?=...)")
_FEMININE_PLURAL_T = re.compile("(?<=...)ت$")
# Letters that Arabizi writers do not tell apart (t/ط, s/ص, h/ح, k/ق ...) share one key.
_MERGE = str.maketrans({"ط": "ت", "ث": "ت", "ص": "س", "ض": "د", "ظ": "ز", "ذ": "ز", "ح": "ه", "ق": "ك", "غ": "خ"})


def transliterate_arabizi(word: str) -> str:
    """Latin Arabizi word -> rough Arabic consonants (digits 2 3 5 6 7 9 are letters)."""
    for latin, arabic in _DIGRAPHS:
        word = word.replace(latin, arabic)
    return word.translate(_LETTERS)


def skeleton(word: str) -> str:
    """Consonant key of one normalised word, or '' when nothing is left or it is a number."""
    if not _HAS_LETTER.search(word):
        return ""
    if _LATIN_WORD.match(word):
        if word.startswith(("el", "al")) and len(word) > 4:
            word = word[2:]
        word = transliterate_arabizi(_DOUBLED_CONSONANT.sub(r"\1", word))
    else:
        word = _DEFINITE.sub("", word)
    word = _WEAK.sub("", word).translate(_MERGE)
    word = _FEMININE_PLURAL_T.sub("", _FINAL_HA.sub("", word))
    word = _VERB_OR_MASDAR_PREFIX.sub("", word)
    return word if len(word) >= 2 else ""
