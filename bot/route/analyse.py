"""Text -> matching units: spaCy tokenises (English and Arabic rules), we normalise and key.

A unit is one content word: its stem and its consonant skeleton, so that "renewal" meets
"renew", "الرسوم" meets "رسوم" and an Arabizi word meets its Arabic-script twin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
import yaml

from bot.text import arabic
from bot.text.normalise import normalise_for_matching
from bot.text.skeleton import skeleton
from bot.text.stem import stem

LEXICON = Path(__file__).resolve().parent / "lexicon" / "function_words.yml"
_ARABIC_LETTER = re.compile(f"[{arabic.LETTERS}]")
_LATIN_LETTER = re.compile("[a-z]")
_WORDLIKE = re.compile(f"[a-z{arabic.LETTERS}]")
_ARABIZI_DIGIT_WORD = re.compile(r"^(?=.*[a-z])(?=.*[235679])[a-z0-9']+$")
SKELETON_PREFIX = "~"


@dataclass(frozen=True)
class Unit:
    word: str  # the stem of the normalised word
    key: str  # consonant skeleton, prefixed; '' when the word has none
    surface: str = ""  # the normalised word itself, for word-frequency look-ups

    def forms(self) -> tuple[str, ...]:
        return (self.word, self.key) if self.key else (self.word,)


class Analyser:
    """Built once; `units` is a pure function of its input."""

    def __init__(self, lexicon_path: Path = LEXICON):
        lexicon = yaml.safe_load(lexicon_path.read_text(encoding="utf-8"))
        self._english = spacy.blank("en").tokenizer
        self._arabic = spacy.blank("ar").tokenizer
        stop = set(spacy.blank("en").Defaults.stop_words) | set(spacy.blank("ar").Defaults.stop_words)
        stop |= {word for words in lexicon["stop"].values() for word in words}
        stop -= set(lexicon["keep"])
        self._stop = {normalise_for_matching(str(word)) for word in stop}
        self._arabizi_markers = {str(word) for word in lexicon["arabizi_markers"]}

    def words(self, text: str) -> list[str]:
        """Normalised tokens of a text, punctuation and numbers dropped, stop words kept."""
        normalised = normalise_for_matching(text)
        arabic = len(_ARABIC_LETTER.findall(normalised)) > len(_LATIN_LETTER.findall(normalised))
        tokenizer = self._arabic if arabic else self._english
        return [token.text for token in tokenizer(normalised) if _WORDLIKE.search(token.text)]

    def units(self, text: str) -> list[Unit]:
        units = []
        for word in self.words(text):
            if word in self._stop:
                continue
            key = skeleton(word)
            units.append(Unit(stem(word), SKELETON_PREFIX + key if key else "", word))
        return units

    def detect_language(self, text: str) -> str:
        """'ar' for Arabic script or Arabizi, 'en' otherwise (the language to reply in)."""
        normalised = normalise_for_matching(text)
        arabic = len(_ARABIC_LETTER.findall(normalised))
        latin = len(_LATIN_LETTER.findall(normalised))
        if arabic and arabic >= latin / 3:
            return "ar"
        words = self.words(text)
        arabizi = sum(1 for w in words if w in self._arabizi_markers or _ARABIZI_DIGIT_WORD.match(w))
        return "ar" if words and arabizi / len(words) >= 0.2 else "en"


@lru_cache(maxsize=1)
def default_analyser() -> Analyser:
    return Analyser()
