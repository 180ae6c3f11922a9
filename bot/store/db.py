"""Database access: one engine and one sessionmaker per URL, made on first use (never at import).

Alembic (migrations/) is the only source of the schema: `alembic upgrade head` (make migrate, make run
and the live test stack run it) creates and changes the tables; nothing here creates them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from bot.settings import get_settings


class Base(DeclarativeBase):
    pass


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    url = url or get_settings().database_url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


@lru_cache(maxsize=8)
def _sessionmaker(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


@contextmanager
def session(url: str | None = None) -> Iterator[Session]:
    """A session on the settings' database (or on `url`); closed on exit, never committed for you."""
    with _sessionmaker(url or get_settings().database_url)() as opened:
        yield opened


def forget_engines() -> None:
    """Drop the cached engines and sessionmakers (tests that point the settings at another database)."""
    _sessionmaker.cache_clear()
    get_engine.cache_clear()
