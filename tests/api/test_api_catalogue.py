"""Catalogue API: list, filter, paginate, get, search, entities; both languages; clear errors."""

import pytest
from fastapi.testclient import TestClient

from bot.api.main import create_app


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as client:
        yield client


def test_list_filters_and_paginates(client):
    first = client.get("/api/v1/services", params={"entity": "rta", "per_page": 5}).json()
    second = client.get("/api/v1/services", params={"entity": "rta", "per_page": 5, "page": 2}).json()
    assert first["total"] > 5 and len(first["items"]) == 5
    assert {i["entity"] for i in first["items"]} == {"rta"}
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_filters_by_fee_and_channel_kind(client):
    with_fee = client.get("/api/v1/services", params={"has_fee": True, "per_page": 100}).json()["items"]
    assert with_fee and all(i["fee_aed"] is not None for i in with_fee)
    kiosks = client.get("/api/v1/services", params={"channel_kind": "kiosk", "per_page": 100}).json()
    assert kiosks["total"] >= 1


def test_names_follow_the_language(client):
    item = client.get("/api/v1/services", params={"entity": "dewa", "lang": "ar"}).json()["items"][0]
    assert item["name"] == item["name_ar"] and item["name_en"]


def test_get_one_service_and_unknown_one(client):
    body = client.get("/api/v1/services/rta.driving_licence.renew").json()
    assert body["fee_aed"] == 320 and body["channels"][0]["kind"] == "app"
    missing = client.get("/api/v1/services/nope.nothing")
    assert missing.status_code == 404 and "nope.nothing" in missing.json()["detail"]


def test_search_uses_the_route_ranking(client):
    body = client.get(
        "/api/v1/services/search", params={"q": "\u062a\u062c\u062f\u064a\u062f \u0627\u0644\u0644\u064a\u0633\u0646"}
    ).json()
    assert body["items"][0]["id"] == "rta.driving_licence.renew" and body["items"][0]["score"] == 1.0


@pytest.mark.parametrize(
    "params", [{"q": ""}, {"q": "\U0001f600"}, {}, {"q": "x", "per_page": 0}, {"q": "x", "page": -1}, {"q": "x" * 600}]
)
def test_search_rejects_bad_queries(client, params):
    assert client.get("/api/v1/services/search", params=params).status_code == 422


def test_entities_with_channels(client):
    entities = client.get("/api/v1/entities", params={"lang": "ar"}).json()
    assert len(entities) >= 36
    dewa = next(e for e in entities if e["code"] == "dewa")
    assert dewa["name"] == dewa["name_ar"] and dewa["channels"] and dewa["services"] > 0
    assert client.get("/api/v1/entities/nowhere").status_code == 404
