"""Deflection events on chosen days, written through record_deflection (as the bot writes them),
then moved to the day wanted: record_deflection always stamps "now"."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import update

from bot.store import db
from bot.store.deflections import hash_conversation, record_deflection
from bot.store.models import DeflectionEvent
from service_catalog.loader import default_catalogue

DUBAI = ZoneInfo("Asia/Dubai")
TOKEN = "daleel-dev-dashboard"  # the documented development default
AUTH = {"Authorization": f"Bearer {TOKEN}"}

# (day offset, conversation, service, entity, channel, source, language, outcome)
SAMPLE = [
    (-2, "c1", "rta.driving_licence.renew", "rta", "RTA Dubai app", "web", "en", "routed"),
    (
        -2,
        "c2",
        "dubai_police.traffic_clearance_certificate.issue",
        "dubai_police",
        "Dubai Police app",
        "whatsapp",
        "ar",
        "confirmed",
    ),
    (-1, "c3", "rta.driving_licence.renew", "rta", "RTA Dubai app", "web", "ar", "confirmed"),
    (-1, "c4", "dewa.electricity_water.move_out", "dewa", "DEWA app", "ambassador", "en", "routed"),
    (-1, "c5", "dewa.electricity_water.move_in", "dewa", "DEWA app", "whatsapp", "ar", "routed"),  # fee unknown
    (-1, "c6", "gdrfa.residence_visa.renew", "gdrfa", "GDRFA DXB app", "web", "en", "declined"),
    (0, "c7", "rta.driving_licence.renew", "rta", "RTA Dubai app", "web", "en", "routed"),
    (0, "c8", "rta.driving_licence.renew", "rta", "RTA Dubai app", "whatsapp", "ar", "routed"),
    (0, "c9", "salik.tag.buy", "salik", "Salik app", "web", "en", "confirmed"),
    (0, "c10", "gdrfa.residence_visa.renew", "gdrfa", "GDRFA DXB app", "ambassador", "ar", "assisted_in_person"),
    (
        0,
        "c11",
        "dubai_police.traffic_clearance_certificate.issue",
        "dubai_police",
        "Dubai Police app",
        "rest",
        "en",
        "handed_off",
    ),
    (0, "c12", "dewa.electricity_water.move_out", "dewa", "DEWA app", "web", "en", "confirmed"),
]


def record_at(
    when: datetime,
    conversation: str,
    service_id: str,
    entity: str,
    channel: str,
    source: str = "web",
    language: str = "en",
    outcome: str = "routed",
) -> None:
    record_deflection(conversation, service_id, entity, channel, language, source, outcome)
    with db.session() as session:
        session.execute(
            update(DeflectionEvent)
            .where(
                DeflectionEvent.conversation_hash == hash_conversation(conversation),
                DeflectionEvent.service_id == service_id,
            )
            .values(created_at=when.astimezone(timezone.utc))
        )
        session.commit()


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), DUBAI)


def seed(today: date, rows=SAMPLE) -> None:
    for offset, *event in rows:
        record_at(noon(today + timedelta(days=offset)), *event)


TODAY = date(2025, 3, 12)
RANGE = {"from": "2025-03-10", "to": "2025-03-12"}
DEFLECTED = ("routed", "confirmed")


def fee(service_id: str) -> float | None:
    service = default_catalogue().by_id().get(service_id)
    return service.fee_aed if service else None


def expected(rows=SAMPLE) -> dict:
    """The figures computed in Python from the sample: the oracle for the SQL aggregates."""
    outcomes = Counter(row[7] for row in rows)
    deflected = [row for row in rows if row[7] in DEFLECTED]
    return {
        "deflected": len(deflected),
        "events": len(rows),
        "fee_aed": round(sum(fee(r[2]) or 0 for r in deflected), 2),
        "unknown_fee_count": sum(1 for r in deflected if fee(r[2]) is None),
        **{o: outcomes.get(o, 0) for o in ("routed", "confirmed", "declined", "assisted_in_person", "handed_off")},
    }
