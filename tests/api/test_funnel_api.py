"""The deflection funnel (/api/v1/metrics/funnel and the dashboard's tile) on SQLite and PostgreSQL:
events written through record_deflection (tests/support/metrics_seed.py), hand-offs and their timed
steps written with known times; the expected figures are computed in Python from the same rows."""

from __future__ import annotations

import csv
import io
import re
import statistics
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from bot.api.main import create_app
from bot.store import db
from bot.store.deflections import record_deflection
from bot.store.models import Handoff, HandoffStep
from tests.support.metrics_seed import AUTH, RANGE, SAMPLE, TODAY, TOKEN, fee, seed
from tests.support.web import SAME_ORIGIN

URL = "/api/v1/metrics/funnel"
ROUTED = ("routed", "confirmed", "declined")
T0 = datetime(2025, 3, 11, 8, 0, tzinfo=timezone.utc)  # noon in Dubai, inside RANGE
# (hand-off, service or None when retention deleted its row, source, {step: minutes after T0})
HANDOFFS = [
    (1, "rta.driving_licence.renew", "web", {"waiting": 0, "taken": 2, "closed": 5}),  # waited 120 s
    (2, "rta.driving_licence.renew", "whatsapp", {"waiting": 5, "taken": 9}),  # 240 s
    (3, "rta.driving_licence.renew", "web", {"waiting": 6, "taken": 7}),  # 60 s
    (4, "dewa.electricity_water.move_out", "web", {"waiting": 7}),  # still waiting
    (5, None, "web", {"waiting": 8, "taken": 8.5}),  # 30 s; its row is gone
    (6, "rta.driving_licence.renew", "web", {"waiting": 60 * 24 * 9, "taken": 60 * 24 * 9 + 1}),  # after RANGE
]
ENTITY = {"rta.driving_licence.renew": "rta", "dewa.electricity_water.move_out": "dewa", None: None}


@pytest.fixture
def client(store_url):
    with TestClient(create_app(), headers=SAME_ORIGIN) as client:
        yield client


@pytest.fixture
def seeded(client):
    seed(TODAY)
    with db.session() as session:
        for handoff_id, service, source, steps in HANDOFFS:
            if service is not None:
                session.add(
                    Handoff(id=handoff_id, conversation_hash=f"h{handoff_id}", service_id=service, reason="asked")
                )
            for step, minutes in steps.items():
                at = T0 + timedelta(minutes=minutes)
                session.add(HandoffStep(handoff_id=handoff_id, step=step, at=at, channel=source))
        session.commit()
    return client


