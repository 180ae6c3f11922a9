"""A tiny catalogue on disk for tests of the catalogue's rules: one entity's services, written as YAML."""

from __future__ import annotations

import textwrap
from pathlib import Path

from service_catalog.loader import Catalogue, load_catalogue


def write_catalogue(tmp_path: Path, entity: str, services: str, entities: str | None = None) -> Catalogue:
    """Load a catalogue of `entity`'s `services` (the YAML list under `services:`); `entities` replaces
    entities.yml when given. Without the apps' store listings: the links are the ones the test writes."""
    data = tmp_path / "data"
    data.mkdir()
    (data / f"{entity}.yml").write_text(f"entity: {entity}\nservices:\n{textwrap.dedent(services)}", encoding="utf-8")
    if entities is None:
        return load_catalogue(data, app_listings_file=None)
    (tmp_path / "entities.yml").write_text(textwrap.dedent(entities), encoding="utf-8")
    return load_catalogue(data, tmp_path / "entities.yml", app_listings_file=None)
