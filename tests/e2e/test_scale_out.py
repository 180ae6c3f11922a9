"""Two Rasa servers share conversations: trackers in PostgreSQL, locks in Redis, app store in
PostgreSQL. A conversation started on one server goes on, with its context, on the other."""

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from devtools import live
from tests.support.services import check_redis, missing_service


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory, request):
    check_redis(request)
    suffix = uuid.uuid4().hex[:8]
    trackers, store = f"daleel_trackers_{suffix}", f"daleel_store_{suffix}"
    try:
        live.create_database(trackers)
        store_url = live.create_database(store)
    except OperationalError:
        missing_service(request, "PostgreSQL not reachable at 127.0.0.1:5432: scale-out test skipped")
    env = {
        "DALEEL_TRACKER_DB_HOST": "127.0.0.1",
        "DALEEL_TRACKER_DB_PORT": "5432",
        "DALEEL_TRACKER_DB_NAME": trackers,
        "DALEEL_TRACKER_DB_USER": "postgres",
        "DALEEL_TRACKER_DB_PASSWORD": "",
        "DALEEL_REDIS_HOST": "127.0.0.1",
        "DALEEL_REDIS_PORT": "6379",
        "DALEEL_REDIS_DB": "3",
    }
    try:  # the databases go even when the stack fails to start
        stack = live.start(
            tmp_path_factory.mktemp("scale"),
            database_url=store_url,
            rasa_servers=2,
            endpoints="endpoints.scale.yml",
            env=env,
        )
        yield stack
        live.stop(stack)
    finally:
        live.drop_database(trackers)
        live.drop_database(store)


def test_conversation_moves_between_servers_with_its_context(two_servers):
    sender = f"scale-{uuid.uuid4()}"
    first = two_servers.say(sender, "renew my driving licence", server=0)
    assert "RTA" in " ".join(m.get("text", "") for m in first)
    follow_up = two_servers.say(sender, "how much does it cost?", server=1)  # the other server
    assert "320" in " ".join(m.get("text", "") for m in follow_up)  # it knows the service in focus
    engine = create_engine(two_servers.database_url)
    with engine.connect() as connection:
        events = connection.execute(text("SELECT service_id, outcome FROM deflection_events")).all()
        trackers = create_engine(live.postgres_url(_tracker_db(two_servers)))
    engine.dispose()
    assert [tuple(e) for e in events] == [("rta.driving_licence.renew", "routed")]
    with trackers.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar() > 0
    trackers.dispose()


def _tracker_db(stack) -> str:
    return stack.database_url.rsplit("/", 1)[1].replace("daleel_store_", "daleel_trackers_")
