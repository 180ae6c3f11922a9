"""The spool, a durable local queue of deflection events: events that could not reach the database wait here, in order,
and are written when it is back (exactly once: the writers are idempotent)."""

from __future__ import annotations

import json
import sqlite3
import threading
from functools import lru_cache
from pathlib import Path

from bot.settings import get_settings


class Spool:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a queued event survives a crash
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS pending (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL)"
        )

    def put(self, kind: str, payload: dict) -> None:
        with self._lock:
            self._db.execute("INSERT INTO pending (kind, payload) VALUES (?, ?)", (kind, json.dumps(payload)))

    def pending(self) -> list[tuple[int, str, dict]]:
        with self._lock:
            rows = self._db.execute("SELECT id, kind, payload FROM pending ORDER BY id").fetchall()
        return [(row_id, kind, json.loads(payload)) for row_id, kind, payload in rows]

    def remove(self, row_id: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM pending WHERE id = ?", (row_id,))

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM pending").fetchone()[0]


@lru_cache(maxsize=4)
def _spool(path: str) -> Spool:
    return Spool(Path(path))


def get_spool() -> Spool:
    return _spool(str(get_settings().spool_path))
