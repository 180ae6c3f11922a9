"""Helpers shared by the actions: language, source channel, service in focus, safe logging."""

from __future__ import annotations

import json
import logging
import re
from abc import ABCMeta, abstractmethod
from typing import Any, Iterable

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

logger = logging.getLogger(__name__)

LANGUAGES = ("ar", "en")
# Tracker's latest_input_channel -> source recorded with a deflection event.
SOURCES = {
    "rest": "rest",
    "callback": "rest",
    "socketio": "web",
    "twilio": "whatsapp",
    "whatsapp": "whatsapp",
    "ambassador": "ambassador",
}
DEFAULT_SOURCE = "web"
MAX_CHOICES = 3
_HAS_LETTER = re.compile(r"[^\W\d_]")


# --- the route core and the deflection log (the lead's bot/ package) ----------------


def route(text: str):
    """RouteAnswer for the text, or None when the text cannot be routed (empty, too long, no words)."""
    from bot.route import route_text

    if not has_words(text):
        return None
    try:
        return route_text(text)
    except ValueError:  # bot.route.InvalidText and any other refusal of the text
        return None


def service_record(service_id: str | None):
    if not service_id or not isinstance(service_id, str):
        return None
    from service_catalog.loader import get_service

    try:
        return get_service(service_id)
    except Exception:  # noqa: BLE001  (a broken catalogue must not break the chat)
        logger.exception("catalogue lookup failed for %r", service_id)
        return None


def log_deflection(tracker: Tracker, service, channel_name: str, outcome: str) -> bool:
    """Record the outcome for the service in this conversation; never raises."""
    from bot.store.deflections import record_deflection

    try:
        return record_deflection(
            conversation_id=tracker.sender_id,
            service_id=service.id,
            entity=entity_of(service),
            channel=channel_name or "",
            language=language(tracker),
            source=source(tracker),
            outcome=outcome,
        )
    except Exception:  # noqa: BLE001
        logger.exception("could not record deflection %s for %s", outcome, getattr(service, "id", None))
        return False


def log_handoff(tracker: Tracker, service_id: str | None, reason: str) -> None:
    from bot.store.deflections import record_handoff

    try:
        record_handoff(tracker.sender_id, service_id, reason, channel=source(tracker), language=language(tracker))
    except Exception:  # noqa: BLE001
        logger.exception("could not record hand-off")


# --- conversation state --------------------------------------------------------------


def language(tracker: Tracker) -> str:
    value = tracker.get_slot("language")
    return value if value in LANGUAGES else "en"


def source(tracker: Tracker) -> str:
    # A connector that talks to Rasa through the REST channel (WhatsApp, the web chat) names
    # itself in the message metadata.
    metadata = (tracker.latest_message or {}).get("metadata")
    if isinstance(metadata, dict) and metadata.get("source") in ("web", "whatsapp"):
        return metadata["source"]
    channel = (tracker.get_latest_input_channel() or "").lower()
    return SOURCES.get(channel, DEFAULT_SOURCE)


def latest_text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text") or ""
    return text if isinstance(text, str) else ""


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def is_payload(text: str) -> bool:
    return text.strip().startswith("/")


def has_words(text: str) -> bool:
    return bool(text and text.strip() and _HAS_LETTER.search(text))


def entity_of(service) -> str:
    return getattr(service, "entity", None) or service.id.split(".", 1)[0]


def service_name(service, lang: str) -> str:
    if lang == "ar" and getattr(service, "name_ar", None):
        return service.name_ar
    return service.name_en


def fee_number(fee: float | None) -> str | None:
    if fee is None:
        return None
    return f"{fee:,.2f}".rstrip("0").rstrip(".")


def lines(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items if item)


# --- catalogue text in the reply's language ------------------------------------------------
# An Arabic reply carries the Arabic beside each English catalogue string (the record's own, else
# service_catalog/glossary.yml), never the English; the English reply carries the English.


def _glossary():
    from service_catalog.loader import EMPTY_GLOSSARY, default_glossary

    try:
        return default_glossary()
    except Exception:  # noqa: BLE001  (a broken glossary must not break the chat)
        logger.exception("glossary cannot be loaded")
        return EMPTY_GLOSSARY


def channel_label(channel, lang: str, service=None) -> str:
    """The channel's name in the reply language. The route core's channel (name and link only) takes
    its Arabic from the service's channel of that name, else from the glossary."""
    if lang != "ar":
        return channel.name
    arabic = getattr(channel, "name_ar", None)
    if not arabic and service is not None:
        arabic = next(
            (c.name_ar for c in getattr(service, "channels", ()) if c.name == channel.name and c.name_ar), None
        )
    if not arabic:
        arabic = _glossary().channel(channel.name)
    if not arabic:
        logger.warning("no Arabic name for channel %r", channel.name)
    return arabic or channel.name


