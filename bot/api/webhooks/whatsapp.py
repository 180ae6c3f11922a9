"""Meta WhatsApp Cloud API webhook: verification (GET) and messages (POST, signed by Meta).

A signed message is stored in the inbox with its id claimed (so Meta's retries are skipped) and only
then answered 200; Rasa and the Graph API are called after the response, from the inbox, which
takes the message again if that fails or the process dies (bot/channels/whatsapp/inbox.py). A reply the Graph
API does not take is kept in the outbox (`python -m bot.channels.whatsapp resend`).
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from bot.api.deps import GraphDep, RasaDep, SettingsDep
from bot.channels.whatsapp import signature
from bot.channels.whatsapp.inbox import accept, process
from bot.channels.whatsapp.payload import NotAWebhook, parse

logger = logging.getLogger(__name__)
router = APIRouter(tags=["whatsapp"])
PATH = "/webhooks/whatsapp"
MAX_BODY_BYTES = 1_000_000


def _refuse(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


@router.get(PATH, response_class=PlainTextResponse, responses={403: {"description": "Wrong mode or verify token"}})
def verify(
    settings: SettingsDep,
    mode: Annotated[str | None, Query(alias="hub.mode")] = None,
    token: Annotated[str | None, Query(alias="hub.verify_token")] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge", max_length=1000)] = None,
) -> PlainTextResponse:
    """Meta's subscription check: echo hub.challenge when hub.verify_token is ours."""
    expected = settings.whatsapp_verify_token.get_secret_value()
    if (
        mode == "subscribe"
        and expected
        and token
        and challenge
        and hmac.compare_digest(token.encode(), expected.encode())
    ):
        return PlainTextResponse(challenge)
    return PlainTextResponse("verification failed", status_code=403)


@router.post(
    PATH,
    responses={
        400: {"description": "Not JSON"},
        401: {"description": "No signature"},
        403: {"description": "Wrong signature"},
        503: {"description": "Database down"},
    },
)
async def receive(
    request: Request, settings: SettingsDep, ask: RasaDep, client: GraphDep, background: BackgroundTasks
) -> JSONResponse:
    """Messages and status updates from Meta, checked against X-Hub-Signature-256."""
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        return _refuse(413, "body too large for a WhatsApp webhook")
    header = request.headers.get("X-Hub-Signature-256")
    if not header:
        return _refuse(401, "missing X-Hub-Signature-256 header")
    if not signature.is_valid(raw, header, settings.whatsapp_app_secret.get_secret_value()):
        return _refuse(403, "invalid X-Hub-Signature-256 signature")
    try:
        webhook = parse(json.loads(raw))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _refuse(400, f"body is not valid JSON ({exc.__class__.__name__})")
    except NotAWebhook as exc:
        return _refuse(400, str(exc))
    accepted = 0
    for message in webhook.messages:
        try:
            first = await run_in_threadpool(accept, message, settings)
        except SQLAlchemyError as exc:  # Meta retries a non-200: the message is not lost
            logger.error("whatsapp message not stored: %s", type(exc).__name__)
            return _refuse(503, "temporarily unavailable, retry later")
        if first:
            background.add_task(process, message, ask, client, settings)
            accepted += 1
    return JSONResponse(
        {
            "status": "ok",
            "messages": accepted,
            "duplicates": len(webhook.messages) - accepted,
            "statuses": webhook.statuses,
        }
    )
