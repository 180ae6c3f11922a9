"""Route one message: POST /api/v1/route (the route core's answer, route-contract.md)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from bot.api.deps import RouterDep
from bot.route import RouteAnswer

router = APIRouter(tags=["route"])


class RouteRequest(BaseModel):
    text: str = Field(description="The customer's message, in Arabic, English, Arabizi or a mix")
    id: str | None = Field(default=None, description="Echoed back in the answer")


@router.post("/route", response_model=RouteAnswer, responses={422: {"description": "Text that cannot be routed"}})
def route(request: RouteRequest, service_router: RouterDep) -> RouteAnswer:
    """Name the fee-paying service a message is about and the smart channel that completes it."""
    return service_router.route(request.text, request.id)
