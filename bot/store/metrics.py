"""Deflection figures for the metrics API and the dashboard: aggregates computed by the database.

Fees come from the services table (the catalogue as imported; a service that left the catalogue keeps
its last imported fee). A deflected visit whose fee is unknown adds nothing to fee_aed and is counted
in unknown_fee_count instead.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, case, desc, func, literal, select
from sqlalchemy.orm import Session, aliased

from bot.store.deflections import DEFLECTED_OUTCOMES, OUTCOMES, SOURCES
from bot.store.handoffs import as_utc
from bot.store.models import DeflectionEvent, Handoff, HandoffStep, ServiceRecord

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


# --- the funnel: routed -> confirmed / declined / no answer, hand-offs, fee value -------------------

FUNNEL_BY = ("entity", "service", "channel", "source")
# Every visit sent to a channel; the customer's later answer replaces "routed" on the same row.
ROUTED_OUTCOMES = ("routed", "confirmed", "declined")
FUNNEL_MEASURES = (
    "routed",
    "confirmed",
    "declined",
    "no_answer",
    "routed_fee_aed",
    "confirmed_fee_aed",
    "unknown_fee_count",
    "confirmed_unknown_fee_count",
    "handoffs",
    "handoffs_taken",
    "median_waiting_seconds",
)


def _funnel_events(session: Session, filters: Filters, by: str) -> dict:
    key = {
        "entity": DeflectionEvent.entity,
        "service": DeflectionEvent.service_id,
        "channel": DeflectionEvent.channel,
        "source": DeflectionEvent.source,
    }[by]
    outcome, fee = DeflectionEvent.outcome, ServiceRecord.fee_aed
    routed, confirmed = outcome.in_(ROUTED_OUTCOMES), outcome == "confirmed"

    def count_if(condition) -> ColumnElement:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    def fee_if(condition) -> ColumnElement:
        return func.coalesce(func.sum(case((condition & fee.is_not(None), fee), else_=0.0)), 0.0)

    query = (
        select(
            key.label("key"),
            func.max(ServiceRecord.name_en).label("service_name_en"),
            func.max(ServiceRecord.name_ar).label("service_name_ar"),
            count_if(routed).label("routed"),
            count_if(confirmed).label("confirmed"),
            count_if(outcome == "declined").label("declined"),
            count_if(outcome == "routed").label("no_answer"),
            fee_if(routed).label("routed_fee_aed"),
            fee_if(confirmed).label("confirmed_fee_aed"),
            count_if(routed & fee.is_(None)).label("unknown_fee_count"),
            count_if(confirmed & fee.is_(None)).label("confirmed_unknown_fee_count"),
        )
        .select_from(DeflectionEvent)
        .outerjoin(ServiceRecord, ServiceRecord.id == DeflectionEvent.service_id)
        .where(routed)
        .group_by(key)
    )
    query = _where(query, replace(filters, outcome=None))  # the funnel is made of the outcomes
    rows = {}
    for r in session.execute(query).mappings():
        row = dict(r)
        row["routed_fee_aed"] = round(float(row["routed_fee_aed"]), 2)
        row["confirmed_fee_aed"] = round(float(row["confirmed_fee_aed"]), 2)
        if by != "service":
            row.pop("service_name_en"), row.pop("service_name_ar")
        rows[row.pop("key")] = row
    return rows


def _funnel_handoffs(session: Session, filters: Filters, by: str) -> dict[str | None, list[float | None]]:
    """Per key, the waits (waiting -> taken, seconds; None: not taken yet) of the hand-offs that started
    waiting in the period, from the steps. The service (and its entity) comes from the hand-off's row:
    one deleted by retention counts under no service. A hand-off has no smart channel: never by channel."""
    waiting, taken = aliased(HandoffStep), aliased(HandoffStep)
    keys = {"entity": ServiceRecord.entity, "service": Handoff.service_id, "source": waiting.channel}
    query = (
        select(waiting.handoff_id, keys[by].label("key"), waiting.at, func.min(taken.at).label("taken_at"))
        .select_from(waiting)
        .outerjoin(taken, (taken.handoff_id == waiting.handoff_id) & (taken.step == "taken"))
        .outerjoin(Handoff, Handoff.id == waiting.handoff_id)
        .outerjoin(ServiceRecord, ServiceRecord.id == Handoff.service_id)
        .where(waiting.step == "waiting")
        .group_by(waiting.handoff_id, keys[by], waiting.at)
    )
    conditions = {
        "entity": ServiceRecord.entity,
        "service": Handoff.service_id,
        "source": waiting.channel,
        "language": Handoff.language,
    }
    for name, column in conditions.items():
        if getattr(filters, name) is not None:
            query = query.where(column == getattr(filters, name))
    if filters.start is not None:
        query = query.where(waiting.at >= filters.start)
    if filters.end is not None:
        query = query.where(waiting.at < filters.end)
    waits: dict[str | None, list[float | None]] = {}
    for _, key, at, taken_at in session.execute(query):
        wait = (as_utc(taken_at) - as_utc(at)) / timedelta(seconds=1) if taken_at is not None else None
        waits.setdefault(key, []).append(None if wait is None else max(0.0, wait))
    return waits


def _handoff_figures(waits: list[float | None]) -> dict:
    done = [w for w in waits if w is not None]
    return {
        "handoffs": len(waits),
        "handoffs_taken": len(done),
        "median_waiting_seconds": statistics.median(done) if done else None,
    }


_EVENT_COUNTS = ("routed", "confirmed", "declined", "no_answer", "unknown_fee_count", "confirmed_unknown_fee_count")
NO_EVENTS = dict.fromkeys(_EVENT_COUNTS, 0) | {"routed_fee_aed": 0.0, "confirmed_fee_aed": 0.0}
NOT_APPLICABLE = dict.fromkeys(("handoffs", "handoffs_taken", "median_waiting_seconds"))


def funnel_figures(session: Session, filters: Filters, by: str = "entity") -> dict:
    """The funnel per `by` (one of FUNNEL_BY) and in total: {"groups": [...], "totals": {...}}; each group
    has `by`'s key (and the service's names by service), then FUNNEL_MEASURES. A group with hand-offs
    but no routed visit has zeros for the visits. Hand-off figures are null by channel and under a
    channel filter: a hand-off has no smart channel."""
    if by not in FUNNEL_BY:
        raise InvalidQuery(f"'by' must be one of {', '.join(FUNNEL_BY)}; got {by[:40]!r}")
    events = _funnel_events(session, filters, by)
    applicable = by != "channel" and filters.channel is None
    waits = _funnel_handoffs(session, filters, by) if applicable else {}
    names = {"service_name_en": None, "service_name_ar": None} if by == "service" else {}
    groups = []
    for key in sorted(set(events) | set(waits), key=lambda k: (k is None, k or "")):
        row = {by: key, **names, **NO_EVENTS, **events.get(key, {})}
        row |= _handoff_figures(waits.get(key, [])) if applicable else NOT_APPLICABLE
        groups.append(row)
    totals = {m: sum(g[m] for g in groups) for m in NO_EVENTS}
    totals["routed_fee_aed"] = round(totals["routed_fee_aed"], 2)
    totals["confirmed_fee_aed"] = round(totals["confirmed_fee_aed"], 2)
    # The median of every wait, not of the groups' medians.
    totals |= _handoff_figures([w for ws in waits.values() for w in ws]) if applicable else NOT_APPLICABLE
    return {"groups": groups, "totals": totals}
