"""Life events: the route core answers a message about the whole event with its journey's services in order,
and leaves a request for one service with that service. The messages are our own, in no labelled set."""

import pytest

from bot.route.journeys import Journey

LIFE_EVENTS = [
    ("my mother died yesterday in rashid hospital, what must the family do now", "death_in_family"),
    (
        "\u0627\u0646\u062a\u0642\u0644\u0646\u0627 \u0644\u0628\u064a\u062a \u062c\u062f\u064a\u062f \u0641\u064a \u0645\u0631\u062f\u0641\u060c \u0634\u0648 \u0627\u0644\u0645\u0639\u0627\u0645\u0644\u0627\u062a \u0627\u0644\u0645\u0637\u0644\u0648\u0628\u0629\u061f",
        "moving_home",
    ),  # انتقلنا لبيت جديد في مردف، شو المعاملات المطلوبة؟
    (
        "\u0623\u0628\u064a \u0623\u0641\u062a\u062d \u0645\u0637\u0639\u0645 \u0635\u063a\u064a\u0631 \u0641\u064a \u0627\u0644\u0643\u0631\u0627\u0645\u0629\u060c \u0645\u0646 \u0648\u064a\u0646 \u0623\u0628\u062f\u0623\u061f",
        "starting_business",
    ),  # أبي أفتح مطعم صغير في الكرامة، من وين أبدأ؟
    ("abi abee3 sayarti el 9ubh, shu asawi?", "selling_car"),
    ("we are relocating back home to india for good in june, what do we have to close here?", "leaving_uae"),
]


@pytest.mark.parametrize("text, journey_id", LIFE_EVENTS)
def test_a_life_event_is_answered_with_its_services_in_order(router, text, journey_id):
    answer = router.route(text)
    assert answer.journey is not None and answer.journey.id == journey_id
    journey = router.journeys.journeys[journey_id]
    assert [answer.service.id, *(a.id for a in answer.alternatives)] == list(journey.services)
    assert answer.needs_clarification is True and answer.out_of_scope is False


@pytest.mark.parametrize(
    "text",
    [
        "renew my driving licence",
        "how much is the ejari registration fee",
        # a life event, but the service is named: the burial permit, not the whole journey
        "I need the burial permit for my late father",
        "\u0627\u0628\u064a \u0627\u0634\u063a\u0644 \u0627\u0644\u0643\u0647\u0631\u0628\u0627\u0621 \u0648\u0627\u0644\u0645\u0627\u064a \u0641\u064a \u0627\u0644\u0634\u0642\u0629 \u0627\u0644\u064a\u062f\u064a\u062f\u0629",  # ابي اشغل الكهرباء والماي في الشقة اليديدة
        "what is the weather in dubai tomorrow",
    ],
)
def test_a_request_for_one_service_is_not_a_journey(router, text):
    assert router.route(text).journey is None


def test_a_journey_whose_services_are_all_gone_is_answered_as_any_message(router):
    gone = Journey("gone", "Gone", "\u0645\u0636\u0649", ("no.such.service",), (), ())
    assert router.journey_answer(gone, None, "en") is None
