import pytest

from bot.route import default_router


@pytest.fixture(scope="session")
def router():
    return default_router()


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    """A fresh SQLite file per test, through the settings like in production."""
    from bot.db import get_engine
    from bot.settings import get_settings

    url = f"sqlite:///{tmp_path / 'daleel.db'}"
    monkeypatch.setenv("DALEEL_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory):
    """Action server + Rasa server + app, really running (see tests/live.py)."""
    from tests import live

    stack, processes = live.start(tmp_path_factory.mktemp("live"))
    yield stack
    live.stop(processes)
