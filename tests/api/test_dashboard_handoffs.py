"""The dashboard's hand-offs tile and /api/v1/metrics/handoffs against a real SQLite database whose
hand-off steps are written with known times (the steps are what the figures are computed from)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from bot.api.main import create_app
from bot.store import db
from bot.store.models import HandoffStep
from tests.support.metrics_seed import AUTH, RANGE, TOKEN
from tests.support.web import SAME_ORIGIN

T0 = datetime(2025, 3, 11, 8, 0, tzinfo=timezone.utc)  # noon in Dubai, inside RANGE
STEPS = [  # (hand-off, channel, {step: minutes after T0})
    (1, "web", {"waiting": 0, "taken": 2, "replied": 3, "handed_back": 10}),  # waited 2 min, handled 8
    (2, "web", {"waiting": 5, "taken": 9, "closed": 11}),  # waited 4 min, handled 2
    (3, "web", {"waiting": 6, "taken": 12}),  # waited 6 min, with an agent
    (4, "web", {"waiting": 7}),  # still waiting
    (5, "whatsapp", {"waiting": 8, "taken": 8.5}),  # waited 30 s, with an agent
    (6, "web", {"waiting": 60 * 24 * 9}),  # after the period
]


@pytest.fixture
def manager(database_url):
    with db.session() as session:
        for handoff_id, channel, steps in STEPS:
            for step, minutes in steps.items():
                at = T0 + timedelta(minutes=minutes)
                session.add(HandoffStep(handoff_id=handoff_id, step=step, at=at, channel=channel))
        session.commit()
    with TestClient(create_app(), headers=SAME_ORIGIN) as client:
        assert client.post("/dashboard/sign-in", data={"password": TOKEN}, follow_redirects=False).status_code == 303
        yield client


def tile(client: TestClient, lang: str, **params) -> dict[str, str]:
    page = client.get("/dashboard", params={"lang": lang, **RANGE, **params})
    assert page.status_code == 200, page.text
    return dict(re.findall(r'<dd data-measure="((?:handoffs|median|p90)-[a-z-]+)">([^<]*)</dd>', page.text))


def test_the_tile_shows_counts_and_median_and_p90_times_of_the_period(manager):
    assert tile(manager, "en") == {
        "handoffs-waiting": "1",
        "handoffs-with-agent": "2",
        "handoffs-ended": "2",
        "median-waiting": "3 min 0 s",  # of 30 s, 2, 4, 6 min
        "p90-waiting": "5 min 24 s",  # 4 min + 0.7 of the way to 6
        "median-handling": "5 min 0 s",  # of 2 and 8 min
        "p90-handling": "7 min 24 s",  # 2 min + 0.9 of the way to 8
    }


def test_the_tile_follows_the_source_filter(manager):
    assert tile(manager, "en", source="whatsapp") == {
        "handoffs-waiting": "0",
        "handoffs-with-agent": "1",
        "handoffs-ended": "0",
        "median-waiting": "30 s",
        "p90-waiting": "30 s",
        "median-handling": "None yet",
        "p90-handling": "None yet",
    }


def test_the_arabic_tile_has_arabic_labels_only(manager):
    page = manager.get("/dashboard", params={"lang": "ar", **RANGE, "source": "whatsapp"}).text
    section = re.search(r'<section class="card handoffs".*?</section>', page, re.S).group(0)
    assert "التحويل إلى موظف" in section and "وسيط مدة الانتظار" in section
    assert not re.search(r"[A-Za-z]", re.sub(r"<[^>]*>", "", section)), section
    figures = tile(manager, "ar", source="whatsapp")
    assert figures["median-waiting"] == "30 ث" and figures["median-handling"] == "لا يوجد بعد"


def test_the_tile_is_left_out_when_the_filters_are_bad(manager):
    page = manager.get("/dashboard", params={"from": "2025-03-12", "to": "2025-03-01"})
    assert 'id="filter-error"' in page.text and 'id="handoffs"' not in page.text


def test_the_metrics_api_gives_the_same_figures(manager):
    report = manager.get("/api/v1/metrics/handoffs", params=RANGE, headers=AUTH).json()
    assert (report["count"], report["taken"], report["ended"]) == (5, 4, 2)
    assert (report["waiting"], report["with_agent"]) == (1, 2)
    assert report["median_waiting_seconds"] == 180.0 and report["p90_waiting_seconds"] == pytest.approx(324.0)
    assert report["median_handling_seconds"] == 300.0 and report["p90_handling_seconds"] == pytest.approx(444.0)
