"""Fixtures shared by every folder; helpers live in tests/support (nothing is imported from here).

Markers (registered in pyproject.toml) are set by folder and by fixture, so a new test is marked by
where it stands and what it uses: `live` (tests/e2e, the live_stack fixture), `browser`
(tests/browser), `postgres` (postgres_url), `redis` (require_redis, the scale-out stack)."""

import os
from contextlib import contextmanager

import pytest

# Tests send hundreds of requests from one address; tests/api/test_limits.py sets its own low limit.
os.environ.setdefault("DALEEL_RATE_LIMIT", "100000/minute")

from bot.route import default_router  # noqa: E402
from tests.support.db import create_tables  # noqa: E402
from tests.support.services import check_redis, missing_service  # noqa: E402

_FOLDER_MARKS = {"e2e": "live", "browser": "browser"}
_FIXTURE_MARKS = {
    "live_stack": "live",
    "postgres_url": "postgres",
    "empty_postgres_url": "postgres",
    "require_redis": "redis",
    "two_servers": "redis",
}


def pytest_addoption(parser):
    parser.addoption(
        "--require-services",
        action="store_true",
        help="a missing PostgreSQL or Redis fails the tests that need it instead of skipping them",
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = item.path.parts
        folder = parts[parts.index("tests") + 1] if "tests" in parts else ""
        marks = {_FOLDER_MARKS[folder]} if folder in _FOLDER_MARKS else set()
        marks |= {mark for fixture, mark in _FIXTURE_MARKS.items() if fixture in item.fixturenames}
        for mark in marks:
            item.add_marker(mark)


@pytest.fixture
def require_redis(request):
    """Redis at 127.0.0.1:6379, or skip (fail under --require-services)."""
    check_redis(request)


@pytest.fixture(scope="session")
def router():
    return default_router()


@contextmanager
def app_store(url: str, monkeypatch, tmp_path):
    """Point the app at this database (and a private spool) through the settings, as in production."""
    from bot.settings import get_settings
    from bot.store.db import forget_engines

    monkeypatch.setenv("DALEEL_DATABASE_URL", url)
    monkeypatch.setenv("DALEEL_SPOOL_PATH", str(tmp_path / "spool.db"))
    get_settings.cache_clear()
    try:
        yield url
    finally:
        get_settings.cache_clear()
        forget_engines()


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    """A fresh SQLite file per test, with our tables."""
    url = f"sqlite:///{tmp_path / 'daleel.db'}"
    create_tables(url)
    with app_store(url, monkeypatch, tmp_path):
        yield url


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory):
    """Action server + Rasa server + app, really running (see devtools/live.py)."""
    from devtools import live

    stack = live.start(tmp_path_factory.mktemp("live"))
    yield stack
    live.stop(stack)


@pytest.fixture
def empty_postgres_url(request):
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    import uuid

    from sqlalchemy.exc import OperationalError

    from devtools import live

    name = f"daleel_test_{uuid.uuid4().hex[:10]}"
    try:
        url = live.create_database(name)
    except OperationalError as exc:
        missing_service(request, f"PostgreSQL not reachable at 127.0.0.1:5432 ({type(exc).__name__})")
    yield url
    live.drop_database(name)


@pytest.fixture
def postgres_url(empty_postgres_url, monkeypatch, tmp_path):
    """A fresh PostgreSQL database with our tables, used by the app as its store."""
    create_tables(empty_postgres_url)
    with app_store(empty_postgres_url, monkeypatch, tmp_path):
        yield empty_postgres_url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request):
    """The app's store on the embedded default (SQLite) and on production's PostgreSQL."""
    return request.getfixturevalue("database_url" if request.param == "sqlite" else "postgres_url")
