"""Throwaway databases for tests: tables made straight from the models (Alembic's own test checks
that the migrations build the same tables)."""

from __future__ import annotations

from sqlalchemy import create_engine

from bot.store import models  # noqa: F401  (registers every table)
from bot.store.db import Base


def create_tables(url: str) -> None:
    engine = create_engine(url)
    try:
        Base.metadata.create_all(engine)
    finally:
        engine.dispose()
