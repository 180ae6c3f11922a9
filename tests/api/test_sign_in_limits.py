"""Failed sign-ins are limited per client and per account: 429 with a page that says so and Retry-After.

The real app (TestClient) with its real limiter: in memory, and in Redis shared by two app servers.
"""

import json
import uuid

import pytest
from fastapi.testclient import TestClient

from bot.api.main import create_app
from bot.api.sessions import STAFF_COOKIE as COOKIE
from bot.settings import get_settings
from tests.support.web import SAME_ORIGIN

SECRETS = {"deira": "deira-code-1", "al-barsha": "barsha-code-2"}
TOKEN = "manager-token-for-tests"
WINDOW = 15 * 60


@pytest.fixture
def make_client(database_url, monkeypatch):
    """An app with 3 failures allowed per client and 5 per account (15 minutes), as seen from `address`."""
    apps = {}

    def make(address="10.0.0.1", **env):
        values = {
            "AMBASSADOR_SECRETS": json.dumps(SECRETS),
            "DASHBOARD_TOKEN": TOKEN,
            "SIGN_IN_CLIENT_LIMIT": "3/15 minutes",
            "SIGN_IN_ACCOUNT_LIMIT": "5/15 minutes",
            **env,
        }
        for name, value in values.items():
            monkeypatch.setenv(f"DALEEL_{name}", value)
        get_settings.cache_clear()
        key = tuple(sorted(values.items()))
        apps.setdefault(key, create_app())  # one app server: its clients share its limiter
        return TestClient(apps[key], client=(address, 50000), headers=SAME_ORIGIN)

    yield make
    get_settings.cache_clear()


def staff(client, secret="wrong", centre="deira", lang="en"):
    return client.post(
        "/ambassador/sign-in", data={"centre": centre, "secret": secret, "lang": lang}, follow_redirects=False
    )


def manager(client, password="wrong", lang="en"):
    return client.post("/dashboard/sign-in", data={"password": password, "lang": lang}, follow_redirects=False)


def assert_refused(reply):
    assert reply.status_code == 429
    assert 0 < int(reply.headers["retry-after"]) <= WINDOW
    assert "set-cookie" not in reply.headers


def test_staff_sign_in_is_paused_after_too_many_failures_even_for_the_right_code(make_client):
    client = make_client()
    assert [staff(client).status_code for _ in range(3)] == [401] * 3
    refused = staff(client, SECRETS["deira"])
    assert_refused(refused)
    assert 'id="sign-in-too-many"' in refused.text
    assert "Too many failed sign-in attempts" in refused.text and "try again in 15 min" in refused.text
    assert "frame-ancestors 'none'" in refused.headers["content-security-policy"]
    arabic = staff(client, lang="ar")
    assert_refused(arabic)
    assert "محاولات دخول فاشلة كثيرة" in arabic.text and "بعد 15 دقيقة" in arabic.text
    assert client.get("/ambassador", follow_redirects=False).status_code == 303  # not signed in
    assert staff(make_client("10.0.0.2"), SECRETS["deira"]).status_code == 303  # another client is not held back


def test_a_successful_staff_sign_in_forgets_that_clients_failures(make_client):
    client = make_client()
    assert [staff(client).status_code for _ in range(2)] == [401] * 2
    assert staff(client, SECRETS["deira"]).status_code == 303
    assert [staff(client).status_code for _ in range(3)] == [401] * 3
    assert staff(client).status_code == 429


def test_failures_on_one_centre_from_many_clients_pause_that_centre_only(make_client):
    for n in range(5):
        assert staff(make_client(f"10.0.1.{n}")).status_code == 401
    newcomer = make_client("10.0.1.99")
    assert_refused(staff(newcomer, SECRETS["deira"]))
    assert staff(newcomer, SECRETS["al-barsha"], centre="al-barsha").status_code == 303
    for n in range(5):  # a centre that does not exist is no account: only the client limit applies
        assert staff(make_client(f"10.0.2.{n}"), centre="nowhere").status_code == 401
    assert staff(make_client("10.0.2.99"), centre="nowhere").status_code == 401


def test_dashboard_sign_in_is_paused_after_too_many_failures(make_client):
    client = make_client()
    assert [manager(client).status_code for _ in range(3)] == [401] * 3
    refused = manager(client, TOKEN)
    assert_refused(refused)
    assert "Too many failed sign-in attempts" in refused.text and "try again in 15 min" in refused.text
    assert "default-src 'self'" in refused.headers["content-security-policy"]
    arabic = manager(client, lang="ar")
    assert "محاولات دخول فاشلة كثيرة" in arabic.text and 'dir="rtl"' in arabic.text
    assert client.get("/dashboard", follow_redirects=False).status_code == 303
    assert manager(make_client("10.0.0.2"), TOKEN).status_code == 303


def test_wrong_bearer_tokens_count_as_failed_sign_ins(make_client):
    client = make_client()
    path = "/api/v1/metrics/deflections"
    assert [client.get(path, headers={"Authorization": "Bearer wrong"}).status_code for _ in range(3)] == [401] * 3
    refused = client.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "too many failed sign-in attempts" in refused.json()["detail"]
    assert_refused(manager(client, TOKEN))  # the same secret: the form is paused too
    assert make_client("10.0.0.2").get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_the_pause_ends_when_the_window_has_passed(make_client):
    import time

    client = make_client(SIGN_IN_CLIENT_LIMIT="2/2 seconds")
    assert [staff(client).status_code for _ in range(2)] == [401] * 2
    refused = staff(client, SECRETS["deira"])
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 2
    time.sleep(int(refused.headers["retry-after"]) + 0.1)
    assert staff(client, SECRETS["deira"]).status_code == 303


def test_app_servers_sharing_redis_share_the_count(database_url, monkeypatch, require_redis):
    centre = f"centre-{uuid.uuid4().hex[:8]}"  # keys of their own: other runs may share this Redis
    for name, value in {
        "AMBASSADOR_SECRETS": json.dumps({centre: "the-code"}),
        "SIGN_IN_CLIENT_LIMIT": "3/15 minutes",
        "RATE_LIMIT_STORAGE": "redis://127.0.0.1:6379/2",
    }.items():
        monkeypatch.setenv(f"DALEEL_{name}", value)
    get_settings.cache_clear()
    address = f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    first, second = (TestClient(create_app(), client=(address, 50000), headers=SAME_ORIGIN) for _ in range(2))
    try:
        assert [staff(server, centre=centre).status_code for server in (first, second, first)] == [401] * 3
        assert_refused(staff(second, "the-code", centre=centre))
        assert COOKIE not in second.cookies
    finally:
        get_settings.cache_clear()
