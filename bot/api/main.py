"""The FastAPI app: `uvicorn bot.api.main:app` (built by create_app; nothing connects at import)."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from bot.api import errors, probes
from bot.api.limits import RequestLimits
from bot.api.pages import agent, ambassador, chat, dashboard, static
from bot.api.security import SecurityMiddleware
from bot.api.sign_in_limits import SignInLimiter
from bot.api.v1 import api_router
from bot.api.webhooks import twilio, whatsapp
from bot.channels.whatsapp.inbox import retry_periodically
from bot.settings import check_production, get_settings
from bot.store.catalogue_import import import_at_start_up
from bot.text.redact import install_log_redaction


@asynccontextmanager
async def lifespan(app: FastAPI):
    """The catalogue is imported into the services table; with WhatsApp (Meta or Twilio) configured: messages left unfinished (e.g. by a dead process) are
    processed at start-up and retried periodically (bot/channels/whatsapp/inbox.py)."""
    settings = get_settings()
    check_production(settings)  # before anything is served: uvicorn stops with the error
    await run_in_threadpool(import_at_start_up, settings.database_url)
    retries = None
    if settings.whatsapp_app_secret.get_secret_value() or settings.twilio_auth_token.get_secret_value():
        retries = asyncio.create_task(retry_periodically(settings))
    yield
    if retries is not None:
        retries.cancel()
        with suppress(asyncio.CancelledError):
            await retries


def create_app() -> FastAPI:
    install_log_redaction()
    app = FastAPI(
        lifespan=lifespan,
        title="Daleel",
        description="Routes a customer's message to the smart channel of a Dubai government service.",
        version="0.1.0",
    )
    app.include_router(probes.router)
    app.include_router(api_router())
    app.include_router(whatsapp.router)
    app.include_router(twilio.router)
    for page in (chat, ambassador, agent, dashboard, static):
        app.include_router(page.router)
    errors.register(app)
    settings = get_settings()
    app.add_middleware(RequestLimits, settings=settings)
    # Outside the limits: refusals of the limits get the security headers too.
    app.add_middleware(SecurityMiddleware, settings=settings)
    if settings.forwarded_allow_ips.strip():
        # Added last, so outermost: the limits and the origin check see the client and scheme the
        # balancer forwarded (request.client). Only the listed peers are believed.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    app.state.sign_in_limiter = SignInLimiter(settings)
    return app


app = create_app()
