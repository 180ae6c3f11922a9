import os
from contextlib import contextmanager

import pytest

# Tests send hundreds of requests from one address; tests/test_limits.py sets its own low limit.
os.environ.setdefault("DALEEL_RATE_LIMIT", "100000/minute")

from bot.route import default_router


@pytest.fixture(scope="session")
def router():
    return default_router()


@contextmanager
def app_store(url: str, monkeypatch, tmp_path):
    """Point the app at this database (and a private outbox) through the settings, as in production."""
    from bot.db import get_engine
    from bot.settings import get_settings

    monkeypatch.setenv("DALEEL_DATABASE_URL", url)
    monkeypatch.setenv("DALEEL_OUTBOX_PATH", str(tmp_path / "outbox.db"))
    get_settings.cache_clear()
    try:
        yield url
    finally:
        get_settings.cache_clear()
        get_engine.cache_clear()


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    """A fresh SQLite file per test."""
    with app_store(f"sqlite:///{tmp_path / 'daleel.db'}", monkeypatch, tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory):
    """Action server + Rasa server + app, really running (see tests/live.py)."""
    from tests import live

    stack = live.start(tmp_path_factory.mktemp("live"))
    yield stack
    live.stop(stack)


@pytest.fixture
def postgres_url(monkeypatch, tmp_path):
    """A fresh PostgreSQL database for one test (dropped afterwards), used by the app as its store."""
    import uuid

    from sqlalchemy.exc import OperationalError

    from tests import live

    name = f"daleel_test_{uuid.uuid4().hex[:10]}"
    try:
        url = live.create_database(name)
    except OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432 ({type(exc).__name__}): integration test skipped")
    with app_store(url, monkeypatch, tmp_path):
        yield url
    live.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request):
    """The app's store on the embedded default (SQLite) and on production's PostgreSQL."""
    return request.getfixturevalue("database_url" if request.param == "sqlite" else "postgres_url")
