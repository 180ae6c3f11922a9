"""The JSON API, all of it under one prefix."""

from __future__ import annotations

from fastapi import APIRouter

from bot.api.v1 import agent, ambassador, catalogue, chat, metrics, qr, route

PREFIX = "/api/v1"


def api_router() -> APIRouter:
    api = APIRouter(prefix=PREFIX)
    for module in (route, catalogue, qr, chat, ambassador, agent, metrics):
        api.include_router(module.router)
    return api
