"""Fixtures for the action unit tests: tracker JSON fixtures, a fake route core,
a small fake catalogue and a recorder in place of the deflection log.

Run from the app environment: .venv/bin/python -m pytest tests/actions
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.route.contract import Alternative, ChannelRef, JourneyRef, RouteAnswer, ServiceRef
from service_catalog.schema import Service

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "trackers"
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))

FAKE_SERVICES = {
    "rta.driving_licence.renew": Service(
        id="rta.driving_licence.renew",
        name_en="Renew driving licence",
        name_ar="تجديد رخصة القيادة",
        name_ar_verified=True,
        fee_aed=320,
        fee_text="320 (age 21+); 120 (under 21)",
        channels=[
            {"kind": "app", "name": "RTA Dubai app", "url": "https://www.rta.ae"},
            {"kind": "kiosk", "name": "RTA self-service kiosks"},
            {"kind": "call_centre", "name": "RTA call centre 8009090", "url": "tel:8009090"},
        ],
        documents=["Emirates ID", "eye test result"],
        visit_needed_for=["elderly"],
        source="unverified",
    ),
    "rta.driving_licence.replace_lost": Service(
        id="rta.driving_licence.replace_lost",
        name_en="Replace lost driving licence",
        name_ar="بدل فاقد رخصة القيادة",
        fee_aed=None,
        fee_note="no fee found",
        channels=[{"kind": "app", "name": "RTA Dubai app"}],
        source="unverified",
    ),
    "dewa.bill.pay": Service(
        id="dewa.bill.pay",
        name_en="Pay DEWA bill",
        name_ar="دفع فاتورة ديوا",
        fee_aed=0,
        channels=[{"kind": "app", "name": "DEWA app", "url": "https://www.dewa.gov.ae"}],
        source="unverified",
    ),
}


def _ref(service: Service) -> ServiceRef:
    return ServiceRef(
        id=service.id,
        entity=service.id.split(".")[0],
        name_en=service.name_en,
        name_ar=service.name_ar,
        name_ar_verified=service.name_ar_verified,
        fee_aed=service.fee_aed,
    )


def _alt(service: Service, score: float) -> Alternative:
    return Alternative(
        id=service.id, entity=service.id.split(".")[0], name_en=service.name_en, name_ar=service.name_ar, score=score
    )


def fake_route_text(text: str, request_id: str | None = None) -> RouteAnswer:
    """Deterministic stand-in for bot.route.route_text, same refusals as the real one."""
    if not isinstance(text, str) or not text.strip() or len(text) > 5000 or not re.search(r"[^\W\d_]", text):
        raise ValueError("invalid text")
    lang = "ar" if re.search(r"[\u0600-\u06FF]", text) or "abi" in text.lower() else "en"
    lowered = text.lower()
    renew, lost, dewa = (
        FAKE_SERVICES[k] for k in ("rta.driving_licence.renew", "rta.driving_licence.replace_lost", "dewa.bill.pay")
    )
    if lowered.strip() == "a life event":  # a journey: its services in its own order, not by score
        return RouteAnswer(
            language=lang,
            out_of_scope=False,
            needs_clarification=True,
            service=_ref(dewa),
            channel=ChannelRef(kind="app", name="DEWA app", url="https://www.dewa.gov.ae"),
            alternatives=[_alt(lost, 0.0), _alt(renew, 0.0)],
            score=0.0,
            journey=JourneyRef(id="moving_home", name_en="Moving into a new home", name_ar="الانتقال إلى منزل جديد"),
        )
    if lowered.strip() == "driving licence":
        return RouteAnswer(
            language=lang,
            out_of_scope=False,
            needs_clarification=True,
            service=_ref(renew),
            channel=ChannelRef(kind="app", name="RTA Dubai app", url="https://www.rta.ae"),
            alternatives=[_alt(lost, 0.5), _alt(dewa, 0.1)],
            score=0.5,
        )
    if "either licence" in lowered:  # names services, too close to choose (a real score)
        return RouteAnswer(
            language=lang,
            out_of_scope=False,
            needs_clarification=True,
            service=_ref(renew),
            channel=ChannelRef(kind="app", name="RTA Dubai app", url="https://www.rta.ae"),
            alternatives=[_alt(lost, 0.55)],
            score=0.6,
        )
    if "papers" in lowered:  # only general words: the route core asks which, with score 0.0
        return RouteAnswer(
            language=lang,
            out_of_scope=False,
            needs_clarification=True,
            service=_ref(dewa),
            channel=ChannelRef(kind="app", name="DEWA app", url="https://www.dewa.gov.ae"),
            alternatives=[_alt(lost, 0.0)],
            score=0.0,
        )
    if "renew" in lowered or "اجدد" in text or "laysen" in lowered:
        return RouteAnswer(
            language=lang,
            out_of_scope=False,
            needs_clarification=False,
            service=_ref(renew),
            channel=ChannelRef(kind="app", name="RTA Dubai app", url="https://www.rta.ae"),
            alternatives=[_alt(lost, 0.2)],
            score=0.8,
        )
    if "dewa" in lowered or "ديوا" in text:
        return RouteAnswer(
            language=lang,
            out_of_scope=False,
            needs_clarification=False,
            service=_ref(dewa),
            channel=ChannelRef(kind="app", name="DEWA app", url="https://www.dewa.gov.ae"),
            alternatives=[],
            score=0.8,
        )
    return RouteAnswer(
        language=lang,
        out_of_scope=True,
        needs_clarification=False,
        service=None,
        channel=None,
        alternatives=[],
        score=0.0,
    )


class Recorder:
    def __init__(self) -> None:
        self.deflections: list[dict[str, Any]] = []
        self.handoffs: list[tuple] = []
        self.handoff_routes: list[tuple[str, str]] = []  # (channel, language) of each hand-off

    def record_deflection(self, conversation_id, service_id, entity, channel, language, source, outcome) -> bool:
        self.deflections.append(
            dict(
                conversation_id=conversation_id,
                service_id=service_id,
                entity=entity,
                channel=channel,
                language=language,
                source=source,
                outcome=outcome,
            )
        )
        return True

    def record_handoff(self, conversation_id, service_id, reason, channel="web", language="en") -> None:
        self.handoffs.append((conversation_id, service_id, reason))
        self.handoff_routes.append((channel, language))

    @property
    def outcomes(self) -> list[tuple[str, str]]:
        return [(d["service_id"], d["outcome"]) for d in self.deflections]


def load_state(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def make_tracker(
    name: str, *, text: str | None = None, intent: str | None = None, entities: list | None = None, **slots: Any
) -> Tracker:
    """A Tracker from a JSON fixture, optionally with another latest message or slot values."""
    state = copy.deepcopy(load_state(name))
    state["slots"].update(slots)
    if text is not None or intent is not None or entities is not None:
        message = state["latest_message"]
        if text is not None:
            message["text"] = text
        if intent is not None:
            message["intent"] = {"name": intent, "confidence": 0.9}
        if entities is not None:
            message["entities"] = entities
        state["events"][-1]["text"] = message["text"]
        state["events"][-1]["parse_data"] = {"intent": message["intent"], "entities": message["entities"]}
    return Tracker.from_dict(state)


def run(action, tracker: Tracker) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, DOMAIN)
    check_messages(dispatcher.messages)
    return dispatcher, events


_VAR = re.compile(r"{([a-z_]+)}")


def check_messages(messages: list[dict[str, Any]]) -> None:
    """Every message is a domain response, with both languages, and all its template variables given."""
    for message in messages:
        assert not message.get("text"), f"customer-facing text from Python: {message.get('text')!r}"
        name = message.get("response")
        assert name in DOMAIN["responses"], f"unknown response {name!r}"
        variations = DOMAIN["responses"][name]
        assert any(v.get("condition") for v in variations) and any(not v.get("condition") for v in variations), name
        for variation in variations:
            for var in _VAR.findall(variation["text"]):
                assert message.get(var) is not None, f"{name}: template variable {var!r} not filled"


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("response") for m in dispatcher.messages]


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
