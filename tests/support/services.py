"""PostgreSQL and Redis for the tests that need them: skipped when missing, failed under
--require-services (make test passes it, so CI cannot go green without them)."""

from __future__ import annotations

import pytest


def missing_service(request, reason: str):
    if request.config.getoption("--require-services"):
        pytest.fail(f"{reason} (--require-services)", pytrace=False)
    pytest.skip(reason)


def check_redis(request, url: str = "redis://127.0.0.1:6379/0") -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        missing_service(request, f"Redis not reachable at 127.0.0.1:6379 ({type(exc).__name__})")
