"""Deflection metrics API against a real SQLite database filled through record_deflection."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.api.main import create_app
from bot.settings import UnsafeProductionSettings, get_settings
from bot.store import db
from bot.store.models import ServiceRecord
from service_catalog.loader import default_catalogue
from tests.support.metrics_seed import AUTH, RANGE, SAMPLE, TODAY, TOKEN, expected, fee, record_at, seed
from tests.support.production import PRODUCTION_ENV
from tests.support.web import SAME_ORIGIN


@pytest.fixture
def client(database_url):
    with TestClient(create_app(), headers=SAME_ORIGIN) as client:
        yield client


@pytest.fixture
def seeded(client):
    seed(TODAY)
    return client


def get(client, path="/api/v1/metrics/deflections", **params):
    response = client.get(path, params={**RANGE, **params}, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()


def test_sample_services_have_the_fees_the_tests_rely_on():
    assert fee("rta.driving_licence.renew") and fee("salik.tag.buy") and fee("dewa.electricity_water.move_out")
    assert fee("dewa.electricity_water.move_in") is None


def test_totals_count_deflected_visits_and_the_other_outcomes_apart(seeded):
    report = get(seeded)
    assert report["totals"] == expected()
    assert report["deflected_outcomes"] == ["routed", "confirmed"] and report["groups"] == []
    assert report["totals"]["deflected"] == 9 and report["totals"]["unknown_fee_count"] == 1


def test_empty_database_gives_zeros(client):
    totals = get(client)["totals"]
    assert totals["deflected"] == 0 and totals["fee_aed"] == 0 and totals["events"] == 0


def test_group_by_day_gives_each_day_its_own_figures(seeded):
    groups = {g["day"]: g for g in get(seeded, group_by="day")["groups"]}
    assert list(groups) == ["2025-03-10", "2025-03-11", "2025-03-12"]
    for offset, day in zip((-2, -1, 0), groups):
        rows = [r for r in SAMPLE if r[0] == offset]
        assert {k: v for k, v in groups[day].items() if k != "day"} == expected(rows)


def test_days_are_dubai_calendar_days(client):
    # 21:30 UTC on the 11th is 01:30 on the 12th in Dubai.
    record_at(datetime(2025, 3, 11, 21, 30, tzinfo=timezone.utc), "late", "salik.tag.buy", "salik", "Salik app")
    [group] = get(client, group_by="day")["groups"]
    assert group["day"] == "2025-03-12"
    assert get(client, **{"from": "2025-03-11", "to": "2025-03-11"})["totals"]["events"] == 0


@pytest.mark.parametrize(
    "name, value, column",
    [
        ("entity", "rta", 3),
        ("service", "dewa.electricity_water.move_in", 2),
        ("channel", "DEWA app", 4),
        ("source", "whatsapp", 5),
        ("language", "ar", 6),
        ("outcome", "declined", 7),
    ],
)
def test_each_filter_keeps_only_matching_events(seeded, name, value, column):
    rows = [r for r in SAMPLE if r[column] == value]
    report = get(seeded, **{name: value})
    assert report["totals"] == expected(rows) and report["filters"][name] == value


def test_from_and_to_are_inclusive_days_or_exact_datetimes(seeded):
    assert get(seeded, **{"from": "2025-03-11", "to": "2025-03-11"})["totals"] == expected(
        [r for r in SAMPLE if r[0] == -1]
    )
    # Datetimes are instants (naive ones in Dubai time): noon of the 10th up to noon of the 11th, both ends in.
    assert get(seeded, **{"from": "2025-03-10T12:00", "to": "2025-03-11T12:00:00+04:00"})["totals"] == expected(
        [r for r in SAMPLE if r[0] in (-2, -1)]
    )
    assert get(seeded, **{"from": "2025-03-10T12:00:01", "to": "2025-03-11"})["totals"] == expected(
        [r for r in SAMPLE if r[0] == -1]
    )
    open_ended = seeded.get("/api/v1/metrics/deflections", params={"from": "2025-03-12"}, headers=AUTH).json()
    assert open_ended["totals"]["events"] == len([r for r in SAMPLE if r[0] == 0])


def test_grouping_by_several_keys_in_either_form(seeded):
    repeated = seeded.get(
        "/api/v1/metrics/deflections",
        headers=AUTH,
        params=[("group_by", "entity"), ("group_by", "source"), *RANGE.items()],
    ).json()
    joined = get(seeded, group_by="entity,source")
    assert repeated["groups"] == joined["groups"] and joined["group_by"] == ["entity", "source"]
    pairs = {(g["entity"], g["source"]): g for g in joined["groups"]}
    assert set(pairs) == {(r[3], r[5]) for r in SAMPLE}
    assert pairs[("rta", "web")] == {
        "entity": "rta",
        "source": "web",
        **expected([r for r in SAMPLE if r[3] == "rta" and r[5] == "web"]),
    }
    assert "day" not in joined["groups"][0] and "channel" not in joined["groups"][0]


def test_fee_value_per_service_from_the_catalogue_and_unknown_fees_apart(seeded):
    groups = {g["service"]: g for g in get(seeded, group_by="service")["groups"]}
    renew = groups["rta.driving_licence.renew"]
    assert renew["deflected"] == 4 and renew["fee_aed"] == pytest.approx(4 * fee("rta.driving_licence.renew"))
    assert renew["service_name_en"] == default_catalogue().by_id()["rta.driving_licence.renew"].name_en
    assert renew["service_name_ar"] == default_catalogue().by_id()["rta.driving_licence.renew"].name_ar
    unknown = groups["dewa.electricity_water.move_in"]
    assert unknown["deflected"] == 1 and unknown["fee_aed"] == 0 and unknown["unknown_fee_count"] == 1
    declined = groups["gdrfa.residence_visa.renew"]  # declined and assisted in person: no fee value
    assert declined["deflected"] == 0 and declined["fee_aed"] == 0 and declined["declined"] == 1


def test_a_service_gone_from_the_catalogue_keeps_its_last_imported_fee(database_url):
    """The app imports the catalogue when it starts: a service no longer in it is retired then."""
    with db.session(database_url) as session:
        session.add(
            ServiceRecord(
                id="rta.old_permit.issue",
                entity="rta",
                name_en="Old permit",
                name_ar="تصريح قديم",
                fee_aed=75.0,
                status="active",
                content_hash="x",
                record={},
            )
        )
        session.commit()
    with TestClient(create_app(), headers=SAME_ORIGIN) as client:
        _gone_from_the_catalogue(client, database_url)


def _gone_from_the_catalogue(client, database_url):
    record_at(datetime(2025, 3, 12, 9, tzinfo=timezone.utc), "g1", "rta.old_permit.issue", "rta", "RTA Dubai app")
    record_at(datetime(2025, 3, 12, 9, tzinfo=timezone.utc), "g2", "rta.never_known.apply", "rta", "RTA Dubai app")
    groups = {g["service"]: g for g in get(client, group_by="service")["groups"]}
    assert groups["rta.old_permit.issue"]["fee_aed"] == 75.0
    assert groups["rta.old_permit.issue"]["service_name_en"] == "Old permit"
    assert groups["rta.never_known.apply"]["unknown_fee_count"] == 1
    assert groups["rta.never_known.apply"]["service_name_en"] is None
    with db.session(database_url) as session:  # the catalogue was imported: the old one is retired
        old = session.get(ServiceRecord, "rta.old_permit.issue")
        assert old.retired_at is not None
        assert session.scalar(select(ServiceRecord.fee_aed).where(ServiceRecord.id == "salik.tag.buy")) == fee(
            "salik.tag.buy"
        )


def test_top_services_are_the_most_deflected_first(seeded):
    groups = get(seeded, group_by="service", top=2)["groups"]
    assert [g["service"] for g in groups] == ["rta.driving_licence.renew", "dewa.electricity_water.move_out"]


def test_each_source_appears_in_the_metrics(client):
    for source in ("web", "whatsapp", "ambassador", "rest"):
        record_at(
            datetime(2025, 3, 12, 8, tzinfo=timezone.utc),
            f"from-{source}",
            "salik.tag.buy",
            "salik",
            "Salik app",
            source=source,
        )
    groups = {g["source"]: g for g in get(client, group_by="source")["groups"]}
    assert set(groups) == {"web", "whatsapp", "ambassador", "rest"}
    assert all(g["deflected"] == 1 and g["fee_aed"] == fee("salik.tag.buy") for g in groups.values())


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_has_a_header_and_the_same_figures(seeded):
    params = {**RANGE, "group_by": "day,service"}
    rows = read_csv(seeded.get("/api/v1/metrics/deflections.csv", params=params, headers=AUTH))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["day", "service", "service_name_en", "service_name_ar"]
    assert header[4:7] == ["deflected", "fee_aed", "unknown_fee_count"] and header[-1] == "events"
    groups = get(seeded, group_by="day,service")["groups"]
    assert len(body) == len(groups)
    for line, group in zip(body, groups):
        record = dict(zip(header, line))
        assert record["service"] == group["service"] and int(record["deflected"]) == group["deflected"]
        assert float(record["fee_aed"]) == group["fee_aed"]
    same = read_csv(seeded.get("/api/v1/metrics/deflections", params={**params, "format": "csv"}, headers=AUTH))
    assert same == rows


def test_csv_without_grouping_is_one_row_of_totals(seeded):
    header, totals = read_csv(seeded.get("/api/v1/metrics/deflections.csv", params=RANGE, headers=AUTH))
    assert dict(zip(header, totals)) == {k: str(v) for k, v in expected().items()} | {
        "fee_aed": str(float(expected()["fee_aed"]))
    }


def test_csv_cells_never_start_a_formula(client):
    record_at(datetime(2025, 3, 12, 8, tzinfo=timezone.utc), "f", "salik.tag.buy", "salik", "=HYPERLINK(1)")
    header, row = read_csv(
        client.get("/api/v1/metrics/deflections.csv", params={**RANGE, "group_by": "channel"}, headers=AUTH)
    )
    assert row[0] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    "params, message",
    [
        ({"from": "2025-13-01"}, "'from' must be a date"),
        ({"to": "yesterday"}, "'to' must be a date"),
        ({"from": "2025-03-10T25:00"}, "'from' must be a date"),
        ({"from": "2025-03-12", "to": "2025-03-10"}, "is after 'to'"),
        ({"group_by": "week"}, "unknown group_by 'week'"),
        ({"group_by": "day,hour"}, "unknown group_by 'hour'"),
        ({"source": "fax"}, "'source' must be one of"),
        ({"outcome": "maybe"}, "'outcome' must be one of"),
        ({"language": "fr"}, "'language' must be one of"),
    ],
)
def test_bad_queries_get_422_with_the_reason(client, params, message):
    for path in ("/api/v1/metrics/deflections", "/api/v1/metrics/deflections.csv"):
        response = client.get(path, params=params, headers=AUTH)
        assert response.status_code == 422 and message in response.json()["detail"], response.text


@pytest.mark.parametrize("params", [{"top": "0"}, {"format": "xml"}, {"entity": "x" * 300}])
def test_out_of_range_parameters_get_422(client, params):
    assert client.get("/api/v1/metrics/deflections", params=params, headers=AUTH).status_code == 422


def test_day_over_day_compares_count_and_fee_with_the_day_before(seeded):
    result = seeded.get("/api/v1/metrics/deflections/day-over-day", params={"day": "2025-03-12"}, headers=AUTH).json()
    today, before = expected([r for r in SAMPLE if r[0] == 0]), expected([r for r in SAMPLE if r[0] == -1])
    assert result["today"]["deflected"] == today["deflected"] == 4
    assert result["previous"]["deflected"] == before["deflected"] == 3
    assert result["deflected_change_percent"] == round((4 - 3) / 3 * 100, 1)
    assert result["fee_change_percent"] == round((today["fee_aed"] - before["fee_aed"]) / before["fee_aed"] * 100, 1)
    assert result["previous"]["unknown_fee_count"] == 1
    first = seeded.get("/api/v1/metrics/deflections/day-over-day", params={"day": "2025-03-10"}, headers=AUTH).json()
    assert first["previous"]["deflected"] == 0 and first["deflected_change_percent"] is None
    only_web = seeded.get(
        "/api/v1/metrics/deflections/day-over-day", params={"day": "2025-03-12", "source": "web"}, headers=AUTH
    ).json()
    assert only_web["today"]["deflected"] == 3


def test_day_over_day_refuses_a_bad_day(client):
    response = client.get("/api/v1/metrics/deflections/day-over-day", params={"day": "12/03/25"}, headers=AUTH)
    assert response.status_code == 422 and "'day' must be a date" in response.json()["detail"]


# --- who may read the figures ---------------------------------------------------------------

PATHS = ("/api/v1/metrics/deflections", "/api/v1/metrics/deflections.csv", "/api/v1/metrics/deflections/day-over-day")


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}, {"Authorization": "Bearer"}]
)
def test_metrics_refused_without_the_manager_token(client, headers):
    for path in PATHS:
        response = client.get(path, headers=headers)
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


def test_bad_queries_without_a_token_are_refused_before_they_are_checked(client):
    assert client.get("/api/v1/metrics/deflections", params={"group_by": "week"}).status_code == 401


@pytest.fixture
def production(monkeypatch):
    from bot.settings import get_settings

    monkeypatch.setenv("DALEEL_ENVIRONMENT", "production")
    monkeypatch.delenv("DALEEL_DASHBOARD_TOKEN", raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_production_without_a_token_does_not_start(database_url, production):
    for name, value in PRODUCTION_ENV.items():
        if name != "DALEEL_DASHBOARD_TOKEN":
            production.setenv(name, value)
    get_settings.cache_clear()
    with pytest.raises(UnsafeProductionSettings, match="DALEEL_DASHBOARD_TOKEN is empty"):
        with TestClient(create_app()):
            pass


def test_production_without_a_token_is_closed_to_everyone_all_the_same(database_url, production):
    # The start-up check is left out here (no lifespan): the pages stay closed without it too.
    client = TestClient(create_app(), headers=SAME_ORIGIN)
    assert client.get(PATHS[0], headers=AUTH).status_code == 401
    signin = client.post("/dashboard/sign-in", data={"password": TOKEN}, follow_redirects=False)
    assert signin.status_code == 401 and "DALEEL_DASHBOARD_TOKEN" in signin.text
    assert "daleel_manager" not in signin.cookies


def test_production_with_a_token_opens_with_that_token_only(database_url, production):
    from bot.settings import get_settings

    for name, value in PRODUCTION_ENV.items():
        production.setenv(name, value)
    production.setenv("DALEEL_DASHBOARD_TOKEN", "s3cret-manager-token")
    get_settings.cache_clear()
    with TestClient(create_app(), headers=SAME_ORIGIN) as client:
        assert client.get(PATHS[0], headers=AUTH).status_code == 401
        assert client.get(PATHS[0], headers={"Authorization": "Bearer s3cret-manager-token"}).status_code == 200


def test_dashboard_session_cookie_opens_the_api_until_sign_out(client):
    assert client.post("/dashboard/sign-in", data={"password": "nope"}).status_code == 401
    signed = client.post("/dashboard/sign-in", data={"password": TOKEN, "lang": "ar"}, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/dashboard?lang=ar"
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert client.get(PATHS[0]).status_code == 200
    client.cookies.set("daleel_manager", client.cookies["daleel_manager"][:-2] + "xx")
    assert client.get(PATHS[0]).status_code == 401  # a tampered cookie
    client.post("/dashboard/sign-in", data={"password": TOKEN})
    client.post("/dashboard/sign-out")
    assert client.get(PATHS[0]).status_code == 401


# --- the page itself (the charts are checked in a real browser: test_dashboard_browser.py) ----


def test_dashboard_sends_strangers_to_the_sign_in_form(client):
    response = client.get("/dashboard?lang=ar", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/dashboard/sign-in?lang=ar"
    form = client.get("/dashboard/sign-in?lang=ar")
    assert 'dir="rtl"' in form.text and 'lang="ar"' in form.text and "دخول المدير" in form.text
    wrong = client.post("/dashboard/sign-in", data={"password": "nope", "lang": "ar"})
    assert wrong.status_code == 401 and "رمز الدخول غير صحيح" in wrong.text


@pytest.mark.parametrize(
    "lang, direction, title", [("en", "ltr", "Deflection dashboard"), ("ar", "rtl", "لوحة الزيارات الموفَّرة")]
)
def test_dashboard_page_in_both_languages(seeded, lang, direction, title):
    seeded.post("/dashboard/sign-in", data={"password": TOKEN})
    page = seeded.get("/dashboard", params={"lang": lang, **RANGE, "source": "web"})
    assert page.status_code == 200
    assert f'<html lang="{lang}" dir="{direction}">' in page.text and title in page.text
    assert "/dashboard/assets/plotly.min.js" in page.text and "RTA Dubai app" in page.text  # channels seen
    assert "/api/v1/metrics/deflections.csv?from=2025-03-10&amp;to=2025-03-12&amp;source=web" in page.text
    assert "content-security-policy" in page.headers


def test_dashboard_shows_a_bad_filter_instead_of_failing(client):
    client.post("/dashboard/sign-in", data={"password": TOKEN})
    page = client.get("/dashboard", params={"from": "2025-03-12", "to": "2025-03-01"})
    assert page.status_code == 200 and 'id="filter-error"' in page.text and "is after" in page.text


def test_dashboard_assets_include_plotly_from_the_installed_package(client):
    plotly = client.get("/dashboard/assets/plotly.min.js")
    assert plotly.status_code == 200 and "plotly.js" in plotly.text[:500]
    assert plotly.headers["content-type"].startswith("text/javascript")
    assert client.get("/dashboard/assets/dashboard.js").status_code == 200
    assert client.get("/dashboard/assets/../settings.py").status_code == 404
    assert client.get("/dashboard/assets/nothing.js").status_code == 404


def test_a_misconfigured_time_zone_is_reported_not_a_500(client, monkeypatch):
    from bot.settings import get_settings

    monkeypatch.setenv("DALEEL_METRICS_TIMEZONE", "Mars/Olympus_Mons")
    get_settings.cache_clear()
    response = client.get("/api/v1/metrics/deflections", headers=AUTH)
    assert response.status_code == 422 and "unknown time zone" in response.json()["detail"]
    client.post("/dashboard/sign-in", data={"password": TOKEN})
    page = client.get("/dashboard")
    assert page.status_code == 200 and "unknown time zone" in page.text
