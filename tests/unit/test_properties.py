"""Property tests (hypothesis): the normaliser and route hold their promises on any text."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.route import InvalidText
from bot.text.normalise import normalise_for_matching

ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
MESSAGES = st.text(alphabet=st.one_of(ARABIC, st.characters(), st.sampled_from("abc 3 7 5 licence ليسن")), max_size=300)
FOLDED = re.compile("[\u0622\u0623\u0625\u0671\u0624\u0626\u0649\u0629\u0640\u064b-\u065f\u0660-\u0669]")


@given(MESSAGES)
def test_normalising_twice_changes_nothing(text):
    once = normalise_for_matching(text)
    assert normalise_for_matching(once) == once


@given(MESSAGES)
def test_normalised_text_has_no_variant_letters_marks_or_indic_digits(text):
    assert not FOLDED.search(normalise_for_matching(text))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(text=MESSAGES)
def test_route_answers_any_text_by_the_contract_or_refuses_it_clearly(router, text):
    try:
        answer = router.route(text, "p")
    except InvalidText as exc:
        assert str(exc)
        return
    assert answer.id == "p" and answer.language in ("ar", "en")
    if answer.out_of_scope:
        assert answer.service is None and answer.channel is None and not answer.alternatives
    else:
        assert answer.service and answer.channel and 0.0 <= answer.score <= 1.0
        ids = [answer.service.id, *(a.id for a in answer.alternatives)]
        assert len(ids) == len(set(ids))
