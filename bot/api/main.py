"""The FastAPI app: `uvicorn bot.api.main:app` (built by create_app; nothing connects at import)."""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI

from bot.api.limits import RequestLimits
from bot.api.sign_in_limits import SignInLimiter
from bot.redact import install_log_redaction
from bot.settings import get_settings
from bot.whatsapp.inbox import retry_periodically

from bot.api.routes import catalogue, health, prometheus, route
from bot.api.routes import ambassador, chat, qr, static  # web chat, ambassadors' page
from bot.api.routes import whatsapp  # WhatsApp Cloud API webhook
from bot.api.routes import dashboard, metrics  # deflection metrics API and dashboard


@asynccontextmanager
async def lifespan(app: FastAPI):
    """With WhatsApp configured: WhatsApp messages left unfinished (e.g. by a dead process) are
    processed at start-up and retried periodically (bot/whatsapp/inbox.py)."""
    settings = get_settings()
    retries = None
    if settings.whatsapp_app_secret.get_secret_value():
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
    app.include_router(health.router)
    app.include_router(route.router)
    app.include_router(catalogue.router)
    app.include_router(prometheus.router)
    app.include_router(chat.router)
    app.include_router(ambassador.router)
    app.include_router(qr.router)
    app.include_router(static.router)
    app.include_router(whatsapp.router)
    app.include_router(metrics.router)
    app.include_router(dashboard.router)
    app.add_middleware(RequestLimits, settings=get_settings())
    app.state.sign_in_limiter = SignInLimiter(get_settings())
    return app


app = create_app()
