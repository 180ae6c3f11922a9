"""The FastAPI app: `uvicorn bot.api.main:app` (built by create_app; nothing connects at import)."""
from __future__ import annotations

from fastapi import FastAPI

from bot.api.routes import catalogue, health, prometheus, route


def create_app() -> FastAPI:
    app = FastAPI(
        title="Daleel",
        description="Routes a customer's message to the smart channel of a Dubai government service.",
        version="0.1.0",
    )
    app.include_router(health.router)
    app.include_router(route.router)
    app.include_router(catalogue.router)
    app.include_router(prometheus.router)
    return app


app = create_app()
