"""The scope model: generated from our own messages, loaded with the features the code computes."""

import json
from pathlib import Path

import pytest

from bot.route.scope import FEATURES, MODEL_PATH, ScopeModel
from bot.route.scope_fit import fit, nlu_messages, scope_examples, training_messages

DATA = Path(__file__).resolve().parents[2] / "labelled"


def test_committed_model_is_what_the_fit_produces(router):
    """bot/route/lexicon/scope_model.json is generated: a changed catalogue, lexicon or training set
    needs `python -m bot scope fit` (or `make scope-model`) and the result committed."""
    committed = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    fresh = fit(router.index, router.learned)
    assert fresh["trained_on"] == committed["trained_on"]
    assert fresh["weights"] == pytest.approx(committed["weights"], abs=1e-3)
    assert fresh["intercept"] == pytest.approx(committed["intercept"], abs=1e-3)


def test_training_messages_never_come_from_a_holdout_half():
    texts = {text for text, _ in training_messages()}
    sets = ("route_cases_wide.jsonl", "route_cases_blind.jsonl", "route_cases_needs.jsonl", "route_cases_fresh.jsonl")
    for name in sets:
        cases = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
        holdout = {case["text"] for case in cases if case["split"] == "holdout"}
        assert holdout and not texts & holdout, name
    assert {label for _, label in nlu_messages()} == {label for _, label in scope_examples()} == {0, 1}


def test_a_model_fitted_on_other_features_is_refused(tmp_path):
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    data["features"] = [*FEATURES[:-1], "something_else"]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="refit"):
        ScopeModel.load(path)
