"""The catalogue quality gate: runs in `make test` over the real catalogue files."""
import re

import pytest

from service_catalog.loader import default_catalogue
from service_catalog.quality import duplicate_names, near_duplicates
from service_catalog.report import print_report
from service_catalog.schema import URL_PATTERN

REQUIRED_SERVICES = 1000
REQUIRED_ENTITIES = 36


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()  # schema, unique ids and known entity codes are checked while loading


def test_enough_services_and_entities(catalogue):
    active = [s for s in catalogue.services if s.status == "active"]
    entities = {s.id.split(".", 1)[0] for s in active}
    assert len(active) >= REQUIRED_SERVICES, f"{len(active)} active services"
    assert len(entities) >= REQUIRED_ENTITIES, f"{len(entities)} entities with services"


def test_no_two_services_of_an_entity_share_a_name(catalogue):
    assert duplicate_names(catalogue) == []


def test_no_near_identical_names_across_the_catalogue(catalogue):
    assert [p for p in near_duplicates(catalogue, threshold=97)] == []


def test_every_url_is_well_formed(catalogue):
    urls = [c.url for s in catalogue.services for c in s.channels if c.url]
    urls += [c.url for e in catalogue.entities.values() for c in e.channels if c.url]
    assert urls and all(URL_PATTERN.match(u) for u in urls)
    assert not [u for u in urls if re.search(r"\s|example\.com", u)]


def test_unknown_fee_says_why(catalogue):
    assert all(s.fee_note for s in catalogue.services if s.fee_aed is None)


def test_every_service_names_its_source(catalogue):
    assert all(s.source for s in catalogue.services)


def test_report_prints_coverage_per_entity(catalogue, capsys):
    import sys

    print_report(sys.stdout, catalogue)
    out = capsys.readouterr().out
    assert "rta" in out and "total" in out and "entities with services" in out
