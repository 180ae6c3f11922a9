"""The search index over the catalogue: BM25 (bm25s, sparse matrices) on names, synonyms
and entity names in both languages, plus a fuzzy vocabulary for typos (rapidfuzz)."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
from rapidfuzz import fuzz, process
from wordfreq import get_frequency_dict, zipf_frequency

from bot.route.analyse import Analyser, Unit
from bot.route.data_files import read_yaml
from bot.text import arabic
from bot.text.normalise import fold_arabic_letters
from service_catalog.loader import Catalogue
from service_catalog.schema import Service

MIN_FUZZY_LENGTH = 4
FUZZY_CUTOFF = 84
# A Latin word this common in English is English, not Arabizi: its skeleton proves nothing.
ENGLISH_ZIPF = 3.0
# A match on the skeleton alone (another spelling or form of the word) is half the evidence.
SKELETON_ONLY_WEIGHT = 0.5
# A word the service's text does not use whose thesaurus concept it carries ("roadworthiness": vehicle
# inspection; "airbnb" for a holiday-home permit) is another word for it: half the evidence, like another
# spelling. Measured on the calibrate halves: fresh in scope 0.943 -> 0.949, needs out of scope 0.912 -> 0.941,
# nothing lower. Its concept says what the word means, not how rare the word is: no keyness from it.
CONCEPT_ONLY_WEIGHT = 0.5
MAX_ZIPF = 7.0
# One-letter prepositions and conjunctions written onto a word, and their pairs ("وب", "فل"), longest first.
PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "ب", "ل", "ك", "ف", "و")
MIN_PROCLITIC_REST = 3
# BM25 finds candidates; the one with a name or synonym that says what the message says wins.
RERANK_DEPTH = 30
PHRASE_BONUS = 1.0
# Everyday and commercial words (airlines, hotels, banks' cards, shops, gyms, weather, sport...): never
# evidence for a service; each weighs at least half the rarest word's weight as an unexplained word.
EVERYDAY_LEXICON = Path(__file__).resolve().parent / "lexicon" / "everyday_domains.yml"
EVERYDAY_WEIGHT = 0.5


def service_phrases(service: Service, catalogue: Catalogue) -> list[str]:
    """Everything a customer may call this service by or say about needing it, its entity's names included."""
    entity = catalogue.entity_of(service)
    return [
        service.name_en,
        service.name_ar,
        *service.synonyms.all(),
        *service.situations.all(),
        entity.name_en,
        entity.name_ar,
        *entity.aliases.all(),
    ]


@lru_cache(maxsize=1)
def _arabic_frequencies() -> dict[str, float]:
    """wordfreq's Arabic frequencies summed over every written form of each normalised word."""
    totals: dict[str, float] = {}
    for word, frequency in get_frequency_dict("ar").items():
        key = fold_arabic_letters(word)
        totals[key] = totals.get(key, 0.0) + frequency
    return totals


def arabic_everyday_zipf(word: str) -> float:
    """Everyday frequency of a normalised Arabic word: all its written forms together.

    wordfreq counts "الإقامة", "الاقامه" and "شاطئ"/"شاطي" apart; looking up only the normalised
    form made common words look rare, and so look like catalogue words.
    """
    total = _arabic_frequencies().get(word, 0.0)
    return math.log10(total * 1e9) if total > 0 else 0.0


def lexicon_words(path: Path) -> list[str]:
    """The words of a lexicon file: {group: {register: [word, ...]}} (an empty register may be null)."""
    lexicon = read_yaml(path)
    return [str(word) for registers in lexicon.values() for words in registers.values() for word in words or ()]


def load_everyday_words(analyser: Analyser, path: Path = EVERYDAY_LEXICON) -> frozenset[str]:
    """Stems of the everyday-domain lexicon, analysed like messages."""
    return frozenset(unit.word for word in lexicon_words(path) for unit in analyser.units(word))


@dataclass(frozen=True)
class Evidence:
    coverage: float  # share of the message's weight matched, 0..1
    matched: float  # matched weight itself
    domain: float  # how much more the matched words belong to the catalogue than to everyday language
    phrase: float  # F1 of the service's closest name or synonym against the message, 0..1
    everyday: int = 0  # words of the everyday-domain lexicon (flights, hotels, gyms, weather...)
    words: int = 0  # content words in the message
    unknown: int = 0  # of them, words the catalogue never uses in any form, concepts included (typos, other topics)
    sharpest: float = 0.0  # the highest keyness of one matched word


