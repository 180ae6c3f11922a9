"""The bilingual thesaurus (bot/route/lexicon/thesaurus.yml): a word of any register says its concept, so a
message and the catalogue's phrases meet on shared concepts; the scope evidence still weighs only the words."""

import pytest

from bot.route.analyse import Analyser, default_analyser


def concepts(text: str) -> list[tuple[str, ...]]:
    return [unit.concepts for unit in default_analyser().units(text)]


@pytest.mark.parametrize(
    ("register", "word"),
    [
        ("en", "vehicle"),
        ("en", "motor"),
        ("ar", "مركبة"),
        ("gulf", "موتر"),
        ("arabizi", "sayyara"),
        ("arabizi", "motar"),
    ],
)
def test_every_register_says_vehicle(register, word):
    assert concepts(word) == [("#vehicle",)], register


@pytest.mark.parametrize(
    ("register", "word"),
    [("en", "penalty"), ("ar", "غرامة"), ("gulf", "مخالفة"), ("arabizi", "mu5alfa")],
)
def test_every_register_says_fine(register, word):
    assert concepts(word) == [("#fine",)], register


def test_a_span_of_words_is_one_concept_and_the_longest_span_wins():
    assert concepts("rukhsat giyada") == [("#driving_licence",), ("#driving_licence",)]
    assert concepts("car") == [("#vehicle",)]
    assert concepts("car registration") == [("#vehicle_registration",), ("#vehicle_registration",)]


def test_ambiguous_words_say_no_concept():
    """ "card", "number", "app" belong to many services: the thesaurus leaves them alone."""
    assert all(found == () for found in concepts("card number app"))


def test_concepts_are_extra_forms_not_other_words():
    plain = Analyser(thesaurus_path=None).units("motar")
    expanded = default_analyser().units("motar")
    assert [u.word_forms() for u in plain] == [u.word_forms() for u in expanded]
    assert expanded[0].forms() == (*expanded[0].word_forms(), "#vehicle")


def test_a_word_the_catalogue_never_uses_reaches_its_service_through_its_concept(router):
    """No name, synonym or situation says "roadworthiness": its concept (vehicle inspection) does."""
    answer = router.route("roadworthiness test for my old car")
    assert not answer.out_of_scope and answer.service.id == "rta.vehicle_inspection.test"
    without = Analyser(thesaurus_path=None).units("roadworthiness")
    assert not any(form in router.index._vocab for form in without[0].forms())


def test_a_word_known_only_through_its_concept_is_half_evidence_not_an_unknown_word(router):
    units = router.index.query_units("roadworthiness test")
    service = router.catalogue.by_id()["rta.vehicle_inspection.test"]
    evidence = router.index.evidence(units, service)
    assert evidence.unknown == 0 and 0 < evidence.coverage < 1


def test_scope_evidence_weighs_the_message_words_not_their_concepts(router):
    """An everyday message with a thesaurus word stays out of scope: concepts rank, words decide scope."""
    assert router.route("my sister loves her new sports car, it is so fast").out_of_scope
