"""bot/route/lexicon/learned_model.npz and journey_model.npz are generated: a fresh fit on today's catalogue gives the same model,
and scoring it as the route core does gives what scikit-learn gives (about 90 s: marked `fit`)."""

import numpy as np
import pytest

from bot.route.analyse import default_analyser
from bot.route.learned import LearnedRanker
from bot.route.learned_fit import fit
from service_catalog.loader import default_catalogue

pytestmark = pytest.mark.fit


def test_committed_model_is_what_a_fresh_fit_produces():
    committed = LearnedRanker.load()
    fresh = fit(default_catalogue(), default_analyser())
    assert tuple(fresh["service_ids"]) == committed.service_ids, "catalogue changed: run `make route-model`"
    assert list(fresh["features"]) == list(committed.columns), "catalogue or lexicons changed: run `make route-model`"
    assert np.allclose(fresh["idf"], committed.idf, atol=1e-5)
    assert np.allclose(fresh["intercepts"], committed.intercepts, atol=1e-3)
    # weights near the pruning threshold may fall on either side of it on another machine's arithmetic
    assert abs(len(fresh["weights"]) - len(committed.weights)) <= len(committed.weights) // 1000
    refitted = LearnedRanker(
        service_ids=tuple(str(s) for s in fresh["service_ids"]),
        columns=committed.columns,
        idf=fresh["idf"],
        indptr=fresh["indptr"],
        classes=fresh["classes"],
        weights=fresh["weights"].astype(np.float32),
        intercepts=fresh["intercepts"],
    )
    analyser = default_analyser()
    for service in default_catalogue().services[::25]:
        units = analyser.units(service.name_en)
        assert np.allclose(refitted.decisions(units), committed.decisions(units), atol=0.01), service.id


def test_the_route_cores_scoring_equals_scikit_learns():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from bot.route.learned import features
    from bot.route.learned_fit import MIN_DF, examples

    analyser = default_analyser()
    ranker = LearnedRanker.load()
    texts, _, _ = examples(default_catalogue())
    vectoriser = TfidfVectorizer(analyzer=lambda t: features(analyser.units(t)), sublinear_tf=True, min_df=MIN_DF)
    vectoriser.fit(texts)
    for text in ("my car registration runs out next week", "ابي اجدد الرخصة التجارية", "abi a3arf mu5alfati"):
        expected = vectoriser.transform([text])
        ours = ranker.vector(analyser.units(text))
        assert sorted(ours) == sorted(int(c) for c in expected.indices)
        assert all(abs(ours[int(c)] - v) < 1e-5 for c, v in zip(expected.indices, expected.data))


def test_committed_journey_model_is_what_a_fresh_fit_produces():
    from bot.route.journeys import JOURNEY_MODEL_PATH, load_journeys
    from bot.route.learned_fit import fit_journeys

    committed = LearnedRanker.load(JOURNEY_MODEL_PATH)
    fresh = fit_journeys(load_journeys(), default_catalogue(), default_analyser())
    assert tuple(fresh["service_ids"]) == committed.service_ids, "journeys changed: run `make route-model`"
    assert list(fresh["features"]) == list(committed.columns), "journeys or catalogue changed: run `make route-model`"
    assert np.allclose(fresh["intercepts"], committed.intercepts, atol=1e-3)
    assert abs(len(fresh["weights"]) - len(committed.weights)) <= len(committed.weights) // 1000
