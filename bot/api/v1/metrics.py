"""Deflection metrics for managers: counts and fee value, filtered and grouped, as JSON or CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from bot.api.deps import ManagerDep, SessionDep, SettingsDep
from bot.store.deflections import DEFLECTED_OUTCOMES
from bot.store.handoffs import handoff_times
from bot.store.metrics import (
    FUNNEL_BY,
    FUNNEL_MEASURES,
    GROUPS,
    MEASURES,
    Filters,
    InvalidQuery,
    change_percent,
    deflection_figures,
    funnel_figures,
    make_filters,
    parse_group_by,
    zone,
)

router = APIRouter(
    prefix="/metrics",
    tags=["metrics"],
    responses={
        401: {"description": "No manager token or dashboard session"},
        422: {"description": "Bad dates, 'from' after 'to', unknown group_by or filter"},
    },
)


Text = Annotated[str | None, Query(max_length=128)]
DATE_HELP = "YYYY-MM-DD (the whole day, inclusive) or an ISO 8601 datetime (naive: metrics time zone)"


class Figures(BaseModel):
    deflected: int
    fee_aed: float
    unknown_fee_count: int
    routed: int
    confirmed: int
    declined: int
    assisted_in_person: int
    handed_off: int
    events: int


class GroupFigures(Figures):
    day: str | None = None
    entity: str | None = None
    service: str | None = None
    service_name_en: str | None = None
    service_name_ar: str | None = None
    channel: str | None = None
    source: str | None = None


class DeflectionReport(BaseModel):
    timezone: str
    deflected_outcomes: list[str]
    filters: dict[str, str]
    group_by: list[str]
    totals: Figures
    groups: list[GroupFigures]


class DayFigures(BaseModel):
    day: str
    deflected: int
    fee_aed: float
    unknown_fee_count: int


class DayOverDay(BaseModel):
    timezone: str
    today: DayFigures
    previous: DayFigures
    deflected_change_percent: float | None
    fee_change_percent: float | None


@dataclass
class DeflectionQuery:
    tz: ZoneInfo
    filters: Filters
    echo: dict[str, str]
    group_by: tuple[str, ...]
    top: int | None


def deflection_query(
    settings: SettingsDep,
    from_: Annotated[str | None, Query(alias="from", max_length=40, description=DATE_HELP)] = None,
    to: Annotated[str | None, Query(max_length=40, description=DATE_HELP)] = None,
    entity: Text = None,
    service: Text = None,
    channel: Text = None,
    source: Text = None,
    language: Text = None,
    outcome: Text = None,
    group_by: Annotated[list[str] | None, Query(description=f"one or more of {', '.join(GROUPS)}")] = None,
    top: Annotated[int | None, Query(ge=1, le=1000, description="only the groups with most deflections")] = None,
) -> DeflectionQuery:
    fields = dict(entity=entity, service=service, channel=channel, source=source, language=language, outcome=outcome)
    tz = zone(settings.metrics_timezone)
    filters = make_filters(tz, from_, to, **fields)
    groups = parse_group_by(group_by)
    echo = {k: v for k, v in {"from": from_, "to": to, **fields}.items() if v}
    return DeflectionQuery(tz, filters, echo, groups, top)


QueryDep = Annotated[DeflectionQuery, Depends(deflection_query)]


def _report(query: DeflectionQuery, session: Session) -> DeflectionReport:
    [totals] = deflection_figures(session, query.filters, (), query.tz)
    groups = deflection_figures(session, query.filters, query.group_by, query.tz, query.top) if query.group_by else []
    return DeflectionReport(
        timezone=query.tz.key,
        deflected_outcomes=list(DEFLECTED_OUTCOMES),
        filters=query.echo,
        group_by=list(query.group_by),
        totals=Figures(**totals),
        groups=[GroupFigures(**g) for g in groups],
    )


def _csv_cell(value) -> object:
    """Keep spreadsheet programs from reading a text cell as a formula."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_response(header: list[str], rows: list[list], name: str, filters: dict[str, str]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    stamp = "_".join(filters.get(k, "all")[:10] for k in ("from", "to"))
    # The BOM lets spreadsheet programs read the Arabic service names as UTF-8.
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}_{stamp}.csv"'},
    )


def _csv(report: DeflectionReport) -> Response:
    keys = list(report.group_by)
    if "service" in keys:
        keys[keys.index("service") + 1 : keys.index("service") + 1] = ["service_name_en", "service_name_ar"]
    rows = [g.model_dump() for g in report.groups] if report.group_by else [report.totals.model_dump()]
    columns = [*keys, *MEASURES]
    return _csv_response(columns, [[row.get(name) for name in columns] for row in rows], "deflections", report.filters)


@router.get("/deflections", response_model=DeflectionReport, response_model_exclude_unset=True)
def deflections(_: ManagerDep, query: QueryDep, session: SessionDep, format: Literal["json", "csv"] = "json"):
    """Deflected visits (outcome routed or confirmed) and their fee value in AED, with the other outcomes
    counted apart; days are calendar days in DALEEL_METRICS_TIMEZONE, `from` and `to` inclusive."""
    report = _report(query, session)
    return _csv(report) if format == "csv" else report


@router.get(
    "/deflections.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The same figures as CSV, with a header row"}},
)
def deflections_csv(_: ManagerDep, query: QueryDep, session: SessionDep) -> Response:
    """The same query as /deflections, as CSV (one row per group, or one row of totals)."""
    return _csv(_report(query, session))


