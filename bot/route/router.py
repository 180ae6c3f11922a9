"""The route core: one customer message -> the service it is about and its smart channel."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.route.analyse import Analyser, Unit, default_analyser
from bot.route.contract import Alternative, ChannelRef, JourneyRef, RouteAnswer, ServiceRef
from bot.route.index import RERANK_DEPTH, Evidence, Hit, ServiceIndex, lexicon_words
from bot.route.journeys import Journey, JourneyRecogniser, default_journey_recogniser
from bot.route.learned import LearnedRanker, default_learned_ranker, fused_scores
from bot.route.scope import ScopeModel, default_scope_model
from bot.text.normalise import normalise_for_matching
from bot.text.redact import mask, without_stated_data
from service_catalog.loader import Catalogue, default_catalogue
from service_catalog.quality import is_homepage
from service_catalog.schema import Service, is_store_listing

MAX_TEXT_CHARS = 5000
# Whether a message is about a service at all is the scope model's call (bot/route/scope.py).
MIN_SCORE = 1.0
# Only one general service word ("I want a certificate", "ابي الغي", "need to cancel it"), used by
# many services and more of the catalogue than of everyday language: ask which service. Two such
# words often name one ("ajaded el mulkiya"); when they do not, the runner-up's score asks.
VAGUE_MAX_WORDS, GENERAL_SERVICES, VAGUE_DOMAIN = 1, 10, 1.0
# When the runner-up scores this close to the best, the two are too close to choose.
CLARIFY_RATIO = 0.88
CLARIFY_GAP = 1.0 - CLARIFY_RATIO
# A runner-up this close to the best may be the service when the best is not about one.
RUNNER_UP_RATIO = 0.6
ALTERNATIVES = 4
# Words that ask for a service without naming one ("need a permit", "abi asawi talab", "كم الرسوم؟").
GENERAL_REQUESTS = Path(__file__).resolve().parent / "lexicon" / "general_requests.yml"
# Clarification choices: the most-used services first, then by score.
DEMAND_RANK = {"high": 0, "medium": 1, "low": 2}
VAGUE_DEPTH = 30
# A word in this many entities' names ("dubai", "authority", "هيئة") names none of them.
SHARED_ENTITY_WORD = 3
# Asking with choices when the scope model is unsure (p 0.2-0.5) instead of refusing was measured on the
# calibrate halves (needs, blind): no top-1 gain, out of scope -1 to -4 messages of 34/48. Not done.
# The learned retriever's decision (about -1..1) beside BM25's score over the best one's (0..1). Measured on
# the calibrate halves, top-1: needs 0.847 (BM25 alone) -> 0.871 (0.25) / 0.865 (0.5) / 0.853 (1.0);
# blind 0.858 -> 0.866 / 0.866 / 0.866, wide 0.950 -> 0.950 / 0.950 / 0.963.
LEARNED_WEIGHT = 0.25
_HAS_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"\w+")


def _service_words(text: str) -> str:
    """The message without personal data and the words stating it ("my emirates id is 784-..."): they
    say nothing about the service, and "emirates id" would outweigh the driving licence asked for."""
    cleaned = without_stated_data(mask(text))
    return cleaned if _HAS_LETTER.search(cleaned) else text


class InvalidText(ValueError):
    """A message that cannot be routed at all (empty, too long, no words)."""


def validate_text(text: object) -> str:
    if not isinstance(text, str):
        raise InvalidText("text must be a string")
    if not text.strip():
        raise InvalidText("text is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidText(f"text is longer than {MAX_TEXT_CHARS} characters")
    if not _HAS_LETTER.search(text):
        raise InvalidText("text has no words to route")
    return text


def _is_page(url: str) -> bool:
    """A web link to a page of its own, not a site's homepage (nor a phone number)."""
    return url.startswith(("http://", "https://")) and not is_homepage(url)