@dataclass(frozen=True)
class Phrase:
    """One name or synonym: its units with their IDF weights, precomputed."""

    units: tuple[tuple[frozenset[str], float], ...]
    forms: frozenset[str]
    weight: float

    @classmethod
    def of(cls, units: tuple[tuple[str, ...], ...], idf) -> "Phrase":
        weighted = tuple((frozenset(forms), idf(forms)) for forms in units)
        return cls(weighted, frozenset(f for forms in units for f in forms), sum(w for _, w in weighted) or 1.0)


@dataclass
class Hit:
    service: Service
    score: float


class ServiceIndex:
    def __init__(self, catalogue: Catalogue, analyser: Analyser):
        self.catalogue = catalogue
        self.analyser = analyser
        self.services = [s for s in catalogue.services if s.status == "active"]
        corpus = []
        phrase_units: list[list[tuple[tuple[str, ...], ...]]] = []
        analysed: dict[str, list[Unit]] = {}  # entity names repeat in every service
        for service in self.services:
            tokens: list[str] = []
            phrases = []
            for phrase in service_phrases(service, catalogue):
                if phrase not in analysed:
                    analysed[phrase] = analyser.units(phrase)
                units = tuple(unit.forms() for unit in analysed[phrase])
                phrases.append(units)
                tokens.extend(form for forms in units for form in forms)
            corpus.append(tokens)
            phrase_units.append(phrases)
        self._doc_tokens = [set(doc) for doc in corpus]
        self._position = {service.id: i for i, service in enumerate(self.services)}
        # Mild length normalisation: the services people ask for most have the longest synonym lists.
        self._bm25 = bm25s.BM25(k1=1.2, b=0.5)
        self._bm25.index(corpus, show_progress=False)
        self._vocab = self._bm25.vocab_dict
        n_docs = len(corpus)
        df: dict[str, int] = {}
        for doc in self._doc_tokens:
            for token in doc:
                df[token] = df.get(token, 0) + 1
        self._df = df
        self._idf = {t: math.log(1 + (n_docs - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._max_idf = max(self._idf.values())
        counts: dict[str, int] = {}
        for doc in corpus:
            for token in doc:
                counts[token] = counts.get(token, 0) + 1
        total_tokens = sum(counts.values()) or 1
        # Zipf scale (log10 per billion words), comparable with wordfreq's everyday-language figures.
        self._zipf = {t: math.log10(c / total_tokens * 1e9) for t, c in counts.items()}
        self._latin_words = sorted(t for t in df if t.isascii() and len(t) >= MIN_FUZZY_LENGTH)
        # An Arabizi word is as everyday as its Arabic-script twins in the catalogue (same skeleton):
        # wordfreq does not know Arabizi, and "zero" made every Arabizi word look like a catalogue word.
        twins: dict[str, set[str]] = {}
        for units in analysed.values():
            for unit in units:
                if unit.key and not unit.surface.isascii():
                    twins.setdefault(unit.key, set()).add(unit.surface)
        self._twin_zipf = {
            key: statistics.median(arabic_everyday_zipf(w) for w in words) for key, words in twins.items()
        }
        self._everyday_words = load_everyday_words(analyser)
        self._phrases = [[Phrase.of(units, self._unit_idf) for units in phrases if units] for phrases in phrase_units]

    def _correct(self, unit: Unit) -> Unit:
        """A word the catalogue never uses may be a typo of one it does, or one it uses with a
        preposition or conjunction written on ("لبرواز": for the frame)."""
        if unit.word in self._vocab or (unit.key and unit.key in self._vocab):
            return unit
        if arabic.WORD.match(unit.surface):
            return self._without_proclitic(unit)
        if not unit.word.isascii() or len(unit.word) < MIN_FUZZY_LENGTH:
            return unit
        match = process.extractOne(unit.word, self._latin_words, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        return Unit(match[0], unit.key, match[0], unit.concepts) if match else unit

    def _without_proclitic(self, unit: Unit) -> Unit:
        # The stemmer takes "ال" and its combinations off; a lone "ب", "ل", "ك", "ف" or "و" it leaves,
        # since in a known word it is often a root letter ("بطاقة"): taken off only when what stays is known.
        for proclitic in PROCLITICS:
            rest = unit.surface[len(proclitic) :]
            if unit.surface.startswith(proclitic) and len(rest) >= MIN_PROCLITIC_REST:
                found = self.analyser.unit_of(rest, unit.concepts)
                if found.word in self._vocab:
                    return found
        return unit

    def query_units(self, text: str) -> list[Unit]:
        return self.corrected(self.analyser.units(text))

    def corrected(self, units: list[Unit]) -> list[Unit]:
        """The analyser's units of a message with typos of catalogue words corrected."""
        return [self._correct(unit) for unit in units]

    def search(self, units: list[Unit], k: int = 5) -> list[Hit]:
        """BM25 over whole services, then the best candidates re-ranked by their closest phrase."""
        tokens = [form for unit in units for form in unit.forms() if form in self._vocab]
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        depth = min(max(RERANK_DEPTH, k), len(scores))
        top = np.argpartition(-scores, depth - 1)[:depth]  # linear, not a full sort: large catalogues
        candidates = [int(i) for i in top if scores[i] > 0]
        query_forms = {form for unit in units for form in unit.forms()}
        query_weight = sum(self._unit_idf(unit.forms()) for unit in units) or 1.0
        ranked = sorted(
            (float(scores[i]) * (1.0 + PHRASE_BONUS * self._phrase_match(i, query_forms, query_weight)), i)
            for i in candidates
        )
        return [Hit(self.services[i], score) for score, i in reversed(ranked[-k:])]

    def services_using(self, unit: Unit) -> int:
        """How many services' names and synonyms use the word (or, failing that, its skeleton)."""
        return self._df.get(unit.word) or self._df.get(unit.key, 0)

    def _unit_idf(self, forms: tuple[str, ...]) -> float:
        return max([self._idf.get(form, 0.0) for form in forms], default=0.0)

    def _phrase_match(self, doc: int, query_forms: set[str], query_weight: float) -> float:
        """F1 of the best single phrase (name or synonym) against the message, IDF-weighted."""
        best = 0.0
        for phrase in self._phrases[doc]:
            if phrase.forms.isdisjoint(query_forms):
                continue
            matched = sum(w for forms, w in phrase.units if not query_forms.isdisjoint(forms))
            recall = matched / phrase.weight
            precision = min(1.0, matched / query_weight)
            if matched:
                best = max(best, 2 * recall * precision / (recall + precision))
        return best

    def evidence(self, units: list[Unit], service: Service) -> Evidence:
        """How much of the message the service's text accounts for.

        A matched word weighs its IDF in the catalogue; an unmatched one weighs what it
        would say if it were rare, less the more common it is in everyday language.
        """
        doc = self._doc_tokens[self._position[service.id]]
        total = found = domain = sharpest = 0.0
        everyday = unknown = 0
        for unit in units:
            weight, matched = self._evidence(unit, doc)
            unknown += not any(form in self._vocab for form in unit.forms())
            if unit.word in self._everyday_words:  # "gym", "فندق", "netflix": never a service's evidence
                everyday += 1
                total += max(weight, EVERYDAY_WEIGHT * self._max_idf)
                continue
            total += weight
            found += matched
            if matched and (unit.word in doc or unit.key in doc):  # not from a concept (above)
                keyness = self._keyness(unit, doc)
                domain += keyness * (matched / weight)
                sharpest = max(sharpest, keyness)
        # The message's own words only: the scope model weighs what the customer said, not what it may mean.
        query_forms = {form for unit in units for form in unit.word_forms()}
        query_weight = sum(self._unit_idf(unit.word_forms()) for unit in units) or 1.0
        phrase = self._phrase_match(self._position[service.id], query_forms, query_weight)
        return Evidence(
            coverage=found / total if total else 0.0,
            matched=found,
            domain=domain,
            phrase=phrase,
            everyday=everyday,
            words=len(units),
            unknown=unknown,
            sharpest=sharpest,
        )

    def everyday_zipf(self, unit: Unit) -> float:
        """How common the word is in everyday language (Zipf scale), whatever script it is in."""
        word = unit.surface or unit.word
        if not word.isascii():
            return arabic_everyday_zipf(word)
        zipf = zipf_frequency(word, "en")
        if zipf >= ENGLISH_ZIPF or unit.key not in self._twin_zipf:
            return zipf
        return max(zipf, self._twin_zipf[unit.key])

    def _keyness(self, unit: Unit, doc: set[str]) -> float:
        """Catalogue frequency over everyday frequency (Zipf difference) of a matched word, >= 0."""
        form = unit.word if unit.word in doc else unit.key
        return max(0.0, self._zipf[form] - self.everyday_zipf(unit))

    def _evidence(self, unit: Unit, doc: set[str]) -> tuple[float, float]:
        if unit.word in doc:
            weight = self._idf[unit.word]
            return weight, weight
        english = unit.word.isascii() and zipf_frequency(unit.surface or unit.word, "en") >= ENGLISH_ZIPF
        if unit.key in doc and not english:
            weight = self._idf[unit.key]
            return weight, weight * SKELETON_ONLY_WEIGHT
        rarity = max(0.0, 1.0 - self.everyday_zipf(unit) / MAX_ZIPF)
        weight = self._max_idf * max(rarity, 0.1)
        if any(concept in doc for concept in unit.concepts):
            return weight, weight * CONCEPT_ONLY_WEIGHT
        return weight, 0.0
