"""Fit the learned retriever (bot/route/learned.py) and write bot/route/lexicon/learned_model.npz.

Run `make route-model` (`python -m bot route-model fit`) after the catalogue (names, synonyms,
situations) or the analyser's lexicons change; a test checks the committed model equals a fresh fit.
Its examples are the catalogue's own phrases only: never a labelled set or the evaluation set.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.route.analyse import Analyser
from bot.route.journeys import NOT_A_JOURNEY, Journey
from bot.route.learned import MODEL_PATH, features
from service_catalog.loader import Catalogue

# Measured on the calibrate halves (needs, blind, wide) against C 0.25 and 1.0: 0.5 ranked best.
C = 0.5
# Weights smaller than this are dropped: the model shrinks from 85M dense weights to about 1M, with the
# same fused ranking on the calibrate halves (0.1 cost 2 points of top-1 on the needs set).
MIN_WEIGHT = 0.05
# A feature seen in one phrase only is a typo or a name: it teaches the model nothing general.
MIN_DF = 2


def examples(catalogue: Catalogue) -> tuple[list[str], list[int], list[str]]:
    """(phrase, class) for every name, synonym and situation of every active service."""
    services = [s for s in catalogue.services if s.status == "active"]
    texts, labels = [], []
    for label, service in enumerate(services):
        for phrase in (service.name_en, service.name_ar, *service.synonyms.all(), *service.situations.all()):
            texts.append(phrase)
            labels.append(label)
    return texts, labels, [service.id for service in services]


def fit(catalogue: Catalogue, analyser: Analyser) -> dict[str, np.ndarray]:
    texts, labels, service_ids = examples(catalogue)
    return fit_linear(texts, labels, service_ids, analyser)


def journey_examples(journeys: dict[str, Journey], catalogue: Catalogue) -> tuple[list[str], list[int], list[str]]:
    """Each journey's names and triggers as its class; every service phrase and the journeys' single-service
    counter-examples as NOT_A_JOURNEY."""
    class_ids = [*journeys, NOT_A_JOURNEY]
    texts, labels = [], []
    for label, journey in enumerate(journeys.values()):
        for phrase in (journey.name_en, journey.name_ar, *journey.triggers):
            texts.append(phrase)
            labels.append(label)
    others = len(journeys)
    service_texts, _, _ = examples(catalogue)
    for phrase in (*service_texts, *(p for journey in journeys.values() for p in journey.single_service)):
        texts.append(phrase)
        labels.append(others)
    return texts, labels, class_ids


def fit_journeys(journeys: dict[str, Journey], catalogue: Catalogue, analyser: Analyser) -> dict[str, np.ndarray]:
    texts, labels, class_ids = journey_examples(journeys, catalogue)
    return fit_linear(texts, labels, class_ids, analyser)


def fit_linear(
    texts: list[str],
    labels: list[int],
    class_ids: list[str],
    analyser: Analyser,
) -> dict[str, np.ndarray]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vectoriser = TfidfVectorizer(analyzer=lambda text: features(analyser.units(text)), sublinear_tf=True, min_df=MIN_DF)
    matrix = vectoriser.fit_transform(texts)
    model = LinearSVC(C=C, random_state=0).fit(matrix, np.array(labels))
    weights = model.coef_.T.astype(np.float32)  # feature-major: one row per feature
    weights[np.abs(weights) < MIN_WEIGHT] = 0.0
    rows, classes = np.nonzero(weights)
    indptr = np.searchsorted(rows, np.arange(weights.shape[0] + 1)).astype(np.int32)
    return {
        "service_ids": np.array(class_ids),
        "features": vectoriser.get_feature_names_out().astype(str),
        "idf": vectoriser.idf_.astype(np.float32),
        "indptr": indptr,
        "classes": classes.astype(np.uint16),
        "weights": weights[rows, classes].astype(np.float16),
        "intercepts": model.intercept_.astype(np.float32),
    }


def write(model: dict[str, np.ndarray], path: Path = MODEL_PATH) -> None:
    np.savez_compressed(path, **model)
