"""Load and validate the catalogue files; a bad record is reported with its file, line and reason.

Arabic beside the English: a channel without its own name_ar, and a service with documents but no
documents_ar, take them from glossary.yml (one reviewed mapping per distinct English string); a
record's own Arabic always wins. A service's documents take Arabic only when every item is in the
glossary, so documents_ar is either complete and in order, or empty (and the quality gate says so).

Links the same way: an app channel without its own url takes its app's store listing from
app_listings.yml, when that app has a listing sources show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from service_catalog.schema import (
    AppListingsFile,
    Channel,
    ChannelKind,
    Entity,
    EntityFile,
    Service,
    SituationsFile,
    Synonyms,
)

CATALOGUE_DIR = Path(__file__).resolve().parent
DATA_DIR = CATALOGUE_DIR / "data"
ENTITIES_FILE = CATALOGUE_DIR / "entities.yml"
GLOSSARY_FILE = CATALOGUE_DIR / "glossary.yml"
GLOSSARY_SECTIONS = ("channels", "documents")
APP_LISTINGS_FILE = CATALOGUE_DIR / "app_listings.yml"


class CatalogueError(ValueError):
    """A catalogue file or record that cannot be accepted."""

    def __init__(self, path: Path, line: int | None, reason: str):
        self.path, self.line, self.reason = path, line, reason
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Glossary:
    """Arabic for the English channel names and document strings of the catalogue."""

    channels: dict[str, str]
    documents: dict[str, str]

    def channel(self, name: str) -> str | None:
        return self.channels.get(name)

    def documents_for(self, documents: list[str] | tuple[str, ...]) -> list[str] | None:
        """The Arabic of every document, in order; None when any one is missing."""
        found = [self.documents.get(item) for item in documents]
        return found if documents and all(found) else None


EMPTY_GLOSSARY = Glossary(channels={}, documents={})


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


def load_glossary(path: Path = GLOSSARY_FILE) -> Glossary:
    """glossary.yml: `channels:` and `documents:`, each a mapping of English -> Arabic, no key twice."""
    data, text = _parse(path)
    if not isinstance(data, dict) or set(data) - set(GLOSSARY_SECTIONS):
        raise CatalogueError(path, 1, f"expected a mapping with only {' and '.join(GLOSSARY_SECTIONS)}")
    node = yaml.compose(text, Loader=_FAST_LOADER)  # duplicate keys are silently merged by yaml.load
    sections = {}
    for name in GLOSSARY_SECTIONS:
        section = data.get(name) or {}
        section_node = _node_at(node, (name,))
        if not isinstance(section, dict):
            raise CatalogueError(path, _line_of(node, (name,)), f"{name}: expected a mapping of English to Arabic")
        seen: set[str] = set()
        for key_node, value_node in getattr(section_node, "value", []) if section else []:
            if key_node.value in seen:
                raise CatalogueError(path, key_node.start_mark.line + 1, f"{name}: {key_node.value!r} given twice")
            seen.add(key_node.value)
            value = section.get(key_node.value)
            if not isinstance(value, str) or not value.strip():
                raise CatalogueError(
                    path,
                    value_node.start_mark.line + 1,
                    f"{name}: {key_node.value!r} needs its Arabic as a non-empty string",
                )
        sections[name] = {str(k).strip(): v.strip() for k, v in section.items()}
    return Glossary(**sections)


def _channel_with_arabic(channel: Channel, glossary: Glossary) -> Channel:
    arabic = None if channel.name_ar else glossary.channel(channel.name)
    return channel.model_copy(update={"name_ar": arabic}) if arabic else channel


def with_arabic(service: Service, glossary: Glossary) -> Service:
    """The service with name_ar on its channels and documents_ar filled from the glossary where missing."""
    update: dict = {}
    channels = [_channel_with_arabic(c, glossary) for c in service.channels]
    if any(new is not old for new, old in zip(channels, service.channels)):
        update["channels"] = channels
    if service.documents and not service.documents_ar:
        documents_ar = glossary.documents_for(service.documents)
        if documents_ar:
            update["documents_ar"] = documents_ar
    return service.model_copy(update=update) if update else service


def load_app_listings(path: Path = APP_LISTINGS_FILE) -> dict[str, str]:
    """App name -> the store listing its app channels link to."""
    data, text = _parse(path)
    return {name: listing.url for name, listing in _validate(AppListingsFile, data, path, text).apps.items()}


def app_name(channel_name: str) -> str:
    """ "Dubai REST app (follow-up)" is the Dubai REST app: a bracketed note says how, not which app."""
    return channel_name.split(" (", 1)[0].strip()


def _channel_with_listing(channel: Channel, listings: dict[str, str]) -> Channel:
    if channel.kind is not ChannelKind.app or channel.url:
        return channel
    url = listings.get(app_name(channel.name))
    return channel.model_copy(update={"url": url}) if url else channel


def _with_channels(record: Service | Entity, change: Callable[[Channel], Channel]) -> Service | Entity:
    """The record with `change` made to each channel; the record itself when no channel changed."""
    channels = [change(c) for c in record.channels]
    if all(new is old for new, old in zip(channels, record.channels)):
        return record
    return record.model_copy(update={"channels": channels})


def with_app_listings(record: Service | Entity, listings: dict[str, str]) -> Service | Entity:
    """The record with its app channels' store listings filled in where it gives no link of its own."""
    return _with_channels(record, lambda channel: _channel_with_listing(channel, listings))


