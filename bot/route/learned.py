"""The learned retriever: a linear model over word and character n-grams, fused with BM25's ranking.

It is fitted (bot/route/learned_fit.py, `make route-model`) on the catalogue alone: every active
service's names, synonyms and situations are its examples. BM25 rewards the words a message shares
with a service's text; the model has learned which words and word pieces tell one service from
the others ("keys" and "landlord" for tenancy registration), so it ranks a described need better.
Scoring here is numpy only: TF-IDF as scikit-learn computes it (sublinear tf, smooth idf, l2), then
one sparse dot product per candidate.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from bot.route.analyse import Unit

MODEL_PATH = Path(__file__).resolve().parent / "lexicon" / "learned_model.npz"
CHAR_NGRAMS = (3, 4, 5)


def features(units: list[Unit]) -> list[str]:
    """Stems, skeletons (which meet across scripts), stem bigrams and character n-grams of each word."""
    found = []
    for unit in units:
        found.append("w:" + unit.word)
        if unit.key:
            found.append("k:" + unit.key)
    found += [f"b:{first.word}_{second.word}" for first, second in zip(units, units[1:])]
    for unit in units:
        padded = f" {unit.surface} "
        for n in CHAR_NGRAMS:
            found += ["c:" + padded[i : i + n] for i in range(len(padded) - n + 1)]
    return found


@dataclass(frozen=True, eq=False)
class LearnedRanker:
    service_ids: tuple[str, ...]
    columns: dict[str, int]  # feature -> column
    idf: np.ndarray  # per column
    indptr: np.ndarray  # feature-major sparse weights: column c's services are classes[indptr[c]:indptr[c+1]]
    classes: np.ndarray
    weights: np.ndarray
    intercepts: np.ndarray  # per service

    @cached_property
    def position(self) -> dict[str, int]:
        return {sid: i for i, sid in enumerate(self.service_ids)}

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "LearnedRanker":
        with np.load(path, allow_pickle=False) as data:
            names = [str(name) for name in data["features"]]
            return cls(
                service_ids=tuple(str(s) for s in data["service_ids"]),
                columns={name: i for i, name in enumerate(names)},
                idf=data["idf"].astype(np.float32),
                indptr=data["indptr"],
                classes=data["classes"],
                weights=data["weights"].astype(np.float32),
                intercepts=data["intercepts"].astype(np.float32),
            )

    def vector(self, units: list[Unit]) -> dict[int, float]:
        """The message's TF-IDF vector (column -> value), as scikit-learn's TfidfVectorizer makes it."""
        counts = Counter(self.columns[f] for f in features(units) if f in self.columns)
        values = {column: (1.0 + math.log(count)) * float(self.idf[column]) for column, count in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        return {column: value / norm for column, value in values.items()}

    def decisions(self, units: list[Unit]) -> np.ndarray:
        """The model's decision value for every service it knows, in service_ids order."""
        scores = self.intercepts.copy()
        for column, value in self.vector(units).items():
            start, end = self.indptr[column], self.indptr[column + 1]
            scores[self.classes[start:end]] += value * self.weights[start:end]
        return scores

    def standing(self, decisions: np.ndarray, service_id: str) -> tuple[float, float]:
        """The service's decision and how far below the best one it is (0 for the model's first choice);
        a service added since the fit stands at the lowest decision."""
        position = self.position.get(service_id)
        own = float(decisions[position] if position is not None else decisions.min())
        return own, own - float(decisions.max())


def fused_scores(
    base: dict[str, float], decisions: dict[str, float], weight: float, floor: float | None = None
) -> list[tuple[str, float]]:
    """(service id, fused score) best first: BM25's score over the best one's, plus the model's decision
    times weight. A service the model has not seen (added since the fit) gets `floor`, by default the lowest
    decision given: no boost."""
    best = max(base.values(), default=1.0) or 1.0
    if floor is None:
        floor = min(decisions.values(), default=0.0)
    fused = {sid: base[sid] / best + weight * decisions.get(sid, floor) for sid in base}
    return sorted(fused.items(), key=lambda item: -item[1])


@lru_cache(maxsize=1)
def default_learned_ranker() -> LearnedRanker | None:
    """None when no model has been fitted (a fresh catalogue): the route core is BM25 alone then."""
    return LearnedRanker.load() if MODEL_PATH.exists() else None
