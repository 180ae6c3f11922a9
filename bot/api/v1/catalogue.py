"""Catalogue API: services (list, filter, get, search) and entities, in both languages."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from bot.api.deps import RouterDep
from bot.route import validate_text
from service_catalog.schema import Channel, ChannelKind, Entity, Service

router = APIRouter(tags=["catalogue"])
Language = Literal["en", "ar"]


class ServiceSummary(BaseModel):
    id: str
    entity: str
    name: str
    name_en: str
    name_ar: str
    name_ar_verified: bool
    fee_aed: float | None
    channel: Channel
    score: float | None = None


class Page(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[ServiceSummary]


class EntityOut(BaseModel):
    code: str
    name: str
    name_en: str
    name_ar: str
    channels: list[Channel]
    services: int


def _summary(service: Service, lang: Language, score: float | None = None) -> ServiceSummary:
    return ServiceSummary(
        id=service.id,
        entity=service.id.split(".", 1)[0],
        name=service.name_ar if lang == "ar" else service.name_en,
        name_en=service.name_en,
        name_ar=service.name_ar,
        name_ar_verified=service.name_ar_verified,
        fee_aed=service.fee_aed,
        channel=service.channels[0],
        score=score,
    )


def _page(items: list[ServiceSummary], page: int, per_page: int) -> Page:
    start = (page - 1) * per_page
    return Page(total=len(items), page=page, per_page=per_page, items=items[start : start + per_page])


PageNumber = Annotated[int, Query(ge=1, le=10_000)]
PerPage = Annotated[int, Query(ge=1, le=100)]


@router.get("/services", response_model=Page)
def list_services(
    service_router: RouterDep,
    entity: str | None = None,
    channel_kind: ChannelKind | None = None,
    has_fee: bool | None = None,
    lang: Language = "en",
    page: PageNumber = 1,
    per_page: PerPage = 20,
) -> Page:
    """Active services, filtered by entity, by a channel kind they offer and by whether the fee is known."""
    services = [
        s
        for s in service_router.index.services
        if (entity is None or s.id.startswith(entity + "."))
        and (channel_kind is None or any(c.kind == channel_kind for c in s.channels))
        and (has_fee is None or (s.fee_aed is not None) == has_fee)
    ]
    return _page([_summary(s, lang) for s in services], page, per_page)


@router.get("/services/search", response_model=Page)
def search_services(
    service_router: RouterDep,
    q: Annotated[str, Query(max_length=500)],
    lang: Language = "en",
    page: PageNumber = 1,
    per_page: PerPage = 10,
) -> Page:
    """Services ranked for a query in any language, with the same ranking as route."""
    validate_text(q)
    index = service_router.index
    hits = index.search(index.query_units(q), k=min(page * per_page, 200))
    top = hits[0].score if hits else 1.0
    return _page([_summary(h.service, lang, round(h.score / top, 3)) for h in hits], page, per_page)


@router.get("/services/{service_id}", response_model=Service)
def get_service(service_id: str, service_router: RouterDep) -> Service:
    """The full catalogue record: names, synonyms, fee, channels, documents, who still needs a visit."""
    service = service_router.catalogue.by_id().get(service_id)
    if service is None:
        raise HTTPException(status_code=404, detail=f"no service with id {service_id!r}")
    return service


@router.get("/entities", response_model=list[EntityOut])
def list_entities(service_router: RouterDep, lang: Language = "en") -> list[EntityOut]:
    """Entities with their channels and the number of active services."""
    counts: dict[str, int] = {}
    for service in service_router.index.services:
        code = service.id.split(".", 1)[0]
        counts[code] = counts.get(code, 0) + 1
    return [_entity(e, lang, counts.get(e.code, 0)) for e in service_router.catalogue.entities.values()]


@router.get("/entities/{code}", response_model=EntityOut)
def get_entity(code: str, service_router: RouterDep, lang: Language = "en") -> EntityOut:
    entity = service_router.catalogue.entities.get(code)
    if entity is None:
        raise HTTPException(status_code=404, detail=f"no entity with code {code!r}")
    count = sum(1 for s in service_router.index.services if s.id.startswith(code + "."))
    return _entity(entity, lang, count)


def _entity(entity: Entity, lang: Language, services: int) -> EntityOut:
    return EntityOut(
        code=entity.code,
        name=entity.name_ar if lang == "ar" else entity.name_en,
        name_en=entity.name_en,
        name_ar=entity.name_ar,
        channels=entity.channels,
        services=services,
    )
