"""Text -> matching units: spaCy tokenises (English and Arabic rules), we normalise and key.

A unit is one content word: its stem and its consonant skeleton, so that "renewal" meets
"renew", "الرسوم" meets "رسوم" and an Arabizi word meets its Arabic-script twin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import spacy

from bot.route.data_files import read_yaml
from bot.text import arabic
from bot.text.normalise import normalise_for_matching
from bot.text.skeleton import skeleton
from bot.text.stem import stem

LEXICON = Path(__file__).resolve().parent / "lexicon" / "function_words.yml"
THESAURUS = Path(__file__).resolve().parent / "lexicon" / "thesaurus.yml"
CONCEPT_PREFIX = "#"
# The longest thesaurus entry in words ("rukhsat giyada", "driving licence test"): spans are matched longest first.
MAX_CONCEPT_WORDS = 4
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
    concepts: tuple[str, ...] = ()  # thesaurus concepts this word (or the span it is in) says, prefixed

    def word_forms(self) -> tuple[str, ...]:
        """The word itself: its stem and skeleton."""
        return (self.word, self.key) if self.key else (self.word,)

    def forms(self) -> tuple[str, ...]:
        """Everything the word may meet in the catalogue: its stem, skeleton and thesaurus concepts."""
        return self.word_forms() + self.concepts


class Analyser:
    """Built once; `units` is a pure function of its input."""

    def __init__(self, lexicon_path: Path = LEXICON, thesaurus_path: Path | None = THESAURUS):
        lexicon = read_yaml(lexicon_path)
        self._english = spacy.blank("en").tokenizer
        self._arabic = spacy.blank("ar").tokenizer
        stop = set(spacy.blank("en").Defaults.stop_words) | set(spacy.blank("ar").Defaults.stop_words)
        stop |= {word for words in lexicon["stop"].values() for word in words}
        stop -= set(lexicon["keep"])
        self._stop = {normalise_for_matching(str(word)) for word in stop}
        self._arabizi_markers = {str(word) for word in lexicon["arabizi_markers"]}
        self._concepts: dict[tuple[str, ...], str] = {}
        if thesaurus_path:
            self._concepts = self._load_thesaurus(thesaurus_path)

    def _load_thesaurus(self, path: Path) -> dict[tuple[str, ...], str]:
        """Each entry as the stems it analyses to -> its concept ("motar", "vehicle", "سيارة" -> #vehicle)."""
        data = read_yaml(path)
        # Words many services use ("card", "number"): neither an entry nor what an entry reduces to once its
        # function words are gone ("top up card" -> "card").
        ambiguous = {tuple(unit.word for unit in self.units(str(word))) for word in data.get("stop_ambiguous", [])}
        entries: dict[tuple[str, ...], str] = {}
        for name, registers in data["concepts"].items():
            for word in (w for words in registers.values() for w in words or ()):
                stems = tuple(unit.word for unit in self.units(str(word)))
                if 0 < len(stems) <= MAX_CONCEPT_WORDS and stems not in ambiguous:
                    entries.setdefault(stems, CONCEPT_PREFIX + name)
        return entries

    def words(self, text: str) -> list[str]:
        """Normalised tokens of a text, punctuation and numbers dropped, stop words kept."""
        normalised = normalise_for_matching(text)
        arabic = len(_ARABIC_LETTER.findall(normalised)) > len(_LATIN_LETTER.findall(normalised))
        tokenizer = self._arabic if arabic else self._english
        return [token.text for token in tokenizer(normalised) if _WORDLIKE.search(token.text)]

    def units(self, text: str) -> list[Unit]:
        units = [self.unit_of(word) for word in self.words(text) if word not in self._stop]
        return self._with_concepts(units) if self._concepts else units

    @staticmethod
    def unit_of(word: str, concepts: tuple[str, ...] = ()) -> Unit:
        """One normalised word as a unit: its stem and consonant skeleton."""
        unit = _bare_unit(word)
        return replace(unit, concepts=concepts) if concepts else unit

    def _with_concepts(self, units: list[Unit]) -> list[Unit]:
        """Mark each span that is a thesaurus entry, longest first, with its concept."""
        concepts: list[list[str]] = [[] for _ in units]
        words = tuple(unit.word for unit in units)
        for length in range(min(MAX_CONCEPT_WORDS, len(units)), 0, -1):
            for start in range(len(units) - length + 1):
                concept = self._concepts.get(words[start : start + length])
                if concept and all(not concepts[i] for i in range(start, start + length)):
                    for i in range(start, start + length):
                        concepts[i].append(concept)
        return [replace(unit, concepts=tuple(found)) if found else unit for unit, found in zip(units, concepts)]

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


# Start-up analyses some 40k catalogue phrases that share most of their words: a word's stem and skeleton
# are computed once. With libyaml for the data files, make bench measured load + build 12.8 s -> 9.8 s.
@lru_cache(maxsize=1 << 16)
def _bare_unit(word: str) -> Unit:
    key = skeleton(word)
    return Unit(stem(word), SKELETON_PREFIX + key if key else "", word, ())


@lru_cache(maxsize=1)
def default_analyser() -> Analyser:
    return Analyser()
