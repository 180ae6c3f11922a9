"""Read access to the catalogue for the actions and the API."""
from __future__ import annotations

from service_catalog.loader import default_catalogue
from service_catalog.schema import Service


def get_service(service_id: str) -> Service | None:
    return default_catalogue().by_id().get(service_id)