def entity_with_arabic(entity: Entity, glossary: Glossary) -> Entity:
    return _with_channels(entity, lambda channel: _channel_with_arabic(channel, glossary))


def load_entities(path: Path = ENTITIES_FILE) -> dict[str, Entity]:
    data, text = _parse(path)
    if not isinstance(data, dict) or not isinstance(data.get("entities"), list):
        raise CatalogueError(path, 1, "expected a mapping with an 'entities' list")
    entities: dict[str, Entity] = {}
    for index, raw in enumerate(data["entities"]):
        entity = _validate(Entity, raw, path, text, ("entities", index))
        if entity.code in entities:
            raise CatalogueError(
                path,
                _line_of(yaml.compose(text, Loader=_FAST_LOADER), ("entities", index)),
                f"duplicate entity code {entity.code!r}",
            )
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


def load_situations(situations_dir: Path, known: set[str]) -> dict[str, Synonyms]:
    """Service id -> situations; a file naming a service the catalogue does not have is refused."""
    found: dict[str, Synonyms] = {}
    for path in sorted(situations_dir.glob("*.yml")):
        data, text = _parse(path)
        parsed = _validate(SituationsFile, data, path, text)
        for service_id, situations in parsed.services.items():
            if service_id not in known:
                node = yaml.compose(text, Loader=_FAST_LOADER)
                raise CatalogueError(
                    path,
                    _line_of(node, ("services", service_id)),
                    f"situations for {service_id!r}, which the catalogue does not have",
                )
            found[service_id] = situations
    return found


def load_catalogue(
    data_dir: Path = DATA_DIR,
    entities_file: Path = ENTITIES_FILE,
    glossary_file: Path | None = GLOSSARY_FILE,
    situations_dir: Path | None = None,
    app_listings_file: Path | None = APP_LISTINGS_FILE,
) -> Catalogue:
    """The validated catalogue; glossary_file=None loads it without the glossary's Arabic, and
    app_listings_file=None without the apps' store links. Situations come from situations_dir (default:
    situations/ beside data_dir, when there is one)."""
    glossary = load_glossary(glossary_file) if glossary_file is not None else EMPTY_GLOSSARY
    listings = load_app_listings(app_listings_file) if app_listings_file is not None else {}
    entities = {
        code: with_app_listings(entity_with_arabic(e, glossary), listings)
        for code, e in load_entities(entities_file).items()
    }
    services: list[Service] = []
    seen: dict[str, Path] = {}
    for path in sorted(data_dir.glob("*.yml")):
        for service in load_entity_file(path, entities).services:
            if service.id in seen:
                raise CatalogueError(
                    path, None, f"duplicate service id {service.id!r} (also in {seen[service.id].name})"
                )
            seen[service.id] = path
            services.append(with_app_listings(with_arabic(service, glossary), listings))
    if not services:
        raise CatalogueError(data_dir, None, "no services found")
    situations_dir = situations_dir or data_dir.parent / "situations"
    if situations_dir.is_dir():
        situations = load_situations(situations_dir, set(seen))
        services = [
            s.model_copy(update={"situations": situations[s.id]}) if s.id in situations else s for s in services
        ]
    return Catalogue(entities=entities, services=tuple(services))


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    return load_catalogue()


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    return load_glossary()


def get_service(service_id: str) -> Service | None:
    """One service of the default catalogue (the actions' read access)."""
    return default_catalogue().by_id().get(service_id)
