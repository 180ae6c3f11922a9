"""Life events (issue #12): "we just had a baby", "I'm selling my car". A journey is a short list of
services in the order a resident needs them (bot/route/lexicon/journeys.yml); the route core answers a
message about the whole event with that list, each service a choice.

A linear model (the learned retriever's features and scoring, bot/route/learned.py) tells a journey's
triggers from every service's own phrases; it is fitted with the learned retriever (`make route-model`)
on journeys.yml and the catalogue only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.route.analyse import Unit
from bot.route.contract import RouteAnswer
from bot.route.data_files import read_yaml
from bot.route.learned import LearnedRanker

LEXICON = Path(__file__).resolve().parent / "lexicon"
JOURNEYS_PATH = LEXICON / "journeys.yml"
JOURNEY_MODEL_PATH = LEXICON / "journey_model.npz"
# The class of every phrase that is not a journey (a service's names, synonyms and situations).
NOT_A_JOURNEY = "-"


@dataclass(frozen=True)
class Journey:
    id: str
    name_en: str
    name_ar: str
    services: tuple[str, ...]
    triggers: tuple[str, ...]  # what people going through the event say, every register
    single_service: tuple[str, ...]  # requests for one of its services only: counter-examples


def load_journeys(path: Path = JOURNEYS_PATH) -> dict[str, Journey]:
    data = read_yaml(path)["journeys"]
    return {
        jid: Journey(
            id=jid,
            name_en=entry["name_en"],
            name_ar=entry["name_ar"],
            services=tuple(entry["services"]),
            triggers=tuple(p for phrases in entry["triggers"].values() for p in phrases),
            single_service=tuple(p for phrases in (entry.get("single_service") or {}).values() for p in phrases),
        )
        for jid, entry in data.items()
    }


@dataclass(frozen=True, eq=False)
class JourneyRecogniser:
    model: LearnedRanker  # classes: the journeys' ids and NOT_A_JOURNEY
    journeys: dict[str, Journey]

    def recognise(self, units: list[Unit]) -> tuple[Journey | None, float]:
        """The best journey and by how much its decision beats not-a-journey's (a message that reads like
        one service's phrases has a low margin)."""
        if not units:
            return None, float("-inf")
        decisions = self.model.decisions(units)
        other = self.model.position[NOT_A_JOURNEY]
        best = max((i for i in range(len(decisions)) if i != other), key=lambda i: decisions[i])
        return self.journeys.get(self.model.service_ids[best]), float(decisions[best] - decisions[other])

    def journey_for(self, units: list[Unit], service_answer: RouteAnswer) -> Journey | None:
        """The journey the message is about, if any. The margin it needs depends on what the route core made
        of the message alone: least when it asks which service, more when it found none (out of scope), most
        when it is sure of one ("my father passed away, I need the burial permit")."""
        journey, margin = self.recognise(units)
        if service_answer.out_of_scope:
            needed = WHEN_OUT_OF_SCOPE
        elif service_answer.needs_clarification:
            needed = WHEN_ASKING
        else:
            needed = WHEN_A_SERVICE_IS_CLEAR
        return journey if margin >= needed else None


# Margins measured on the calibrate halves (journey set: 125 life-event messages; needs, blind, wide and
# mixed: 484 in-scope single-service messages, 162 out of scope). One threshold for all: -1.0 recognised
# 0.74 of journeys and took 3.1% of single-service messages, -0.8 0.66 / 2.1%, -0.6 0.55 / 1.0%. The best
# journey's decision alone (not against not-a-journey's) was worse at every threshold (0.64 / 4.0%), as was
# weighing the journeys' classes up (x3: 0.73 / 3.2%). By the route core's answer (asking / out of scope /
# sure): -1.0 / -1.0 / -0.2 0.63 / 0.6%, 2 of 162 out of scope; -1.0 / -0.8 / -0.2 0.61 / 0.4%, 1 of 162;
# -1.0 / -1.0 / -0.6 0.68 / 1.4%.
WHEN_ASKING = -1.0
WHEN_OUT_OF_SCOPE = -0.8
WHEN_A_SERVICE_IS_CLEAR = -0.2


@lru_cache(maxsize=1)
def default_journey_recogniser() -> JourneyRecogniser | None:
    """None until a journey model has been fitted: the route core then answers services only."""
    if not JOURNEY_MODEL_PATH.exists():
        return None
    model = LearnedRanker.load(JOURNEY_MODEL_PATH)
    journeys = load_journeys()
    if set(model.service_ids) - {NOT_A_JOURNEY} != set(journeys):
        return None  # journeys.yml changed since the fit; the fresh-fit test says so
    return JourneyRecogniser(model, journeys)