def get(client, **params):
    response = client.get(URL, params={**RANGE, **params}, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()


def expected_events(rows) -> dict:
    routed = [r for r in rows if r[7] in ROUTED]
    confirmed = [r for r in routed if r[7] == "confirmed"]
    return {
        "routed": len(routed),
        "confirmed": len(confirmed),
        "declined": sum(1 for r in routed if r[7] == "declined"),
        "no_answer": sum(1 for r in routed if r[7] == "routed"),
        "routed_fee_aed": round(sum(fee(r[2]) or 0 for r in routed), 2),
        "confirmed_fee_aed": round(sum(fee(r[2]) or 0 for r in confirmed), 2),
        "unknown_fee_count": sum(1 for r in routed if fee(r[2]) is None),
        "confirmed_unknown_fee_count": sum(1 for r in confirmed if fee(r[2]) is None),
    }


def expected_handoffs(handoffs) -> dict:
    handoffs = [h for h in handoffs if h[0] != 6]
    waits = [(s["taken"] - s["waiting"]) * 60 for *_, s in handoffs if "taken" in s]
    return {
        "handoffs": len(handoffs),
        "handoffs_taken": len(waits),
        "median_waiting_seconds": statistics.median(waits) if waits else None,
    }


def test_totals_count_the_routed_visits_their_answers_fees_and_the_handoffs(seeded):
    report = get(seeded)
    assert report["by"] == "entity"
    assert report["totals"] == {**expected_events(SAMPLE), **expected_handoffs(HANDOFFS)}
    # The sample's figures, spelled out: 10 routed, 4 confirmed, 1 declined, 5 without answer; 5
    # hand-offs in the period, 4 taken after 120, 240, 60 and 30 s.
    assert [report["totals"][k] for k in ("routed", "confirmed", "declined", "no_answer")] == [10, 4, 1, 5]
    assert report["totals"]["unknown_fee_count"] == 1  # dewa.electricity_water.move_in has no fee
    assert report["totals"]["median_waiting_seconds"] == 90.0
    assert report["totals"]["confirmed_fee_aed"] < report["totals"]["routed_fee_aed"]


def test_by_entity_gives_each_entity_its_funnel_and_its_handoffs(seeded):
    groups = {g["entity"]: g for g in get(seeded)["groups"]}
    assert list(groups) == ["dewa", "dubai_police", "gdrfa", "rta", "salik", None]
    for entity, group in groups.items():
        rows = [r for r in SAMPLE if r[3] == entity]
        handoffs = [h for h in HANDOFFS if ENTITY[h[1]] == entity]
        assert group == {"entity": entity, **expected_events(rows), **expected_handoffs(handoffs)}, entity
    assert groups["rta"]["handoffs"] == 3 and groups["rta"]["median_waiting_seconds"] == 120.0
    assert groups["dewa"]["handoffs"] == 1 and groups["dewa"]["median_waiting_seconds"] is None
    assert groups[None]["routed"] == 0 and groups[None]["handoffs"] == 1  # the hand-off whose row is gone


def test_by_service_names_the_services(seeded):
    groups = {g["service"]: g for g in get(seeded, by="service")["groups"]}
    renew = groups["rta.driving_licence.renew"]
    assert renew["service_name_en"] == "Renew driving licence" and renew["service_name_ar"]
    assert renew["routed"] == 4 and renew["handoffs"] == 3
    assert groups["dewa.electricity_water.move_in"]["unknown_fee_count"] == 1
    assert groups["dewa.electricity_water.move_in"]["routed_fee_aed"] == 0.0


def test_by_source_counts_handoffs_by_their_source(seeded):
    groups = {g["source"]: g for g in get(seeded, by="source")["groups"]}
    assert list(groups) == ["ambassador", "web", "whatsapp"]
    for source, group in groups.items():
        rows = [r for r in SAMPLE if r[5] == source]
        handoffs = [h for h in HANDOFFS if h[2] == source]
        assert group == {"source": source, **expected_events(rows), **expected_handoffs(handoffs)}, source
    assert groups["web"]["median_waiting_seconds"] == 60.0  # of 120, 60 and 30 s


def test_handoffs_do_not_apply_by_channel_or_under_a_channel_filter(seeded):
    report = get(seeded, by="channel")
    groups = {g["channel"]: g for g in report["groups"]}
    assert groups["RTA Dubai app"]["routed"] == 4
    for row in [*report["groups"], report["totals"]]:
        assert row["handoffs"] is None and row["handoffs_taken"] is None and row["median_waiting_seconds"] is None
    totals = get(seeded, channel="DEWA app")["totals"]
    assert totals["routed"] == 3 and totals["handoffs"] is None


def test_filters_apply_to_the_visits_and_the_handoffs(seeded):
    totals = get(seeded, entity="rta")["totals"]
    rows = [r for r in SAMPLE if r[3] == "rta"]
    assert totals == {**expected_events(rows), **expected_handoffs(HANDOFFS[:3])}
    totals = get(seeded, source="whatsapp")["totals"]
    assert totals == {**expected_events([r for r in SAMPLE if r[5] == "whatsapp"]), **expected_handoffs(HANDOFFS[1:2])}


def test_a_visit_answered_later_counts_once_as_routed(client):
    for outcome in ("routed", "confirmed"):
        record_deflection("later", "salik.tag.buy", "salik", "Salik app", "en", "web", outcome)
    record_deflection("silent", "salik.tag.buy", "salik", "Salik app", "en", "web", "routed")
    response = client.get(URL, headers=AUTH)
    totals = response.json()["totals"]
    assert (totals["routed"], totals["confirmed"], totals["no_answer"]) == (2, 1, 1)
    assert totals["confirmed_fee_aed"] == fee("salik.tag.buy") and totals["routed_fee_aed"] == 2 * fee("salik.tag.buy")


def test_an_empty_period_gives_zeros_and_no_median(seeded):
    report = get(seeded, **{"from": "2024-01-01", "to": "2024-01-31"})
    assert report["groups"] == []
    assert report["totals"]["routed"] == 0 and report["totals"]["routed_fee_aed"] == 0.0
    assert report["totals"]["handoffs"] == 0 and report["totals"]["median_waiting_seconds"] is None


@pytest.mark.parametrize(
    "params, reason",
    [
        ({"by": "day"}, "'by' must be one of entity, service, channel, source"),
        ({"from": "2025-13-01"}, "'from' must be a date"),
        ({"from": "2025-03-12", "to": "2025-03-10"}, "is after 'to'"),
        ({"source": "fax"}, "'source' must be one of"),
    ],
)
def test_bad_input_is_refused_with_the_reason(client, params, reason):
    response = client.get(URL, params=params, headers=AUTH)
    assert response.status_code == 422
    assert reason in response.text


def test_the_funnel_needs_the_manager_token(client):
    assert client.get(URL).status_code == 401
    assert client.get(URL, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_csv_has_a_header_and_one_row_per_group(seeded):
    response = seeded.get(URL, params={**RANGE, "by": "service", "format": "csv"}, headers=AUTH)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="funnel_2025-03-10_2025-03-12.csv"' in response.headers["content-disposition"]
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[:4] == ["service", "service_name_en", "service_name_ar", "routed"]
    assert header[-3:] == ["handoffs", "handoffs_taken", "median_waiting_seconds"]
    rows = {r[0]: dict(zip(header, r)) for r in rows}
    assert sum(int(r["routed"]) for r in rows.values()) == 10
    assert rows["rta.driving_licence.renew"]["handoffs"] == "3"
    assert rows[""]["handoffs"] == "1"  # the hand-off without a service


@pytest.fixture
def manager(seeded):
    assert seeded.post("/dashboard/sign-in", data={"password": TOKEN}, follow_redirects=False).status_code == 303
    return seeded


def tile(client, lang, **params) -> tuple[str, dict[str, dict[str, str]]]:
    page = client.get("/dashboard", params={"lang": lang, **RANGE, **params})
    assert page.status_code == 200, page.text
    section = re.search(r'<section class="card funnel".*?</section>', page.text, re.S).group(0)
    rows = {}
    for key, cells in re.findall(r'<tr data-key="([^"]*)">(.*?)</tr>', section, re.S):
        rows[key] = {
            m: re.sub(r"<[^>]+>", "", v).strip()
            for m, v in re.findall(r'data-measure="([a-z-]+)">(.*?)</td>', cells, re.S)
        }
    return section, rows


def test_the_dashboard_tile_is_a_table_with_shares_in_both_languages(manager):
    section, rows = tile(manager, "en")
    assert "<caption>Visits routed to a smart channel and what became of them, per Entity" in section
    assert rows["rta"]["routed"] == "4"
    assert rows["rta"]["confirmed"] == "1 (25% of routed)" and rows["rta"]["no-answer"] == "3 (75% of routed)"
    assert rows["rta"]["handoffs"] == "3" and rows["rta"]["median-waiting"] == "2 min 0 s"
    assert rows["dewa"]["unknown-fee"] == "1" and rows["dewa"]["median-waiting"] == "None yet"
    assert rows["total"]["routed"] == "10" and rows["total"]["median-waiting"] == "1 min 30 s"
    assert rows["total"]["confirmed-fee"] == f"{expected_events(SAMPLE)['confirmed_fee_aed']:.2f}"
    section, rows = tile(manager, "ar")
    assert "<caption>الزيارات الموجَّهة إلى قناة ذكية وما آلت إليه، حسب الجهة" in section
    assert rows["rta"]["confirmed"] == "1 (25٪ من الموجَّهة)" and rows["rta"]["median-waiting"] == "2 د 0 ث"


def test_the_dashboard_tile_follows_funnel_by(manager):
    section, rows = tile(manager, "en", funnel_by="channel")
    assert rows["RTA Dubai app"]["routed"] == "4" and rows["RTA Dubai app"]["handoffs"] == "Not applicable"
    _, rows = tile(manager, "en", funnel_by="nonsense")  # an unknown choice falls back to entity
    assert "rta" in rows


@pytest.mark.parametrize("by", ["entity", "service", "source"])
def test_the_arabic_tile_has_arabic_text_only(manager, by):
    section, rows = tile(manager, "ar", funnel_by=by)
    assert "من التوجيه إلى التأكيد" in section and len(rows) > 2
    assert not re.search(r"[A-Za-z]", re.sub(r"<[^>]*>", "", section)), section


def test_the_tile_is_left_out_when_the_filters_are_bad(manager):
    page = manager.get("/dashboard", params={"from": "2025-03-12", "to": "2025-03-01"})
    assert 'id="filter-error"' in page.text and 'id="funnel"' not in page.text
