"""Abuse protection as ASGI middleware: a request size limit and per-client rate limits
(the `limits` library; moving windows in memory, or in Redis when several app servers share them)."""

from __future__ import annotations

import json

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from bot.settings import Settings

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


class BodyTooLarge(Exception):
    pass


class RequestLimits:
    """413 for bodies over the limit (declared or streamed), 429 past the client's rate."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.max_body = settings.max_request_bytes
        self.rate = parse(settings.rate_limit)
        self.limiter = MovingWindowRateLimiter(storage_from_string(settings.rate_limit_storage))

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
