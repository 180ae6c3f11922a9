"""Assisted deflections from the ambassadors' lookup page ("customer moved to the app")."""

from __future__ import annotations

import logging
import uuid
from typing import Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from bot.api.deps import RouterDep, StaffDep
from bot.store.deflections import record_deflection

router = APIRouter(tags=["ambassador"])
logger = logging.getLogger(__name__)


class DeflectionIn(BaseModel):
    service_id: str = Field(min_length=3, max_length=128)
    language: Literal["ar", "en"] = "en"


class DeflectionOut(BaseModel):
    recorded: bool
    service_id: str
    entity: str
    channel: str
    channel_ar: str | None = None  # for the Arabic page's confirmation; `channel` stays the metrics label


@router.post(
    "/ambassador/deflections",
    response_model=DeflectionOut,
    status_code=201,
    responses={
        401: {"description": "staff sign-in required"},
        403: {"description": "cross-origin request (bot/api/security.py)"},
        404: {"description": "unknown service"},
    },
)
def customer_moved_to_app(body: DeflectionIn, centre: StaffDep, service_router: RouterDep) -> DeflectionOut:
    """An ambassador moved a customer to the smart channel: one routed visit per button press."""
    service = service_router.catalogue.by_id().get(body.service_id)
    if service is None or service.status != "active":
        raise HTTPException(status_code=404, detail=f"no service with id {body.service_id!r}")
    entity, channel = service.id.split(".", 1)[0], service.channels[0].name
    channel_ar = service.channels[0].name_ar
    recorded = record_deflection(
        conversation_id=f"ambassador-{uuid.uuid4()}",
        service_id=service.id,
        entity=entity,
        channel=channel,
        language=body.language,
        source="ambassador",
        outcome="routed",
    )
    logger.info("assisted deflection for %s at centre %s", service.id, centre)
    return DeflectionOut(
        recorded=recorded, service_id=service.id, entity=entity, channel=channel, channel_ar=channel_ar
    )
