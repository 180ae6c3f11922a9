"""The route answer, as fixed by shared/spec/route-contract.md."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer


class ServiceRef(BaseModel):
    id: str
    entity: str
    name_en: str
    name_ar: str
    name_ar_verified: bool
    fee_aed: float | None


class ChannelRef(BaseModel):
    kind: str
    name: str
    url: str | None
    name_ar: str | None = None  # added after the contract was fixed: optional, so older callers are unaffected


class Alternative(BaseModel):
    id: str
    entity: str
    name_en: str
    name_ar: str
    score: float


class JourneyRef(BaseModel):
    """A life event the message is about; its services, in order, are the answer's service and alternatives."""

    id: str
    name_en: str
    name_ar: str


class RouteAnswer(BaseModel):
    id: str | None = None
    language: Literal["ar", "en"]
    out_of_scope: bool
    needs_clarification: bool
    service: ServiceRef | None
    channel: ChannelRef | None
    alternatives: list[Alternative] = Field(default_factory=list)
    score: float
    journey: JourneyRef | None = None  # our addition to the contract: present only on a life event's answer

    @model_serializer(mode="wrap")
    def _contract_shape(self, handler: SerializerFunctionWrapHandler) -> dict:
        data = handler(self)
        if data.get("journey") is None:
            data.pop("journey", None)
        return data


class RouteError(BaseModel):
    id: str | None = None
    error: str
