"""The managers' deflection dashboard: sign-in, the page (charts drawn by Plotly.js), its assets."""

from __future__ import annotations

import importlib.util
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from bot.api.deps import CatalogueDep, SessionDep, SettingsDep, SignInLimiterDep
from bot.api.sessions import (
    MANAGER_COOKIE,
    check_token,
    is_production,
    manager_session_cookie,
    manager_signed_in,
    manager_token,
)
from bot.api.sign_in_limits import MANAGER, client_address, retry_minutes
from bot.api.templating import TEMPLATES, page_language
from bot.store.deflections import SOURCES
from bot.store.handoffs import handoff_times
from bot.store.metrics import FUNNEL_BY, GROUPS, InvalidQuery, channels_seen, funnel_figures, make_filters, zone

router = APIRouter(prefix="/dashboard", tags=["dashboard"], include_in_schema=False)
STATIC_DIR = Path(__file__).resolve().parent.parent.parent / "static"
DEFAULT_DAYS = 30
Text = Annotated[str | None, Query(max_length=128)]


def _plotly_js() -> Path:
    """plotly.min.js as shipped inside the plotly Python package (no CDN)."""
    spec = importlib.util.find_spec("plotly")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


ASSETS = {
    "dashboard.js": lambda: STATIC_DIR / "dashboard.js",
    "dashboard.css": lambda: STATIC_DIR / "dashboard.css",
    "plotly.min.js": _plotly_js,
}
_TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}


def _page(
    request: Request, name: str, context: dict, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    lang = context["lang"]
    context = {
        **context,
        "dir": "rtl" if lang == "ar" else "ltr",
        "other_lang": "en" if lang == "ar" else "ar",
        "other_lang_url": str(request.url.include_query_params(lang="en" if lang == "ar" else "ar")),
    }
    return TEMPLATES.TemplateResponse(
        request, name, context, status_code=status_code, headers={"Cache-Control": "no-store", **(headers or {})}
    )


@router.get("")
def dashboard(
    request: Request,
    settings: SettingsDep,
    catalogue: CatalogueDep,
    session: SessionDep,
    lang: Text = None,
    from_: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    to: Annotated[str | None, Query(max_length=40)] = None,
    entity: Text = None,
    channel: Text = None,
    source: Text = None,
    funnel_by: Text = None,
) -> Response:
    language = page_language(request, lang)
    if not manager_signed_in(request, settings):
        return RedirectResponse(f"/dashboard/sign-in?lang={language}", status_code=303)
    error = None
    try:
        tz = zone(settings.metrics_timezone)
    except InvalidQuery as exc:  # a misconfigured zone: said on the page, days in UTC meanwhile
        tz, error = ZoneInfo("UTC"), str(exc)
    today = datetime.now(tz).date()
    filters = {
        "from": from_ or (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat(),
        "to": to or today.isoformat(),
        "entity": entity or "",
        "channel": channel or "",
        "source": source or "",
    }
    by = funnel_by if funnel_by in FUNNEL_BY else "entity"
    handoffs = funnel = None
    try:
        period = make_filters(tz, filters["from"], filters["to"], entity=entity, channel=channel, source=source)
        handoffs = handoff_times(session, period.start, period.end, period.source)
        funnel = funnel_figures(session, period, by)
    except InvalidQuery as exc:
        error = error or str(exc)
    channels = channels_seen(session)
    entities = sorted(
        ({"code": e.code, "name": e.name_ar if language == "ar" else e.name_en} for e in catalogue.entities.values()),
        key=lambda e: e["name"],
    )
    query = {k: v for k, v in filters.items() if v}
    config = {
        "lang": language,
        "today": today.isoformat(),
        "filters": query,
        "valid": error is None,
        "api": "/api/v1/metrics/deflections",
        "day_over_day": "/api/v1/metrics/deflections/day-over-day",
    }
    context = {
        "lang": language,
        "filters": filters,
        "entities": entities,
        "channels": channels,
        "sources": SOURCES,
        "error": error,
        "handoffs": handoffs,
        "funnel": funnel,
        "funnel_by": by,
        "funnel_dimensions": FUNNEL_BY,
        "entity_names": {e["code"]: e["name"] for e in entities},
        "config": config,
        "csv_url": "/api/v1/metrics/deflections.csv?" + urlencode({**query, "group_by": ",".join(GROUPS)}),
    }
    return _page(request, "dashboard.html", context)


@router.get("/sign-in")
def sign_in_form(request: Request, settings: SettingsDep, lang: Text = None) -> Response:
    language = page_language(request, lang)
    closed = manager_token(settings) is None
    return _page(
        request,
        "dashboard_signin.html",
        {"lang": language, "error": "closed" if closed else None, "dev_hint": not is_production(settings)},
    )


@router.post("/sign-in")
def sign_in(
    request: Request,
    settings: SettingsDep,
    limiter: SignInLimiterDep,
    password: Annotated[str, Form(max_length=512)] = "",
    lang: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    language = page_language(request, lang)
    context = {"lang": language, "dev_hint": not is_production(settings)}
    if manager_token(settings) is None:
        return _page(request, "dashboard_signin.html", {**context, "error": "closed"}, status_code=401)
    client = client_address(request)
    wait = limiter.retry_after(MANAGER, client, MANAGER)
    if wait is not None:
        return _page(
            request,
            "dashboard_signin.html",
            {**context, "error": "too_many", "retry_minutes": retry_minutes(wait)},
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
    if not check_token(settings, password):
        limiter.failed(MANAGER, client, MANAGER)
        return _page(request, "dashboard_signin.html", {**context, "error": "wrong_password"}, status_code=401)
    limiter.succeeded(MANAGER, client)
    response = RedirectResponse(f"/dashboard?lang={language}", status_code=303)
    response.set_cookie(
        MANAGER_COOKIE,
        manager_session_cookie(settings),
        max_age=int(settings.dashboard_session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=is_production(settings),
        path="/",
    )
    return response


@router.post("/sign-out")
def sign_out(request: Request, lang: Annotated[str, Form(max_length=8)] = "") -> Response:
    response = RedirectResponse(f"/dashboard/sign-in?lang={page_language(request, lang)}", status_code=303)
    response.delete_cookie(MANAGER_COOKIE, path="/")
    return response


@router.get("/assets/{name}")
def asset(name: str) -> FileResponse:
    path = ASSETS[name]() if name in ASSETS else None
    if path is None or not path.is_file():
        raise HTTPException(status_code=404, detail=f"no dashboard asset {name!r}")
    return FileResponse(
        path,
        media_type=_TYPES[name.rsplit(".", 1)[1]],
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