def channel_line(channel, lang: str = "en", service=None) -> str:
    name = channel_label(channel, lang, service)
    return f"{name}: {channel.url}" if getattr(channel, "url", None) else name


def documents_in(service, lang: str) -> list[str] | None:
    """The service's documents in the reply language; None when it has none in that language."""
    documents = list(getattr(service, "documents", None) or [])
    if not documents:
        return None
    if lang != "ar":
        return documents
    arabic = list(getattr(service, "documents_ar", None) or [])
    if len(arabic) == len(documents):
        return arabic
    return _glossary().documents_for(documents)


def fee_text_in(service, lang: str) -> str | None:
    """The fee details in the reply language (fee_text / fee_text_ar), or None."""
    return getattr(service, "fee_text_ar" if lang == "ar" else "fee_text", None) or None


DEMAND_RANK = {"high": 0, "medium": 1, "low": 2}


def demand_rank(service_id: str) -> int:
    record = service_record(service_id)
    return DEMAND_RANK.get(getattr(record, "demand", None), len(DEMAND_RANK))


def order_ties_by_demand(candidates: list, scores: list[float]) -> list:
    """The candidates in their order, except that a run of equal scores is put in demand order
    (high > medium > low), keeping the route core's order among equals."""
    ordered, start = [], 0
    while start < len(candidates):
        end = start + 1
        while end < len(candidates) and abs(scores[end] - scores[start]) < 1e-9:
            end += 1
        run = candidates[start:end]
        ordered += sorted(run, key=lambda c: demand_rank(c.id)) if len(run) > 1 else run
        start = end
    return ordered


def focus_events(
    service_id: str | None, *, offered: list[str] | None = None, feedback: bool = False
) -> list[dict[str, Any]]:
    return [
        SlotSet("service_id", service_id),
        SlotSet("offered_services", offered or None),
        SlotSet("feedback_pending", feedback),
    ]


def candidate_ids(answer) -> list[str]:
    return [c.id for c in (answer.service, *answer.alternatives) if c is not None]


def names_other_services(answer, focus_id: str | None) -> bool:
    """The message names some service, too close to tell which, and not the one in focus ("how much is
    salik?" while a licence is in focus). The route core scores 0.0 when the words name no service at
    all ("what documents do I need": bot.route.router.which_service), so those keep the focus."""
    return (
        answer is not None
        and not answer.out_of_scope
        and answer.needs_clarification
        and answer.journey is None
        and answer.score > 0
        and focus_id not in candidate_ids(answer)
    )


def service_from_message_or_focus(tracker: Tracker):
    """For follow-ups: a service named in the message itself wins over the one in focus.

    Returns (service record or None, route answer or None, is_new); with no service, the route answer
    when it is a life event's journey or names other services too close to choose between (then the
    caller offers the choices: answer_choices), so a second service replaces the focus.
    """
    text = latest_text(tracker)
    answer = None if is_payload(text) else route(text)
    if answer is not None and not answer.out_of_scope and not answer.needs_clarification and answer.service:
        record = service_record(answer.service.id)
        if record is not None:
            return record, answer, record.id != tracker.get_slot("service_id")
    if names_other_services(answer, tracker.get_slot("service_id")):
        return None, answer, False
    record = service_record(tracker.get_slot("service_id"))
    if record is None and answer is not None and answer.journey is not None:
        return None, answer, False
    return record, None, False


def service_buttons(candidates, lang: str, limit: int | None = None) -> tuple[list[dict[str, str]], list[str]]:
    """One /choose_service button per distinct service, in the order given, numbered."""
    buttons, ids = [], []
    for candidate in candidates:
        if candidate is None or candidate.id in ids:
            continue
        ids.append(candidate.id)
        title = candidate.name_ar if lang == "ar" and candidate.name_ar else candidate.name_en
        payload = "/choose_service" + json.dumps({"service_id": candidate.id}, ensure_ascii=False)
        buttons.append({"title": f"{len(ids)}. {title}", "payload": payload})
        if len(ids) == limit:
            break
    return buttons, ids


def choice_buttons(answer, lang: str) -> tuple[list[dict[str, str]], list[str]]:
    """Buttons for the best guess and the next services, distinct, best first; equal scores by demand."""
    alternatives = [a for a in answer.alternatives if a is not None]
    candidates = [answer.service, *alternatives] if answer.service is not None else alternatives
    scores = ([answer.score] if answer.service is not None else []) + [a.score for a in alternatives]
    return service_buttons(order_ties_by_demand(candidates, scores), lang, MAX_CHOICES)


