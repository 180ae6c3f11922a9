"""Catalogue import: idempotent, updates in place, retires instead of deleting."""

import pytest
from sqlalchemy import select

from bot.store import db
from bot.store.catalogue_import import import_catalogue
from bot.store.models import ServiceRecord
from service_catalog.loader import Catalogue, default_catalogue


def subset(catalogue: Catalogue, services) -> Catalogue:
    return Catalogue(entities=catalogue.entities, services=tuple(services))


@pytest.fixture
def session(store_url):
    with db.session(store_url) as session:
        yield session


def test_import_twice_changes_nothing(session):
    catalogue = default_catalogue()
    first = import_catalogue(session, catalogue)
    second = import_catalogue(session, catalogue)
    assert first.added == len(catalogue.services)
    assert (second.added, second.updated, second.retired) == (0, 0, 0)
    assert second.unchanged == len(catalogue.services)


def test_changed_record_is_updated_in_place_and_removed_one_retired(session):
    catalogue = default_catalogue()
    one, two, *_ = catalogue.services
    import_catalogue(session, subset(catalogue, [one, two]))
    changed = one.model_copy(update={"name_en": one.name_en + " (new name)"})
    result = import_catalogue(session, subset(catalogue, [changed]))
    assert (result.updated, result.retired, result.added) == (1, 1, 0)
    rows = {row.id: row for row in session.scalars(select(ServiceRecord))}
    assert rows[one.id].name_en.endswith("(new name)") and rows[one.id].retired_at is None
    assert rows[two.id].retired_at is not None  # kept for the deflection history
    back = import_catalogue(session, subset(catalogue, [changed, two]))
    assert back.updated == 1 and session.get(ServiceRecord, two.id).retired_at is None
