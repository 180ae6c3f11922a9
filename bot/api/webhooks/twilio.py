"""WhatsApp through Twilio: incoming messages (POST, form-encoded, signed with X-Twilio-Signature).

As for Meta's webhook (bot/api/webhooks/whatsapp.py): a signed message is stored in the inbox with
its MessageSid claimed (a retried delivery is skipped) before Twilio gets its 200, then answered
from the inbox after the response; replies go out through Twilio's Messages API, not in the
response (an empty TwiML document), so a slow Rasa never makes Twilio time out.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from bot.api.deps import RasaDep, SettingsDep, TwilioDep
from bot.channels.twilio import signature
from bot.channels.twilio.payload import is_status, parse
from bot.channels.whatsapp.inbox import accept, process

logger = logging.getLogger(__name__)
router = APIRouter(tags=["whatsapp"])
PATH = "/webhooks/twilio"
MAX_BODY_BYTES = 100_000
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _refuse(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def _twiml() -> Response:
    return Response(EMPTY_TWIML, media_type="application/xml")


@router.post(
    PATH,
    responses={
        200: {"content": {"application/xml": {}}, "description": "Accepted (an empty TwiML response)"},
        400: {"description": "Not a Twilio message"},
        403: {"description": "Missing or wrong X-Twilio-Signature, or Twilio not configured"},
        503: {"description": "Database down"},
    },
)
async def receive(
    request: Request, settings: SettingsDep, ask: RasaDep, client: TwilioDep, background: BackgroundTasks
) -> Response:
    """One incoming WhatsApp message from Twilio, checked against X-Twilio-Signature."""
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        return _refuse(413, "body too large for a Twilio webhook")
    try:
        form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        form = {}
    # Twilio signs the public URL it called: behind a proxy that is not the one the app sees.
    url = settings.twilio_webhook_url or str(request.url)
    token = settings.twilio_auth_token.get_secret_value()
    if not signature.is_valid(url, form, request.headers.get("X-Twilio-Signature"), token):
        return _refuse(403, "missing or invalid X-Twilio-Signature")
    if settings.twilio_account_sid and form.get("AccountSid") != settings.twilio_account_sid:
        return _refuse(403, "not this Twilio account")
    if is_status(form):
        return _twiml()
    message = parse(form)
    if message is None:
        return _refuse(400, "not a Twilio message: MessageSid and From are required")
    try:
        first = await run_in_threadpool(accept, message, settings)
    except SQLAlchemyError as exc:
        logger.error("twilio message not stored: %s", type(exc).__name__)
        return _refuse(503, "temporarily unavailable, retry later")
    if first:
        background.add_task(process, message, ask, client, settings)
    return _twiml()
