"""Life events ("we just had a baby", "leaving the UAE for good"): the services a resident needs, in order.

The journeys are data (lexicon/journeys.yml: services in order and what people in that situation say,
written from the catalogue's official names only). A message is about a journey when it is close to one of
its triggers in the learned retriever's feature space (stems, skeletons, word pieces: a described life event
is rarely worded like any one trigger), closer than to any one service's own name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.route.analyse import Analyser, Unit
from bot.route.learned import LearnedRanker

JOURNEYS = Path(__file__).resolve().parent / "lexicon" / "journeys.yml"


@dataclass(frozen=True)
class Journey:
    id: str
    name_en: str
    name_ar: str
    services: tuple[str, ...]
    triggers: tuple[str, ...]


def load_journeys(path: Path = JOURNEYS) -> list[Journey]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["journeys"]
    return [
        Journey(
            id=key,
            name_en=journey["name_en"],
            name_ar=journey["name_ar"],
            services=tuple(journey["services"]),
            triggers=tuple(str(t) for triggers in journey["triggers"].values() for t in triggers),
        )
        for key, journey in data.items()
    ]


def _cosine(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(value * b.get(column, 0.0) for column, value in a.items())


class JourneyMatcher:
    """Each trigger as a unit-length TF-IDF vector; a message's score is its closest trigger's cosine."""

    def __init__(self, journeys: list[Journey], analyser: Analyser, vectors: LearnedRanker):
        self.journeys = journeys
        self.vectors = vectors
        self._triggers = [
            (journey, vectors.vector(analyser.units(trigger))) for journey in journeys for trigger in journey.triggers
        ]

    def closest(self, units: list[Unit]) -> tuple[Journey | None, float]:
        message = self.vectors.vector(units)
        best, score = None, 0.0
        for journey, trigger in self._triggers:
            similarity = _cosine(message, trigger)
            if similarity > score:
                best, score = journey, similarity
        return best, score
