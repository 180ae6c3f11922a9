"""A real conversation (Rasa REST webhook -> action server -> database) shows in the live app's metrics API."""

import uuid

import httpx

from tests.support.metrics_seed import AUTH

SERVICE = "gdrfa.residence_visa.renew"


def rest_figures(stack) -> dict:
    response = httpx.get(
        f"{stack.app_url}/api/v1/metrics/deflections",
        headers=AUTH,
        timeout=120,
        params={"service": SERVICE, "group_by": "source,service"},
    )
    assert response.status_code == 200, response.text
    return next(
        (g for g in response.json()["groups"] if g["source"] == "rest"),
        {"deflected": 0, "fee_aed": 0.0, "unknown_fee_count": 0},
    )


def test_a_conversation_through_rasa_is_counted_in_the_metrics_api(live_stack):
    before = rest_figures(live_stack)
    reply = live_stack.say(f"metrics-{uuid.uuid4()}", "renew my residence visa")
    assert "GDRFA" in " ".join(m.get("text", "") for m in reply)
    after = rest_figures(live_stack)
    assert after["deflected"] == before["deflected"] + 1
    assert after["fee_aed"] - before["fee_aed"] == 200.0  # the catalogue's fee for the service
    assert after["service_name_en"] == "Renew residence visa"
    refused = httpx.get(f"{live_stack.app_url}/api/v1/metrics/deflections", timeout=120)
    assert refused.status_code == 401
