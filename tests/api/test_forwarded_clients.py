"""Behind a load balancer the limits follow the real client (DALEEL_FORWARDED_ALLOW_IPS), and nobody
else can choose its address with X-Forwarded-For.

A real uvicorn server (in a thread, started as scripts/run.sh starts it: --no-proxy-headers) on
127.0.0.1; the balancer connects from 127.0.0.1 (allowed), an outsider from 127.0.0.2 (loopback
addresses are all this machine's, so the peer addresses are real)."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import httpx
import pytest
import uvicorn

from bot.api.main import create_app
from bot.settings import get_settings
from devtools.live import free_port

TOKEN = "manager-token-for-forwarding-tests"
A, B = "203.0.113.10", "203.0.113.20"  # two customers behind the balancer


@contextmanager
def serving(monkeypatch, **env: str):
    values = {
        "RATE_LIMIT": "5/minute",
        "SIGN_IN_CLIENT_LIMIT": "3/15 minutes",
        "SIGN_IN_ACCOUNT_LIMIT": "100/15 minutes",  # both customers use the one manager account
        "DASHBOARD_TOKEN": TOKEN,
        **env,
    }
    for name, value in values.items():
        monkeypatch.setenv(f"DALEEL_{name}", value)
    get_settings.cache_clear()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, proxy_headers=False, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the app did not start"
        time.sleep(0.05)
    clients = {
        peer: httpx.Client(
            base_url=f"http://127.0.0.1:{port}", transport=httpx.HTTPTransport(local_address=peer), timeout=10
        )
        for peer in ("127.0.0.1", "127.0.0.2")
    }
    try:
        yield clients["127.0.0.1"], clients["127.0.0.2"]
    finally:
        for client in clients.values():
            client.close()
        server.should_exit = True
        thread.join(10)
        get_settings.cache_clear()


def page(client: httpx.Client, forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.get("/dashboard/sign-in", headers=headers).status_code


def sign_in(client: httpx.Client, forwarded_for: str, password: str = "wrong") -> int:
    # The form's own origin, as a browser sends it (the origin check, bot/api/security.py).
    origin = str(client.base_url).rstrip("/")
    return client.post(
        "/dashboard/sign-in",
        data={"password": password, "lang": "en"},
        headers={"X-Forwarded-For": forwarded_for, "Origin": origin},
        follow_redirects=False,
    ).status_code


def test_one_forwarded_clients_requests_do_not_limit_another(database_url, monkeypatch):
    with serving(monkeypatch, FORWARDED_ALLOW_IPS="127.0.0.1") as (balancer, _):
        assert [page(balancer, A) for _ in range(7)] == [200] * 5 + [429] * 2
        assert [page(balancer, B) for _ in range(5)] == [200] * 5
        assert page(balancer) == 200  # the balancer's own probe is a client of its own


def test_one_forwarded_clients_failed_sign_ins_do_not_lock_out_another(database_url, monkeypatch):
    with serving(monkeypatch, FORWARDED_ALLOW_IPS="127.0.0.1", RATE_LIMIT="1000/minute") as (balancer, _):
        assert [sign_in(balancer, A) for _ in range(3)] == [401] * 3
        assert sign_in(balancer, A, TOKEN) == 429  # A is paused, even with the right password
        assert sign_in(balancer, B) == 401  # B's first failure: not paused
        assert sign_in(balancer, B, TOKEN) == 303


def test_a_forged_forwarded_for_from_outside_the_allow_list_is_ignored(database_url, monkeypatch):
    with serving(monkeypatch, FORWARDED_ALLOW_IPS="127.0.0.1") as (balancer, outsider):
        forged = [page(outsider, f"198.51.100.{n}") for n in range(7)]  # a new address every time
        assert forged == [200] * 5 + [429] * 2  # the limit hits the real peer, 127.0.0.2
        assert page(balancer, "198.51.100.1") == 200  # the customer it pretended to be is not limited


def test_a_forged_forwarded_for_does_not_escape_the_sign_in_limit(database_url, monkeypatch):
    with serving(monkeypatch, FORWARDED_ALLOW_IPS="127.0.0.1", RATE_LIMIT="1000/minute") as (balancer, outsider):
        assert [sign_in(outsider, f"198.51.100.{n}") for n in range(3)] == [401] * 3
        assert sign_in(outsider, "198.51.100.99", TOKEN) == 429
        assert sign_in(balancer, "198.51.100.99", TOKEN) == 303


@pytest.mark.parametrize("allowed", ["", "10.0.0.5"])
def test_without_the_balancer_in_the_allow_list_nobody_is_believed(database_url, monkeypatch, allowed):
    """The default (empty) trusts no proxy: every forwarded client is the peer, as before."""
    with serving(monkeypatch, FORWARDED_ALLOW_IPS=allowed) as (balancer, _):
        assert [page(balancer, A) for _ in range(5)] == [200] * 5
        assert page(balancer, B) == 429
