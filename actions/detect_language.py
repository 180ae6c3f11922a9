"""action_detect_language: custom slot mapping run after every customer message.

The reply follows the language of the customer's last message; an explicit
request ("english please", "عربي لو سمحت") sets a preference that wins over
Latin-script messages (Arabizi reads as Arabic to the detector; someone who asked
for Arabic may have no Arabic keyboard) until the customer asks for the other
language or writes in Arabic script, which is a switch to Arabic. Button
payloads, emoji and empty messages keep the current language.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import LANGUAGES, has_words, is_payload, latest_intent, latest_text

_ASKS_ENGLISH = re.compile(r"english|engl|inglizi|ingilizi|انجليزي|إنجليزي|انقليزي|الانجليزية|الإنجليزية", re.I)
_ASKS_ARABIC = re.compile(r"arabic|arabi|3arabi|عربي|العربية|العربي", re.I)


def requested_language(text: str) -> str | None:
    wants_en = bool(_ASKS_ENGLISH.search(text))
    wants_ar = bool(_ASKS_ARABIC.search(text))
    if wants_en and not wants_ar:
        return "en"
    if wants_ar and not wants_en:
        return "ar"
    if wants_en and wants_ar:  # "I don't understand arabic, english pls"
        return (
            "en" if re.search(r"(don'?t|do not|not|no|cannot|can'?t)\s+(understand|speak|read)", text, re.I) else None
        )
    return None


_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def in_arabic_script(text: str) -> bool:
    """Mostly Arabic letters: the one sign of the language that no Arabizi or keyboard doubt blurs."""
    return len(_ARABIC_LETTER.findall(text)) > len(_LATIN_LETTER.findall(text))


def detect(text: str) -> str:
    from bot.route import detect_language

    return detect_language(text)


class ActionDetectLanguage(Action):
    def name(self) -> str:
        return "action_detect_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        current = tracker.get_slot("language") if tracker.get_slot("language") in LANGUAGES else "en"
        preference = tracker.get_slot("language_preference")
        if latest_intent(tracker) == "switch_language" and not is_payload(text):
            wanted = requested_language(text) or ("en" if current == "ar" else "ar")
            return [SlotSet("language_preference", wanted), SlotSet("language", wanted)]
        if preference == "en" and not is_payload(text) and in_arabic_script(text):
            # "english please" earlier, now a message in Arabic: they switched, answer in Arabic
            return [SlotSet("language_preference", None), SlotSet("language", "ar")]
        if preference in LANGUAGES:
            return [SlotSet("language", preference)] if preference != current else []
        if is_payload(text) or not has_words(text):
            return []
        try:
            detected = detect(text[:1000])
        except Exception:  # noqa: BLE001  (keep the current language rather than fail)
            return []
        return [SlotSet("language", detected)] if detected in LANGUAGES and detected != current else []
