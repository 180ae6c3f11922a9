from __future__ import annotations

from fastapi import APIRouter

from bot.api.deps import RouterDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(service_router: RouterDep) -> dict:
    return {"status": "ok", "services": len(service_router.index.services)}
