"""Stemming for matching: Snowball for English, a light10-style light stemmer for Arabic.

"الرسوم"/"رسوم", "اقامتي"/"الاقامه", "المخالفات"/"مخالفه" meet on one stem. Input is
normalised (bot.text.normalise); the output is never shown to people.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import snowballstemmer

from bot.text import arabic

# A Snowball stemmer keeps the word it works on in itself: one per thread (the API routes in a pool).
_STEMMERS = threading.local()
# Longest first; the remaining stem keeps at least two letters (three after a possessive "تي").
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
_POSSESSIVE_T = "تي"  # اقامتي -> اقام, فاتورتي -> فاتور


def stem_arabic(word: str) -> str:
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix) :]
            break
    if word.startswith("\u0648") and len(word) >= 4:
        word = word[1:]
    if word.endswith(_POSSESSIVE_T) and len(word) - 2 >= 3:
        return word[:-2]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
    return word


def _english_stemmer():
    if not hasattr(_STEMMERS, "english"):
        _STEMMERS.english = snowballstemmer.stemmer("english")
    return _STEMMERS.english


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if arabic.WORD.match(word):
        return stem_arabic(word)
    if word.isascii() and word.isalpha():
        return _english_stemmer().stemWord(word)
    return word
