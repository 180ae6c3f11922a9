"""The dashboard in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright) against the
app under uvicorn with a temporary SQLite database filled through record_deflection."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from bot.store.deflections import record_handoff
from tests.support.browser import SHOTS as SCREENSHOTS
from tests.support.browser import app_under_uvicorn
from tests.support.metrics_seed import DUBAI, SAMPLE, TOKEN, seed


@pytest.fixture
def app_url(database_url, tmp_path):
    today = datetime.now(DUBAI).date()
    seed(today)
    record_handoff("web-dashboard-browser", "rta.driving_licence.renew", "customer_asked")  # waiting now
    with app_under_uvicorn(
        tmp_path / "app.log",
        "/dashboard/sign-in",
        {"DALEEL_DATABASE_URL": database_url},
        drop=("DALEEL_DASHBOARD_TOKEN",),
    ) as url:
        yield url


def deflected(rows) -> int:
    return sum(1 for r in rows if r[7] in ("routed", "confirmed"))


def test_dashboard_draws_the_charts_in_a_real_browser(app_url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{app_url}/dashboard?lang=en")
    assert page.url.startswith(f"{app_url}/dashboard/sign-in")
    page.fill("#password", "not the token")
    page.click("button[type=submit]")
    assert page.locator("#signin-error").is_visible()
    problems.clear()  # the refused sign-in itself answers 401, which the console reports
    page.fill("#password", TOKEN)
    with page.expect_navigation(url=f"{app_url}/dashboard?lang=en"):
        page.click("button[type=submit]")
    page.wait_for_selector("body[data-ready='true']", timeout=60_000)

    # Plotly drew four figures: bars per day, top services, the channel pie, the day-over-day indicators.
    assert page.locator(".js-plotly-plot .main-svg").count() >= 4
    assert page.locator("#chart-days .bars .point").count() >= 3
    services = {r[2] for r in SAMPLE if r[7] in ("routed", "confirmed")}
    assert page.locator("#chart-services .bars .point").count() == len(services)
    channels = {r[4] for r in SAMPLE if r[7] in ("routed", "confirmed")}
    assert page.locator("#chart-channels .slice").count() == len(channels)
    assert page.locator("#chart-compare .indicatorlayer .trace").count() == 2
    assert page.locator("#chart-services").inner_text().count("Renew driving licence") >= 1
    assert page.locator("dd[data-measure='deflected']").inner_text() == str(deflected(SAMPLE))
    sentences = page.locator("#compare-sentences li").all_inner_texts()
    today, before = deflected([r for r in SAMPLE if r[0] == 0]), deflected([r for r in SAMPLE if r[0] == -1])
    assert sentences[0] == f"Deflected visits up {round((today - before) / before * 100, 1):g}% on the day before"
    assert page.evaluate("document.documentElement.dir") == "ltr"
    assert page.locator("#handoffs-title").inner_text() == "Hand-offs to a person"
    assert page.locator("dd[data-measure='handoffs-waiting']").inner_text() == "1"
    assert page.locator("dd[data-measure='median-waiting']").inner_text() == "None yet"  # none taken
    funnel = page.locator("#funnel")
    assert funnel.locator("caption").inner_text().startswith("Visits routed to a smart channel")
    rta = funnel.locator("tr[data-key='rta']")
    assert rta.locator("td[data-measure='routed']").inner_text() == str(
        sum(1 for r in SAMPLE if r[3] == "rta" and r[7] in ("routed", "confirmed", "declined"))
    )
    assert rta.locator("td[data-measure='handoffs']").inner_text() == "1"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)

    with page.expect_download() as download:
        page.click("#csv-link")
    path = tmp_path / "export.csv"
    download.value.save_as(path)
    header, *rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert header[:5] == ["day", "entity", "service", "service_name_en", "service_name_ar"]
    assert sum(int(dict(zip(header, r))["deflected"]) for r in rows) == deflected(SAMPLE)

    # A filter: WhatsApp only.
    page.select_option("select[name=source]", "whatsapp")
    with page.expect_navigation():
        page.click("#filters button[type=submit]")
    page.wait_for_selector("body[data-ready='true']", timeout=60_000)
    assert "source=whatsapp" in page.url
    assert page.locator("dd[data-measure='deflected']").inner_text() == str(
        deflected([r for r in SAMPLE if r[5] == "whatsapp"])
    )

    # The Arabic page: right to left, Arabic labels and service names in the charts.
    with page.expect_navigation():
        page.click("a.lang")
    page.wait_for_selector("body[data-ready='true']", timeout=60_000)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert "الزيارات الموفَّرة" in page.locator("#days-title").inner_text()
    assert "تجديد رخصة القيادة" in page.locator("#chart-services").inner_text()
    assert page.locator("#handoffs-title").inner_text() == "التحويل إلى موظف"
    assert page.locator("#handoffs").is_visible()
    assert page.locator("#funnel-title").inner_text() == "من التوجيه إلى التأكيد"
    assert "حسب الجهة" in page.locator("#funnel caption").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "dashboard_ar.png"), full_page=True)

    assert problems == []