def _service_ref(service: Service) -> ServiceRef:
    return ServiceRef(
        id=service.id,
        entity=service.id.split(".", 1)[0],
        name_en=service.name_en,
        name_ar=service.name_ar,
        name_ar_verified=service.name_ar_verified,
        fee_aed=service.fee_aed,
    )


def load_general_words(analyser: Analyser, path: Path = GENERAL_REQUESTS) -> tuple[frozenset[str], frozenset[str]]:
    """The general-request lexicon as stems (analysed like messages) and as normalised words: some of its
    words ("fee", "كم") are function words to the analyser, so only the written word shows them."""
    words = lexicon_words(path)
    stems = frozenset(unit.word for word in words for unit in analyser.units(word))
    return stems, frozenset(normalise_for_matching(word) for word in words)


def entity_name_stems(catalogue: Catalogue, analyser: Analyser) -> dict[str, frozenset[str]]:
    """Each entity's words, from its names and aliases, as stems (analysed like messages)."""
    return {
        code: frozenset(unit.word for name in (e.name_en, e.name_ar, *e.aliases.all()) for unit in analyser.units(name))
        for code, e in catalogue.entities.items()
    }


class Router:
    def __init__(
        self,
        catalogue: Catalogue,
        analyser: Analyser,
        scope: ScopeModel | None = None,
        learned: LearnedRanker | None = None,
        journeys: JourneyRecogniser | None = None,
    ):
        self.catalogue = catalogue
        self.analyser = analyser
        self.index = ServiceIndex(catalogue, analyser)
        self.scope = scope or default_scope_model()
        self.learned = learned
        self.journeys = journeys
        self.general_stems, self.general_words = load_general_words(analyser)
        active = [s for s in catalogue.services if s.status == "active"]
        self.most_used = sorted(active, key=lambda s: DEMAND_RANK[s.demand])[: 1 + ALTERNATIVES]
        self.entity_stems = entity_name_stems(catalogue, analyser)
        counts: dict[str, int] = {}
        for stems in self.entity_stems.values():
            for stem in stems:
                counts[stem] = counts.get(stem, 0) + 1
        self.shared_entity_stems = frozenset(stem for stem, n in counts.items() if n >= SHARED_ENTITY_WORD)
        self.services_of: dict[str, list[Service]] = {}
        for service in active:
            self.services_of.setdefault(service.id.split(".", 1)[0], []).append(service)

    def only_general_words(self, text: str, analysed: list[Unit]) -> bool:
        """Words that ask for a service and nothing that says which one (`analysed`: the text's units)."""
        stems = [unit.word for unit in analysed]
        written = _WORD.findall(normalise_for_matching(text))
        return all(stem in self.general_stems for stem in stems) and (
            bool(stems) or any(word in self.general_words for word in written)
        )

    def named_entity(self, analysed: list[Unit]) -> str | None:
        """The one entity a message only names ("dewa", "el jawazat", "بلدية دبي"); None when it says more
        or names several, or asks for something: an alias may hold a service's words ("government fees")."""
        stems = {unit.word for unit in analysed}
        if not stems - self.shared_entity_stems or stems & self.general_stems:
            return None
        named = [code for code, names in self.entity_stems.items() if stems <= names and code in self.services_of]
        return named[0] if len(named) == 1 else None

    def which_service(self, hits: list[Hit], request_id: str | None, language: str) -> RouteAnswer:
        """Ask which service: the matching services (else the most used), the most used first."""
        candidates = [hit.service for hit in hits] or self.most_used
        candidates = sorted(candidates, key=lambda s: DEMAND_RANK[s.demand])[: 1 + ALTERNATIVES]
        if len(candidates) < 2:
            candidates += [s for s in self.most_used if s not in candidates][:ALTERNATIVES]
        return self.choices(candidates, request_id, language)

    def journey_answer(self, journey: Journey, request_id: str | None, language: str) -> RouteAnswer | None:
        """The journey's services in its order, each a choice (its first one the answer's service)."""
        known = self.catalogue.by_id()
        services = [known.get(sid) for sid in journey.services]
        services = [s for s in services if s is not None and s.status == "active"]
        if not services:  # every one of them retired since: answer as for any other message
            return None
        return self.choices(
            services, request_id, language, JourneyRef(id=journey.id, name_en=journey.name_en, name_ar=journey.name_ar)
        )

    def choices(
        self, services: list[Service], request_id: str | None, language: str, journey: JourneyRef | None = None
    ) -> RouteAnswer:
        """A question: these services, in this order, the first one the answer's service."""
        return RouteAnswer(
            id=request_id,
            language=language,
            out_of_scope=False,
            needs_clarification=True,
            service=_service_ref(services[0]),
            channel=self.channel_for(services[0]),
            alternatives=[_alternative_of(service, 0.0) for service in services[1:]],
            score=0.0,
            journey=journey,
        )

    def channel_for(self, service: Service) -> ChannelRef:
        """The preferred smart channel, with the service's own page when one of its channels gives it, else
        its app's store listing (a homepage link is a last resort), else the first link the service or its
        entity offers."""
        best = service.channels[0]
        links = [c.url for c in (*service.channels, *self.catalogue.entity_of(service).channels) if c.url]
        pages = [u for u in (best.url, *(c.url for c in service.channels)) if u and _is_page(u)]
        pages.sort(key=is_store_listing)  # stable: the service's own pages first, in channel order
        url = pages[0] if pages else best.url or (links[0] if links else None)
        return ChannelRef(kind=best.kind.value, name=best.name, name_ar=best.name_ar, url=url)

    def route(self, text: str, request_id: str | None = None) -> RouteAnswer:
        text = _service_words(validate_text(text))
        language = self.analyser.detect_language(text)
        analysed = self.analyser.units(text)  # once: the index corrects typos, the model reads as written
        answer = self.service_answer(text, analysed, language, request_id)
        if self.journeys is not None:
            journey = self.journeys.journey_for(analysed, answer)
            return (self.journey_answer(journey, request_id, language) if journey else None) or answer
        return answer

    def service_answer(self, text: str, analysed: list[Unit], language: str, request_id: str | None) -> RouteAnswer:
        units = self.index.corrected(analysed)
        if self.only_general_words(text, analysed):  # every service using the words may be meant: look deeper
            matching = [hit for hit in self.index.search(units, k=VAGUE_DEPTH) if hit.score >= MIN_SCORE]
            return self.which_service(matching, request_id, language)
        entity = self.named_entity(analysed)
        if entity is not None:  # any of its services may be meant: the most used first, then the best matching
            found = [
                hit.service
                for hit in self.index.search(units, k=VAGUE_DEPTH)
                if hit.service.id.startswith(entity + ".")
            ]
            services = found + [s for s in self.services_of[entity] if s not in found]
            services = sorted(services, key=lambda s: DEMAND_RANK[s.demand])
            return self.choices(services[: 1 + ALTERNATIVES], request_id, language)
        candidates = [hit for hit in self.index.search(units, k=RERANK_DEPTH) if hit.score >= MIN_SCORE]
        hits = candidates[: 1 + ALTERNATIVES]
        evidence = [self.index.evidence(units, hit.service) for hit in hits]
        vague = bool(hits) and _vague(units, evidence[0], self.index)
        decisions = self.learned.decisions(analysed) if self.learned and hits else None

        def learned_view(service: Service) -> tuple[float, float] | None:
            return None if decisions is None else self.learned.standing(decisions, service.id)

        # The best candidate may miss a word a close runner-up explains ("mulkiya" beside "car passing").
        about = next(
            (
                i
                for i, (hit, found) in enumerate(zip(hits, evidence))
                if self.scope.about_a_service(found, learned_view(hit.service))
                and hit.score >= RUNNER_UP_RATIO * hits[0].score
            ),
            None,
        )
        if not hits or not (vague or about is not None):
            return RouteAnswer(
                id=request_id,
                language=language,
                out_of_scope=True,
                needs_clarification=False,
                service=None,
                channel=None,
                alternatives=[],
                score=0.0,
            )
        unsure = vague or (len(hits) > 1 and hits[1].score >= CLARIFY_RATIO * hits[0].score)
        if decisions is not None:  # which service, once the evidence has said the message is about one
            ranked = self.fused(decisions, candidates)
            hits = [hit for hit, _ in ranked[: 1 + ALTERNATIVES]]
            # BM25's ratio, on the fused scale (the same test when the model cannot tell the two apart)
            unsure = vague or (len(ranked) > 1 and ranked[1][1] >= ranked[0][1] - CLARIFY_GAP)
            found = {hit.service.id: e for hit, e in zip(candidates, evidence)}  # BM25's top ones, already weighed
            evidence = [found.get(hit.service.id) or self.index.evidence(units, hit.service) for hit in hits]
        elif not vague and about:
            hits.insert(0, hits.pop(about))
            evidence.insert(0, evidence.pop(about))
        best = hits[0]
        confidence = [_confidence(hit, found) for hit, found in zip(hits, evidence)]
        return RouteAnswer(
            id=request_id,
            language=language,
            out_of_scope=False,
            needs_clarification=unsure,
            service=_service_ref(best.service),
            channel=self.channel_for(best.service),
            alternatives=[_alternative(hit, score) for hit, score in zip(hits[1:], confidence[1:])],
            score=confidence[0],
        )

    def fused(self, decisions: np.ndarray, candidates: list[Hit]) -> list[tuple[Hit, float]]:
        """BM25's candidates with their fused score, best first (BM25 and the learned retriever together).
        The model's `decisions` score the message's words as written (before typo correction), as fitted."""
        position = self.learned.position
        known = {
            hit.service.id: float(decisions[position[hit.service.id]])
            for hit in candidates
            if hit.service.id in position
        }
        by_id = {hit.service.id: hit for hit in candidates}
        scores = {hit.service.id: hit.score for hit in candidates}
        return [
            (by_id[sid], fused)
            for sid, fused in fused_scores(scores, known, LEARNED_WEIGHT, floor=float(decisions.min()))
        ]


