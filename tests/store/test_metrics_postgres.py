"""The deflection metrics on PostgreSQL (the production store), in a schema of their own, dropped after.

Skipped, with the reason, when no PostgreSQL answers at DALEEL_TEST_POSTGRES_URL
(default postgresql+psycopg://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import csv
import io
import os
import uuid
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient

from bot.api.main import create_app
from tests.support.db import create_tables
from tests.support.metrics_seed import AUTH, RANGE, SAMPLE, TODAY, expected, fee, record_at, seed
from tests.support.services import missing_service

BASE_URL = os.environ.get("DALEEL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def postgres_url(monkeypatch, request):
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (requirements/app.txt)")
    from bot.settings import get_settings
    from bot.store.db import forget_engines

    plain = BASE_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        admin = psycopg.connect(plain, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as exc:
        missing_service(request, f"PostgreSQL not reachable at {BASE_URL}: {str(exc).strip()[:200]}")
    schema = f"daleel_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{BASE_URL}?options=-csearch_path%3D{schema}"
    create_tables(url)
    monkeypatch.setenv("DALEEL_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        yield url
    finally:
        forget_engines()
        get_settings.cache_clear()
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


def test_metrics_on_postgresql(postgres_url):
    seed(TODAY)
    # 21:30 UTC on the 9th is 01:30 on the 10th in Dubai.
    record_at(datetime(2025, 3, 9, 21, 30, tzinfo=timezone.utc), "late", "salik.tag.buy", "salik", "Salik app")
    late = (-2, "late", "salik.tag.buy", "salik", "Salik app", "web", "en", "routed")
    with TestClient(create_app()) as client:

        def get(path="/api/v1/metrics/deflections", **params):
            response = client.get(path, params={**RANGE, **params}, headers=AUTH)
            assert response.status_code == 200, response.text
            return response

        report = get(group_by="day").json()
        assert report["totals"] == expected([*SAMPLE, late])
        days = {g["day"]: g for g in report["groups"]}
        assert list(days) == ["2025-03-10", "2025-03-11", "2025-03-12"]
        assert days["2025-03-10"]["deflected"] == 3  # the late event counts on the Dubai day

        services = {g["service"]: g for g in get(group_by="entity,service").json()["groups"]}
        assert services["rta.driving_licence.renew"]["fee_aed"] == pytest.approx(4 * fee("rta.driving_licence.renew"))
        assert (
            services["dewa.electricity_water.move_in"]["unknown_fee_count"] == 1
            and services["dewa.electricity_water.move_in"]["fee_aed"] == 0
        )
        assert services["rta.driving_licence.renew"]["service_name_ar"]

        top = get(group_by="service", top=1).json()["groups"]
        assert [g["service"] for g in top] == ["rta.driving_licence.renew"]
        assert get(source="ambassador").json()["totals"] == expected([r for r in SAMPLE if r[5] == "ambassador"])

        rows = list(
            csv.reader(
                io.StringIO(get("/api/v1/metrics/deflections.csv", group_by="source").content.decode("utf-8-sig"))
            )
        )
        assert rows[0][:2] == ["source", "deflected"] and len(rows) == 1 + len({r[5] for r in SAMPLE})

        compare = get("/api/v1/metrics/deflections/day-over-day", day="2025-03-12").json()
        assert compare["today"]["deflected"] == 4 and compare["previous"]["deflected"] == 3
