"""Deflection figures for the metrics API and the dashboard: aggregates computed by the database.

Fees come from the services table (the catalogue as imported; a service that left the catalogue keeps
its last imported fee). A deflected visit whose fee is unknown adds nothing to fee_aed and is counted
in unknown_fee_count instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, case, desc, func, literal, select
from sqlalchemy.orm import Session

from bot.store.deflections import DEFLECTED_OUTCOMES, OUTCOMES, SOURCES
from bot.store.models import DeflectionEvent, ServiceRecord

GROUPS = ("day", "entity", "service", "channel", "source")
LANGUAGES = ("en", "ar")
MEASURES = ("deflected", "fee_aed", "unknown_fee_count", *OUTCOMES, "events")


class InvalidQuery(ValueError):
    """A filter or grouping that cannot be answered; the message says why."""


@dataclass(frozen=True)
class Filters:
    start: datetime | None = None  # inclusive, aware
    end: datetime | None = None  # exclusive, aware
    entity: str | None = None
    service: str | None = None
    channel: str | None = None
    source: str | None = None
    language: str | None = None
    outcome: str | None = None


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidQuery(f"unknown time zone {name!r} (DALEEL_METRICS_TIMEZONE)") from None


def parse_bound(name: str, value: str | None, tz: ZoneInfo, *, end: bool) -> datetime | None:
    """A date covers its whole day; a datetime is that instant (naive ones are in tz)."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
            return datetime.combine(day, time(), tz).astimezone(timezone.utc)
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=tz)
        return moment.astimezone(timezone.utc) + timedelta(microseconds=1 if end else 0)
    except (ValueError, OverflowError):
        raise InvalidQuery(f"{name!r} must be a date (YYYY-MM-DD) or an ISO 8601 datetime, got {text[:40]!r}") from None


def make_filters(tz: ZoneInfo, start: str | None = None, end: str | None = None, **fields: str | None) -> Filters:
    closed = {"source": SOURCES, "language": LANGUAGES, "outcome": OUTCOMES}
    for name, allowed in closed.items():
        if fields.get(name) and fields[name] not in allowed:
            raise InvalidQuery(f"{name!r} must be one of {', '.join(allowed)}; got {fields[name][:40]!r}")
    filters = Filters(
        parse_bound("from", start, tz, end=False),
        parse_bound("to", end, tz, end=True),
        **{k: (v or None) for k, v in fields.items()},
    )
    if filters.start and filters.end and filters.start >= filters.end:
        raise InvalidQuery(f"'from' ({start}) is after 'to' ({end})")
    return filters


def parse_group_by(values: list[str] | None) -> tuple[str, ...]:
    """group_by=day&group_by=entity or group_by=day,entity; each at most once, in the order given."""
    names = [n.strip() for v in values or [] for n in v.split(",") if n.strip()]
    unknown = [n for n in names if n not in GROUPS]
    if unknown:
        raise InvalidQuery(f"unknown group_by {unknown[0][:40]!r}: use one or more of {', '.join(GROUPS)}")
    return tuple(dict.fromkeys(names))


def _day(session: Session, tz: ZoneInfo) -> ColumnElement:
    """The event's calendar day in tz, rendered inline so SELECT and GROUP BY are the same expression."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(literal(tz.key, literal_execute=True), DeflectionEvent.created_at))
    # SQLite has no zone rules: the zone's present UTC offset (exact for Dubai, which has no DST).
    minutes = int(datetime.now(tz).utcoffset().total_seconds() // 60)
    return func.date(DeflectionEvent.created_at, literal(f"{minutes:+d} minutes", literal_execute=True))


def _keys(session: Session, tz: ZoneInfo) -> dict[str, ColumnElement]:
    return {
        "day": _day(session, tz),
        "entity": DeflectionEvent.entity,
        "service": DeflectionEvent.service_id,
        "channel": DeflectionEvent.channel,
        "source": DeflectionEvent.source,
    }


def _measures() -> list[ColumnElement]:
    deflected = DeflectionEvent.outcome.in_(DEFLECTED_OUTCOMES)
    fee = ServiceRecord.fee_aed

    def count_if(condition) -> ColumnElement:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return [
        count_if(deflected).label("deflected"),
        func.coalesce(func.sum(case((deflected & fee.is_not(None), fee), else_=0.0)), 0.0).label("fee_aed"),
        count_if(deflected & fee.is_(None)).label("unknown_fee_count"),
        *[count_if(DeflectionEvent.outcome == outcome).label(outcome) for outcome in OUTCOMES],
        func.count(DeflectionEvent.id).label("events"),
    ]


def _where(query, filters: Filters):
    columns = {
        "entity": DeflectionEvent.entity,
        "service": DeflectionEvent.service_id,
        "channel": DeflectionEvent.channel,
        "source": DeflectionEvent.source,
        "language": DeflectionEvent.language,
        "outcome": DeflectionEvent.outcome,
    }
    for name, column in columns.items():
        if getattr(filters, name) is not None:
            query = query.where(column == getattr(filters, name))
    if filters.start is not None:
        query = query.where(DeflectionEvent.created_at >= filters.start)
    if filters.end is not None:
        query = query.where(DeflectionEvent.created_at < filters.end)
    return query


def _row(mapping) -> dict:
    row = dict(mapping)
    if isinstance(row.get("day"), date):  # PostgreSQL gives a date, SQLite a string
        row["day"] = row["day"].isoformat()
    row["fee_aed"] = round(float(row["fee_aed"]), 2)
    return row


def deflection_figures(
    session: Session, filters: Filters, group_by: tuple[str, ...], tz: ZoneInfo, top: int | None = None
) -> list[dict]:
    """One row per group (or one row in all without group_by): the keys, then MEASURES."""
    keys = _keys(session, tz)
    columns = [keys[name].label(name) for name in group_by]
    if "service" in group_by:  # names for the charts; max() keeps the query valid on PostgreSQL
        columns += [
            func.max(ServiceRecord.name_en).label("service_name_en"),
            func.max(ServiceRecord.name_ar).label("service_name_ar"),
        ]
    query = (
        select(*columns, *_measures())
        .select_from(DeflectionEvent)
        .outerjoin(ServiceRecord, ServiceRecord.id == DeflectionEvent.service_id)
    )
    query = _where(query, filters).group_by(*[keys[name] for name in group_by])
    order = [keys[name] for name in group_by]
    if top is not None:
        query = query.order_by(desc("deflected"), *order).limit(top)
    else:
        query = query.order_by(*order)
    return [_row(r) for r in session.execute(query).mappings()]


def channels_seen(session: Session) -> list[str]:
    """Channels that appear in the events, for the dashboard's filter."""
    query = select(DeflectionEvent.channel).distinct().order_by(DeflectionEvent.channel).limit(500)
    return [c for c in session.scalars(query) if c]


def change_percent(now: float, before: float) -> float | None:
    """Change on the day before in %, None when there was nothing the day before."""
    return round((now - before) / before * 100, 1) if before else None