@router.get("/deflections/day-over-day", response_model=DayOverDay)
def day_over_day(
    _: ManagerDep,
    settings: SettingsDep,
    session: SessionDep,
    day: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD; today by default")] = None,
    entity: Text = None,
    service: Text = None,
    channel: Text = None,
    source: Text = None,
    language: Text = None,
) -> DayOverDay:
    """A day against the day before: deflected visits, fee value and the change in %."""
    tz = zone(settings.metrics_timezone)
    try:
        today = date.fromisoformat(day) if day else datetime.now(tz).date()
        previous = today - timedelta(days=1)
    except (ValueError, OverflowError):
        raise InvalidQuery(f"'day' must be a date (YYYY-MM-DD), got {day!r}") from None
    filters = make_filters(
        tz,
        previous.isoformat(),
        today.isoformat(),
        entity=entity,
        service=service,
        channel=channel,
        source=source,
        language=language,
        outcome=None,
    )
    rows = {r["day"]: r for r in deflection_figures(session, filters, ("day",), tz)}
    empty = {"deflected": 0, "fee_aed": 0.0, "unknown_fee_count": 0}
    figures = {
        d: DayFigures(day=d.isoformat(), **{k: rows.get(d.isoformat(), empty)[k] for k in empty})
        for d in (today, previous)
    }
    now, before = figures[today], figures[previous]
    return DayOverDay(
        timezone=tz.key,
        today=now,
        previous=before,
        deflected_change_percent=change_percent(now.deflected, before.deflected),
        fee_change_percent=change_percent(now.fee_aed, before.fee_aed),
    )


class HandoffReport(BaseModel):
    timezone: str
    filters: dict[str, str]
    count: int  # hand-offs that started waiting in the period
    taken: int
    ended: int  # handed back or closed
    waiting: int  # not taken yet
    with_agent: int  # taken, not ended yet
    median_waiting_seconds: float | None  # from waiting to taken
    median_handling_seconds: float | None  # from taken to handed back or closed
    p90_waiting_seconds: float | None
    p90_handling_seconds: float | None


@router.get("/handoffs", response_model=HandoffReport)
def handoff_report(
    _: ManagerDep,
    settings: SettingsDep,
    session: SessionDep,
    from_: Annotated[str | None, Query(alias="from", max_length=40, description=DATE_HELP)] = None,
    to: Annotated[str | None, Query(max_length=40, description=DATE_HELP)] = None,
    source: Annotated[str | None, Query(max_length=16, description="the customer's channel: web, whatsapp")] = None,
) -> HandoffReport:
    """Hand-offs to a person (the agent console) that started waiting in the period: how many, how
    many were taken, how many are waiting, with an agent or ended, and the median and 90th-percentile
    waiting and handling times in seconds."""
    tz = zone(settings.metrics_timezone)
    filters = make_filters(tz, from_, to, source=source)
    times = handoff_times(session, filters.start, filters.end, filters.source)
    echo = {k: v for k, v in {"from": from_, "to": to, "source": source}.items() if v}
    return HandoffReport(timezone=tz.key, filters=echo, **asdict(times))


class FunnelFigures(BaseModel):
    routed: int  # sent to a channel: outcome routed, confirmed or declined
    confirmed: int
    declined: int
    no_answer: int  # still routed: the customer said nothing more
    routed_fee_aed: float
    confirmed_fee_aed: float
    unknown_fee_count: int  # routed visits whose fee is unknown (not in routed_fee_aed)
    confirmed_unknown_fee_count: int
    handoffs: int | None  # null by channel or under a channel filter: a hand-off has no smart channel
    handoffs_taken: int | None
    median_waiting_seconds: float | None


class FunnelGroup(FunnelFigures):
    entity: str | None = None
    service: str | None = None
    service_name_en: str | None = None
    service_name_ar: str | None = None
    channel: str | None = None
    source: str | None = None


class FunnelReport(BaseModel):
    timezone: str
    filters: dict[str, str]
    by: str
    totals: FunnelFigures
    groups: list[FunnelGroup]


def funnel_report(session: Session, tz: ZoneInfo, filters: Filters, echo: dict[str, str], by: str) -> FunnelReport:
    figures = funnel_figures(session, filters, by)
    return FunnelReport(
        timezone=tz.key,
        filters=echo,
        by=by,
        totals=FunnelFigures(**figures["totals"]),
        groups=[FunnelGroup(**g) for g in figures["groups"]],
    )


@router.get(
    "/funnel",
    response_model=FunnelReport,
    response_model_exclude_unset=True,
    responses={200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"}},
)
def funnel(
    _: ManagerDep,
    settings: SettingsDep,
    session: SessionDep,
    from_: Annotated[str | None, Query(alias="from", max_length=40, description=DATE_HELP)] = None,
    to: Annotated[str | None, Query(max_length=40, description=DATE_HELP)] = None,
    entity: Text = None,
    service: Text = None,
    channel: Text = None,
    source: Text = None,
    language: Text = None,
    by: Annotated[str, Query(max_length=16, description=f"one of {', '.join(FUNNEL_BY)}")] = "entity",
    format: Literal["json", "csv"] = "json",
):
    """The deflection funnel per entity, service, channel or source: visits routed to a channel, then
    confirmed, declined or without answer; the hand-offs that started waiting in the period and their
    median wait (waiting -> taken, seconds); the fee value in AED of the routed and of the confirmed
    visits, and how many had no known fee."""
    fields = dict(entity=entity, service=service, channel=channel, source=source, language=language)
    tz = zone(settings.metrics_timezone)
    filters = make_filters(tz, from_, to, **fields)
    echo = {k: v for k, v in {"from": from_, "to": to, **fields}.items() if v}
    report = funnel_report(session, tz, filters, echo, by)
    if format == "json":
        return report
    keys = [by, "service_name_en", "service_name_ar"] if by == "service" else [by]
    columns = [*keys, *FUNNEL_MEASURES]
    rows = [[g.model_dump().get(name) for name in columns] for g in report.groups]
    return _csv_response(columns, rows, "funnel", echo)
