"""Quality checks over the whole catalogue, beyond what one record's schema can say."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.text.normalise import normalise_for_matching
from service_catalog.loader import Catalogue

NEAR_DUPLICATE_SCORE = 92


@dataclass(frozen=True)
class NamePair:
    first: str
    second: str
    field: str
    score: float


def _by_entity(catalogue: Catalogue) -> dict[str, list]:
    groups = defaultdict(list)
    for service in catalogue.services:
        groups[service.id.split(".", 1)[0]].append(service)
    return groups


def duplicate_names(catalogue: Catalogue) -> list[NamePair]:
    """Two services of one entity whose English or Arabic names are equal once normalised."""
    found = []
    for services in _by_entity(catalogue).values():
        for field in ("name_en", "name_ar"):
            seen: dict[str, str] = {}
            for service in services:
                key = normalise_for_matching(getattr(service, field))
                if key in seen:
                    found.append(NamePair(seen[key], service.id, field, 100.0))
                seen.setdefault(key, service.id)
    return found


def near_duplicates(catalogue: Catalogue, threshold: float = NEAR_DUPLICATE_SCORE) -> list[NamePair]:
    """Pairs of services whose English names are very similar (a report for a reviewer)."""
    found = []
    services = list(catalogue.services)
    names = [normalise_for_matching(s.name_en) for s in services]
    for i, first in enumerate(services):
        for j in range(i + 1, len(services)):
            score = fuzz.token_sort_ratio(names[i], names[j], score_cutoff=threshold)
            if score:
                found.append(NamePair(first.id, services[j].id, "name_en", score))
    return found
