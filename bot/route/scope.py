"""Whether a message is about a government service at all: a logistic model over the evidence.

The weights live in bot/route/lexicon/scope_model.json, fitted by `python -m bot scope fit` (bot.route.scope_fit)
on our own messages only: the NLU examples (request_service against out_of_scope, chitchat,
greetings), labelled/scope_examples.yml and our labelled route sets (labelled/: route_cases, the
mixed set, and the calibrate halves of the wide, blind, needs and fresh sets). The evaluation set and every
holdout half never take part (not even a holdout text another source repeats), so they measure it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.route.index import Evidence

MODEL_PATH = Path(__file__).resolve().parent / "lexicon" / "scope_model.json"
FEATURES = (
    "coverage",
    "log_matched",
    "domain",
    "phrase",
    "has_everyday",
    "everyday",
    "log_words",
    "unknown_share",
    "sharpest",
    "named",
    "learned",
    "learned_lead",
)
# What the learned retriever (bot/route/learned.py) says of the same service: its decision, and how far
# below the best decision of all services it is (0 when it is the model's own first choice).
LearnedView = tuple[float, float]


def features(evidence: Evidence, learned: LearnedView | None = None) -> list[float | None]:
    """The evidence as the model's inputs, in FEATURES order; None where there is no learned retriever."""
    words = max(evidence.words, 1)
    return [
        evidence.coverage,
        math.log1p(evidence.matched),
        evidence.domain,
        evidence.phrase,
        float(evidence.everyday > 0),
        float(evidence.everyday),
        math.log(words),
        evidence.unknown / words,
        evidence.sharpest,
        # says one of the service's names closely, with specific words: "transfer my mortgage" beside "bank"
        evidence.phrase * math.log1p(evidence.matched),
        *(learned if learned is not None else (None, None)),
    ]


@dataclass(frozen=True)
class ScopeModel:
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    threshold: float

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "ScopeModel":
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path}: fitted on features {data['features']}, code has {list(FEATURES)}: refit")
        return cls(
            tuple(data["means"]), tuple(data["scales"]), tuple(data["weights"]), data["intercept"], data["threshold"]
        )

    def probability(self, evidence: Evidence, learned: LearnedView | None = None) -> float:
        """A missing input (no learned retriever: a fresh catalogue) is taken at its mean: it weighs nothing."""
        z = self.intercept + sum(
            w * ((m if x is None else x) - m) / s
            for w, x, m, s in zip(self.weights, features(evidence, learned), self.means, self.scales)
        )
        return 1.0 / (1.0 + math.exp(-z))

    def about_a_service(self, evidence: Evidence, learned: LearnedView | None = None) -> bool:
        return self.probability(evidence, learned) >= self.threshold


@lru_cache(maxsize=1)
def default_scope_model() -> ScopeModel:
    return ScopeModel.load()
