"""The route lexicons (thesaurus, journeys) stay valid against the catalogue."""

from collections import Counter
from pathlib import Path

import yaml

LEXICON = Path(__file__).resolve().parents[2] / "bot" / "route" / "lexicon"
REGISTERS = ("en", "ar", "gulf", "arabizi")


def test_every_journey_lists_active_services_in_order(router):
    journeys = yaml.safe_load((LEXICON / "journeys.yml").read_text(encoding="utf-8"))["journeys"]
    active = {s.id for s in router.catalogue.services if s.status == "active"}
    assert len(journeys) >= 8
    for name, journey in journeys.items():
        assert 2 <= len(journey["services"]) == len(set(journey["services"])), name
        assert set(journey["services"]) <= active, (name, set(journey["services"]) - active)
        assert all(len(journey["triggers"][register]) >= 6 for register in REGISTERS), name
        assert all(journey["single_service"][register] for register in REGISTERS), name


def test_each_thesaurus_word_belongs_to_one_concept_in_every_register():
    data = yaml.safe_load((LEXICON / "thesaurus.yml").read_text(encoding="utf-8"))
    words = Counter(
        w for concept in data["concepts"].values() for w in {str(w).lower() for r in REGISTERS for w in concept[r]}
    )
    assert [w for w, n in words.items() if n > 1] == []
    assert all(all(concept.get(r) for r in REGISTERS) for concept in data["concepts"].values())
    assert not words.keys() & {str(w).lower() for w in data["stop_ambiguous"]}
