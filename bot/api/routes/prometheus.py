from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.metrics import build_registry

router = APIRouter(tags=["metrics"])


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    """Prometheus exposition: deflected_visits_total{entity, channel}."""
    return Response(generate_latest(build_registry()), media_type=CONTENT_TYPE_LATEST)
