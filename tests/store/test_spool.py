"""No lost events: with the database cut mid-conversation, events wait in the durable spool and
are written exactly once when it is back (real PostgreSQL behind a proxy we can cut)."""

import pytest
from sqlalchemy import create_engine, func, select

from bot.store.deflections import flush_spool, record_deflection, record_handoff
from bot.store.models import DeflectionEvent, Handoff
from bot.store.spool import get_spool
from devtools.tcp_proxy import TcpProxy


def count(url, model):
    engine = create_engine(url)
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(model)).scalar_one()
    engine.dispose()
    return total


def visit(conversation, service="rta.driving_licence.renew", outcome="routed"):
    return record_deflection(conversation, service, "rta", "RTA Dubai app", "en", "whatsapp", outcome)


@pytest.fixture
def cut_database(postgres_url, monkeypatch):
    """The app talks to PostgreSQL through a proxy that the test can cut and restore."""
    from bot.settings import get_settings
    from bot.store.db import forget_engines

    proxy = TcpProxy("127.0.0.1", 5432)
    proxy.start()
    through_proxy = postgres_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    monkeypatch.setenv("DALEEL_DATABASE_URL", through_proxy)
    get_settings.cache_clear()
    yield proxy, postgres_url
    proxy.stop()
    forget_engines()


def test_events_written_during_an_outage_arrive_exactly_once(cut_database):
    proxy, direct_url = cut_database
    assert visit("conversation-1") is True  # the database is up: written at once
    proxy.stop()  # the database connection dies mid-conversation
    assert visit("conversation-1", outcome="confirmed") is True
    assert visit("conversation-2") is True
    assert visit("conversation-2") is True  # Rasa retried the action: queued again...
    record_handoff("conversation-3", None, "asked_for_human")
    assert len(get_spool()) == 4
    proxy.start()
    assert visit("conversation-4") is True  # the next event flushes the queue first, in order
    assert len(get_spool()) == 0
    with create_engine(direct_url).connect() as connection:
        rows = connection.execute(select(DeflectionEvent.service_id, DeflectionEvent.outcome)).all()
    assert sorted(outcome for _, outcome in rows) == ["confirmed", "routed", "routed"]  # ...but written once
    assert count(direct_url, DeflectionEvent) == 3 and count(direct_url, Handoff) == 1


def test_flush_stops_while_the_database_is_still_down(cut_database):
    proxy, direct_url = cut_database
    visit("warm-up")
    proxy.stop()
    visit("a")
    visit("b")
    assert flush_spool() == 0 and len(get_spool()) == 2
    proxy.start()
    assert flush_spool() == 2 and len(get_spool()) == 0
    assert count(direct_url, DeflectionEvent) == 3


def test_spool_survives_a_restart(tmp_path):
    from bot.store.spool import Spool

    path = tmp_path / "spool.db"
    Spool(path).put("deflection", {"service_id": "x"})
    assert Spool(path).pending()[0][2] == {"service_id": "x"}
