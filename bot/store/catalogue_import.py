"""Import the catalogue files into the database, idempotently.

Importing twice changes nothing; a changed record is updated in place; a record gone from the
files is retired (deflection history still points at it) and comes back if it returns.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.store.models import ServiceRecord, utcnow
from service_catalog.loader import Catalogue
from service_catalog.schema import Service

logger = logging.getLogger(__name__)


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0


def _content(service: Service) -> tuple[dict, str]:
    record = service.model_dump(mode="json")
    digest = hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return record, digest


def import_catalogue(
    session: Session, catalogue: Catalogue, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    result = ImportResult()
    existing = {row.id: row for row in session.scalars(select(ServiceRecord))}
    total = len(catalogue.services)
    for done, service in enumerate(catalogue.services, 1):
        record, digest = _content(service)
        row = existing.pop(service.id, None)
        fields = dict(
            entity=service.id.split(".", 1)[0],
            name_en=service.name_en,
            name_ar=service.name_ar,
            fee_aed=service.fee_aed,
            status=service.status,
            content_hash=digest,
            record=record,
        )
        if row is None:
            session.add(ServiceRecord(id=service.id, **fields))
            result.added += 1
        elif row.content_hash != digest or row.retired_at is not None:
            for name, value in fields.items():
                setattr(row, name, value)
            row.retired_at = None
            row.imported_at = utcnow()
            result.updated += 1
        else:
            result.unchanged += 1
        if progress and (done % 200 == 0 or done == total):
            progress(done, total)
    for row in existing.values():
        if row.retired_at is None:
            row.retired_at = utcnow()
            result.retired += 1
    session.commit()
    return result


def import_at_start_up(database_url: str) -> None:
    """The app brings the services table up to the catalogue when it starts (never inside a request).
    A database that cannot be reached is logged, not fatal: the next start imports; until then the
    metrics show services without a known fee as unknown."""
    from bot.store import db
    from service_catalog.loader import default_catalogue

    try:
        with db.session(database_url) as session:
            try:
                import_catalogue(session, default_catalogue())
            except IntegrityError:  # another app server imported the same rows at the same moment
                session.rollback()
    except SQLAlchemyError as exc:
        logger.warning("catalogue not imported at start-up (%s): the next start tries again", type(exc).__name__)
