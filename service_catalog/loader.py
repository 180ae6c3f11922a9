"""Load and validate the catalogue files; a bad record is reported with its file, line and reason."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from service_catalog.schema import Entity, EntityFile, Service

CATALOGUE_DIR = Path(__file__).resolve().parent
DATA_DIR = CATALOGUE_DIR / "data"
ENTITIES_FILE = CATALOGUE_DIR / "entities.yml"


class CatalogueError(ValueError):
    """A catalogue file or record that cannot be accepted."""

    def __init__(self, path: Path, line: int | None, reason: str):
        self.path, self.line, self.reason = path, line, reason
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Catalogue:
    entities: dict[str, Entity]
    services: tuple[Service, ...]

    def by_id(self) -> dict[str, Service]:
        return {service.id: service for service in self.services}

    def entity_of(self, service: Service) -> Entity:
        return self.entities[service.id.split(".", 1)[0]]


def _parse(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogueError(path, None, f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        return yaml.load(text, Loader=_FAST_LOADER), text
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CatalogueError(path, mark.line + 1 if mark else None, f"invalid YAML: {exc}") from None


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _node_at(node, loc: tuple):
    """Follow a pydantic error location through the YAML node tree, as deep as it goes."""
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == key), None)
            if child is None:  # a missing field: its mapping is the closest place
                break
            node = child
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
    return node


def _line_of(node, loc: tuple) -> int | None:
    found = _node_at(node, loc)
    return found.start_mark.line + 1 if found is not None else None


def _reason(error: dict) -> str:
    field = ".".join(str(part) for part in error["loc"])
    return f"{field}: {error['msg']}" if field else error["msg"]


def _validate(model, data, path: Path, text: str, loc: tuple = ()):
    """Validate; only a failure pays for composing the YAML node tree to find its line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        node = yaml.compose(text, Loader=_FAST_LOADER)
        raise CatalogueError(path, _line_of(node, (*loc, *first["loc"])), _reason(first)) from None


def load_entities(path: Path = ENTITIES_FILE) -> dict[str, Entity]:
    data, text = _parse(path)
    if not isinstance(data, dict) or not isinstance(data.get("entities"), list):
        raise CatalogueError(path, 1, "expected a mapping with an 'entities' list")
    entities: dict[str, Entity] = {}
    for index, raw in enumerate(data["entities"]):
        entity = _validate(Entity, raw, path, text, ("entities", index))
        if entity.code in entities:
            raise CatalogueError(path, _line_of(yaml.compose(text, Loader=_FAST_LOADER), ("entities", index)),
                                 f"duplicate entity code {entity.code!r}")
        entities[entity.code] = entity
    return entities


def load_entity_file(path: Path, entities: dict[str, Entity]) -> EntityFile:
    data, text = _parse(path)
    if not isinstance(data, dict):
        raise CatalogueError(path, 1, "expected a mapping with 'entity' and 'services'")
    parsed = _validate(EntityFile, data, path, text)
    if parsed.entity not in entities:
        node = yaml.compose(text, Loader=_FAST_LOADER)
        raise CatalogueError(path, _line_of(node, ("entity",)), f"unknown entity code {parsed.entity!r}")
    return parsed


def load_catalogue(data_dir: Path = DATA_DIR, entities_file: Path = ENTITIES_FILE) -> Catalogue:
    entities = load_entities(entities_file)
    services: list[Service] = []
    seen: dict[str, Path] = {}
    for path in sorted(data_dir.glob("*.yml")):
        for service in load_entity_file(path, entities).services:
            if service.id in seen:
                raise CatalogueError(path, None, f"duplicate service id {service.id!r} (also in {seen[service.id].name})")
            seen[service.id] = path
            services.append(service)
    if not services:
        raise CatalogueError(data_dir, None, "no services found")
    return Catalogue(entities=entities, services=tuple(services))


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    return load_catalogue()


def get_service(service_id: str) -> Service | None:
    """One service of the default catalogue (the actions' read access)."""
    return default_catalogue().by_id().get(service_id)