def _confidence(hit: Hit, evidence: Evidence) -> float:
    return round(evidence.coverage * hit.score / (hit.score + 5.0), 3)


def _vague(units: list[Unit], evidence: Evidence, index: ServiceIndex) -> bool:
    """Only general service words ("I want a certificate", "ابي تصريح"): ask which service."""
    return (
        evidence.coverage >= 0.99
        and len(units) <= VAGUE_MAX_WORDS
        and evidence.domain >= VAGUE_DOMAIN
        and all(index.services_using(unit) >= GENERAL_SERVICES for unit in units)
    )


def _alternative(hit: Hit, score: float) -> Alternative:
    return _alternative_of(hit.service, score)


def _alternative_of(service: Service, score: float) -> Alternative:
    ref = _service_ref(service)
    return Alternative(id=ref.id, entity=ref.entity, name_en=ref.name_en, name_ar=ref.name_ar, score=score)


_BUILDING = threading.Lock()


@lru_cache(maxsize=1)
def _build_default_router() -> Router:
    return Router(
        default_catalogue(),
        default_analyser(),
        learned=default_learned_ranker(),
        journeys=default_journey_recogniser(),
    )


def default_router() -> Router:
    """Built once per process; requests that arrive meanwhile wait for it instead of each building
    their own (several seconds of CPU each)."""
    with _BUILDING:
        return _build_default_router()


def route_text(text: str, request_id: str | None = None) -> RouteAnswer:
    return default_router().route(text, request_id)


def detect_language(text: str) -> str:
    return default_analyser().detect_language(text)