def offer_choices(
    dispatcher: CollectingDispatcher, tracker: Tracker, buttons, ids: list[str], response: str = "utter_clarify"
) -> list[dict[str, Any]]:
    """Ask which of the services: the choices become the focus, the service asked about before does
    not ("how much is it?" then must not answer the fee of the previous service)."""
    dispatcher.utter_message(response=response, buttons=buttons)
    return focus_events(None, offered=ids)


def offered_buttons(tracker: Tracker) -> tuple[list[dict[str, str]], list[str]]:
    """The buttons of the choices still pending (slot offered_services), in the order offered."""
    ids = [i for i in (tracker.get_slot("offered_services") or []) if isinstance(i, str)]
    return service_buttons([s for s in (service_record(i) for i in ids) if s is not None], language(tracker))


def answer_journey(dispatcher: CollectingDispatcher, tracker: Tracker, answer) -> list[dict[str, Any]]:
    """A life event ("we just had a baby"): the journey's name and its services, each a button."""
    lang = language(tracker)
    # the journey's order, not by score or demand: the order is the advice
    buttons, ids = service_buttons([answer.service, *answer.alternatives], lang)
    name = answer.journey.name_ar if lang == "ar" else answer.journey.name_en
    dispatcher.utter_message(response="utter_journey", buttons=buttons, journey_name=name)
    return focus_events(None, offered=ids)


def ask_which_service(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """A follow-up with no service: the choices still pending, else "which service is it about?"."""
    buttons, ids = offered_buttons(tracker)
    if ids:
        dispatcher.utter_message(response="utter_clarify", buttons=buttons)
        return []
    dispatcher.utter_message(response="utter_ask_service")
    return []


def answer_choices(dispatcher: CollectingDispatcher, tracker: Tracker, answer) -> list[dict[str, Any]]:
    """No single service: a life event's journey, or the services the message may mean."""
    if answer.journey is not None:
        return answer_journey(dispatcher, tracker, answer)
    return offer_choices(dispatcher, tracker, *choice_buttons(answer, language(tracker)))


def utter_route_answer(dispatcher: CollectingDispatcher, tracker: Tracker, service, channel) -> None:
    """The main answer: the service, the smart channel that completes it, the fee, the link."""
    lang = language(tracker)
    fee = fee_number(getattr(service, "fee_aed", None))
    kwargs = {
        "service_name": service_name(service, lang),
        "channel_name": channel_label(channel, lang, service),
        "link": getattr(channel, "url", None) or "",
    }
    if fee is None:
        dispatcher.utter_message(response="utter_route_answer_no_fee", **kwargs)
    else:
        dispatcher.utter_message(response="utter_route_answer", fee=fee, **kwargs)


def best_channel(service, answer=None):
    """The route core's channel when we have its answer, else the service's first channel."""
    if answer is not None and answer.channel is not None:
        return answer.channel
    try:  # the route core's choice (adds the entity's link when the channel has none)
        from bot.route import default_router

        return default_router().channel_for(service)
    except Exception:  # noqa: BLE001
        return service.channels[0] if service.channels else None


def route_and_log(dispatcher: CollectingDispatcher, tracker: Tracker, service, answer=None) -> list[dict[str, Any]]:
    """Send the customer to the smart channel for the service and record it as routed."""
    channel = best_channel(service, answer)
    if channel is None:
        dispatcher.utter_message(response="utter_choice_unknown")
        return []
    utter_route_answer(dispatcher, tracker, service, channel)
    log_deflection(tracker, service, channel.name, "routed")
    return focus_events(service.id, feedback=True)


class FollowUpAction(Action, metaclass=ABCMeta):
    """A question about the service in focus, or about one named in the question itself: a newly
    named service is first routed (and logged), then `answer` says what was asked."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        service, answer, is_new = service_from_message_or_focus(tracker)
        if service is None and answer is not None:  # "which papers will the baby need?": a life event
            return answer_choices(dispatcher, tracker, answer)
        if service is None:
            return ask_which_service(dispatcher, tracker)
        events = route_and_log(dispatcher, tracker, service, answer) if is_new else []
        lang = language(tracker)
        self.answer(dispatcher, service, service_name(service, lang), lang)
        return events or [SlotSet("service_id", service.id)]

    @abstractmethod  # abstract: rasa_sdk registers only concrete actions
    def answer(self, dispatcher: CollectingDispatcher, service, name: str, lang: str) -> None:
        """Say what was asked about the service, catalogue text in the reply language."""
