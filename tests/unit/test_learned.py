"""The learned retriever: its committed model covers today's catalogue, scores as it was fitted, and is fused
with BM25 without taking over the scope decision."""

import numpy as np
import pytest

from bot.route.analyse import default_analyser
from bot.route.learned import LearnedRanker, default_learned_ranker, features, fused_scores


@pytest.fixture(scope="module")
def ranker() -> LearnedRanker:
    model = default_learned_ranker()
    assert model is not None, "bot/route/lexicon/learned_model.npz is missing: run `make route-model`"
    return model


def test_the_model_knows_every_active_service(router, ranker):
    """A service added since the fit would never be boosted: the catalogue change needs `make route-model`."""
    active = {s.id for s in router.catalogue.services if s.status == "active"}
    assert set(ranker.service_ids) == active


def test_features_meet_across_scripts_and_word_pieces():
    units = default_analyser().units("renewal mulkiya")
    found = features(units)
    assert "w:" + units[0].word in found and "k:" + units[1].key in found
    assert "b:" + units[0].word + "_" + units[1].word in found
    assert "c: re" in found and "c:kiya " in found


def test_the_message_vector_is_unit_length_and_ignores_unknown_features(ranker):
    vector = ranker.vector(default_analyser().units("renew my car registration zzqxv"))
    assert vector and abs(sum(v * v for v in vector.values()) - 1.0) < 1e-6
    assert ranker.vector(default_analyser().units("zzqxv")) == {}


@pytest.mark.parametrize(
    ("text", "service_id"),
    [
        ("Renew driving licence", "rta.driving_licence.renew"),
        ("تجديد رخصة القيادة", "rta.driving_licence.renew"),
    ],
)
def test_a_service_name_is_its_own_best_decision(ranker, text, service_id):
    decisions = ranker.decisions(default_analyser().units(text))
    assert ranker.service_ids[int(np.argmax(decisions))] == service_id


def order(*args, **kwargs) -> list[str]:
    return [sid for sid, _ in fused_scores(*args, **kwargs)]


def test_fusion_adds_the_models_decision_to_bm25s_share():
    base = {"a": 10.0, "b": 9.0}
    assert fused_scores(base, {"a": -0.9, "b": -0.2}, 0.25) == [("b", 0.9 - 0.05), ("a", 1.0 - 0.225)]
    assert order(base, {"a": -0.9, "b": -0.2}, 0.25) == ["b", "a"]  # 1.0-0.225 < 0.9-0.05
    assert order(base, {"a": -0.9, "b": -0.2}, 0.0) == ["a", "b"]
    # a service the model has not seen gets the lowest decision, not a free zero
    assert order({"a": 10.0, "new": 9.9}, {"a": -0.5, "b": -0.9}, 0.25) == ["a", "new"]


def test_the_router_decides_scope_before_the_model_reorders(router):
    """The model reorders BM25's candidates; it never turns an unrelated message into a service."""
    assert router.learned is not None
    assert router.route("what's the weather like in paris tomorrow").out_of_scope
