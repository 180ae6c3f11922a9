"""The HTTP contract of POST /api/v1/route, /healthz and /docs."""

import re

import pytest
from fastapi.testclient import TestClient

from bot.api.main import create_app


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as client:
        yield client


def test_route_answers_per_contract(client):
    response = client.post("/api/v1/route", json={"text": "renew my driving licence", "id": "req-1"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "id",
        "language",
        "out_of_scope",
        "needs_clarification",
        "service",
        "channel",
        "alternatives",
        "score",
    }
    assert body["id"] == "req-1" and body["language"] == "en"
    assert body["service"]["id"] == "rta.driving_licence.renew" and body["service"]["entity"] == "rta"
    assert set(body["channel"]) == {"kind", "name", "name_ar", "url"}  # name_ar: added, optional
    assert body["channel"]["name_ar"] and not re.search(r"[A-Za-z]", body["channel"]["name_ar"])
    assert len(body["alternatives"]) >= 2


def test_arabic_in_arabic_out(client):
    body = client.post(
        "/api/v1/route",
        json={
            "text": "\u0627\u0628\u064a \u0627\u062f\u0641\u0639 \u0641\u0627\u062a\u0648\u0631\u0629 \u062f\u064a\u0648\u0627"
        },
    ).json()
    assert body["language"] == "ar" and body["service"]["entity"] == "dewa"


def test_out_of_scope_has_no_service(client):
    body = client.post("/api/v1/route", json={"text": "tell me a joke"}).json()
    assert body["out_of_scope"] is True and body["service"] is None and body["channel"] is None


@pytest.mark.parametrize(
    "payload",
    [
        {"text": ""},
        {"text": "   "},
        {"text": "x" * 10_000},
        {"text": "\U0001f600"},
        {"id": "no-text"},
        {"text": 5},
        {"text": None},
    ],
)
def test_bad_input_is_a_422_with_a_message(client, payload):
    response = client.post("/api/v1/route", json=payload)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_malformed_json_is_a_422(client):
    response = client.post("/api/v1/route", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_health_and_docs(client):
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/docs").status_code == 200
    assert "/api/v1/route" in client.get("/openapi.json").json()["paths"]


def test_lone_surrogate_escape_in_json_is_answered(client):
    body = b'{"text": "renew driving \\ud800 licence"}'
    response = client.post("/api/v1/route", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200 and response.json()["service"]["id"] == "rta.driving_licence.renew"
