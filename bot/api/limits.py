"""Abuse protection as ASGI middleware: a request size limit and per-client rate limits
(the `limits` library; moving windows in memory, or in Redis when several app servers share them)."""

from __future__ import annotations

import json
import logging
import time

from limits import parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from bot.settings import Settings

logger = logging.getLogger(__name__)

# Paths that are not limited: probes and scrapes from inside the deployment.
UNLIMITED = ("/healthz", "/metrics")


async def _send_json(send, status: int, detail: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SharedLimiter:
    """A moving-window limiter on the configured storage that, while that storage (Redis) is
    unreachable, counts in this process's memory instead: requests are still limited, per app server,
    and nothing answers 500 because Redis is down. Back on the storage as soon as it answers again."""

    def __init__(self, storage_uri: str):
        self.primary = MovingWindowRateLimiter(storage_from_string(storage_uri, wrap_exceptions=True))
        self.fallback = MovingWindowRateLimiter(MemoryStorage())
        self._warned_at = 0.0

    def _call(self, method: str, *args):
        try:
            return getattr(self.primary, method)(*args)
        except StorageError as exc:
            if time.monotonic() - self._warned_at > 60:  # once a minute, not once a request
                self._warned_at = time.monotonic()
                logger.warning(
                    "rate-limit storage unreachable, counting in memory: %s", type(exc.storage_error).__name__
                )
            return getattr(self.fallback, method)(*args)

    def hit(self, rate, *keys) -> bool:
        return self._call("hit", rate, *keys)

    def test(self, rate, *keys) -> bool:
        return self._call("test", rate, *keys)

    def get_window_stats(self, rate, *keys):
        return self._call("get_window_stats", rate, *keys)

    def clear(self, rate, *keys) -> None:
        self._call("clear", rate, *keys)


class BodyTooLarge(Exception):
    pass


class RequestLimits:
    """413 for bodies over the limit (declared or streamed), 429 past the client's rate."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.max_body = settings.max_request_bytes
        self.rate = parse(settings.rate_limit)
        self.limiter = SharedLimiter(settings.rate_limit_storage)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith(UNLIMITED):
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("unknown", 0))[0]
        if not self.limiter.hit(self.rate, client, scope["path"].split("/")[1] or "root"):
            return await _send_json(
                send, 429, "too many requests: slow down and try again shortly", [(b"retry-after", b"60")]
            )
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body:
            return await _send_json(send, 413, f"request body is larger than {self.max_body} bytes")
        received, too_large, replaced = 0, False, False

        async def counting_receive():
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    too_large = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message):
            # The app may catch the error and answer 400 itself: the answer is 413 all the same.
            nonlocal replaced
            if too_large:
                if not replaced:
                    replaced = True
                    await _send_json(send, 413, f"request body is larger than {self.max_body} bytes")
                return
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            if not replaced:
                await _send_json(send, 413, f"request body is larger than {self.max_body} bytes")
