import pytest

from actions.detect_language import ActionDetectLanguage, requested_language
from tests.support.actions import make_tracker, run, slot_events


def _language_after(text, intent="request_service", **slots):
    _, events = run(ActionDetectLanguage(), make_tracker("route_request_en", text=text, intent=intent, **slots))
    return slot_events(events)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("renew my driving licence", None),  # already English: nothing to change
        ("ابي اجدد الليسن", "ar"),
        ("abi adfa3 fatorat dewa", "ar"),
    ],
)
def test_follows_last_message(text, expected):
    assert _language_after(text).get("language") == expected


def test_back_to_english():
    assert _language_after("renew my licence", language="ar") == {"language": "en"}


@pytest.mark.parametrize("text", ["", "😀😀", '/choose_service{"service_id": "x"}', "123"])
def test_keeps_language_for_payloads_and_no_words(text):
    assert _language_after(text, language="ar") == {}


def test_switch_language_sets_preference():
    assert _language_after("عربي لو سمحت", intent="switch_language") == {"language_preference": "ar", "language": "ar"}
    assert _language_after("كلمني انجليزي", intent="switch_language", language="ar") == {
        "language_preference": "en",
        "language": "en",
    }


def test_preference_wins_over_latin_script():
    assert _language_after("abi ajaded el laysen", language_preference="en") == {}  # Arabizi: still English
    assert _language_after("renew my licence", language_preference="ar") == {"language": "ar"}


def test_writing_in_arabic_after_asking_for_english_switches_to_arabic():
    assert _language_after("ابي اجدد الليسن", language_preference="en") == {
        "language_preference": None,
        "language": "ar",
    }
    assert _language_after("ابي اجدد الليسن", language_preference="ar", language="ar") == {}


def test_requested_language():
    assert requested_language("english please") == "en"
    assert requested_language("i don't understand arabic, english pls") == "en"
    assert requested_language("بالعربي") == "ar"
    assert requested_language("switch") is None
