"""Alembic migrations build exactly the tables the models declare, on SQLite and PostgreSQL."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from bot.store.db import Base
from devtools.live import alembic_config


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    return request.getfixturevalue("empty_postgres_url")


def test_upgrade_creates_what_the_models_declare_and_downgrade_removes_it(empty_database):
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    engine = create_engine(empty_database)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_the_app_never_creates_tables_alembic_does(tmp_path, monkeypatch):
    """Opening the app's engine and a session on a new database leaves it empty: the schema is Alembic's."""
    from sqlalchemy import text

    from bot.settings import get_settings
    from bot.store import db

    url = f"sqlite:///{tmp_path / 'new.db'}"
    monkeypatch.setenv("DALEEL_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        with db.session() as session:
            session.execute(text("SELECT 1"))
        assert inspect(db.get_engine(url)).get_table_names() == []
    finally:
        db.forget_engines()
        get_settings.cache_clear()


def test_a_deflection_outside_the_vocabulary_is_refused_by_the_database(empty_database):
    """The CHECK constraints of the migrations hold even for a writer that skips record_deflection."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    command.upgrade(alembic_config(empty_database), "head")
    engine = create_engine(empty_database)
    row = (
        "INSERT INTO deflection_events (created_at, updated_at, conversation_hash, service_id, entity, channel,"
        " language, source, outcome) VALUES (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :h, 's.x', 's', 'app',"
        " :language, :source, :outcome)"
    )
    good = {"language": "en", "source": "web", "outcome": "routed"}
    try:
        with engine.begin() as connection:
            connection.execute(text(row), {"h": "ok", **good})
        for column, bad in (("outcome", "maybe"), ("source", "fax"), ("language", "fr")):
            with pytest.raises(IntegrityError), engine.begin() as connection:
                connection.execute(text(row), {**good, "h": column, column: bad})
    finally:
        engine.dispose()
