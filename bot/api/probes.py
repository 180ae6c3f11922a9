"""Probes for the platform: liveness (/healthz) and Prometheus exposition (/metrics)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.api.deps import RouterDep
from bot.store.prometheus import build_registry

router = APIRouter(tags=["probes"])


@router.get("/healthz")
def healthz(service_router: RouterDep) -> dict:
    return {"status": "ok", "services": len(service_router.index.services)}


@router.get("/metrics", include_in_schema=False)
def prometheus() -> Response:
    """Prometheus exposition: deflected_visits_total{entity, channel}, the WhatsApp outbox."""
    return Response(generate_latest(build_registry()), media_type=CONTENT_TYPE_LATEST)
