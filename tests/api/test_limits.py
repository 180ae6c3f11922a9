"""Rate limits per client and request size limits: refused with a clear answer, never a crash."""

import pytest
from fastapi.testclient import TestClient

from bot.api.main import create_app
from bot.settings import get_settings


@pytest.fixture
def client(monkeypatch, router):
    monkeypatch.setenv("DALEEL_RATE_LIMIT", "5/minute")
    monkeypatch.setenv("DALEEL_MAX_REQUEST_BYTES", "2048")
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        yield client
    get_settings.cache_clear()


def test_too_many_requests_get_429_with_retry_after(client):
    statuses = [client.post("/api/v1/route", json={"text": "pay dewa bill"}).status_code for _ in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    refused = client.post("/api/v1/route", json={"text": "pay dewa bill"})
    assert refused.headers["retry-after"] == "60" and "too many" in refused.json()["detail"]


def test_health_is_never_limited(client):
    assert {client.get("/healthz").status_code for _ in range(10)} == {200}


def test_large_body_gets_413(client):
    response = client.post(
        "/api/v1/route", content=b'{"text": "' + b"a" * 5000 + b'"}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 413 and "larger than 2048" in response.json()["detail"]


def test_streamed_large_body_without_length_gets_413(client):
    def chunks():
        yield b'{"text": "'
        for _ in range(10):
            yield b"a" * 500
        yield b'"}'

    response = client.post("/api/v1/route", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_limits_go_on_in_memory_while_their_redis_is_unreachable(monkeypatch, router):
    from devtools.live import free_port

    # A port nothing listens on: every Redis call fails at once, as while Redis is down.
    monkeypatch.setenv("DALEEL_RATE_LIMIT_STORAGE", f"redis://127.0.0.1:{free_port()}/4")
    monkeypatch.setenv("DALEEL_RATE_LIMIT", "3/minute")
    get_settings.cache_clear()
    try:
        with TestClient(create_app()) as client:
            statuses = [client.post("/api/v1/route", json={"text": "pay dewa bill"}).status_code for _ in range(5)]
    finally:
        get_settings.cache_clear()
    assert statuses == [200, 200, 200, 429, 429]  # still limited, never a 500
