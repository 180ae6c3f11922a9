"""Propose exact customer links from the sources the catalogue already cites (issue #15, item 5).

    python -m devtools.exact_links            # one tab-separated line per proposal
    python -m devtools.exact_links --entity rta

For each active service whose every web link is a homepage, its `source` is proposed when it is on the
entity's own official host (entities.yml channel URLs and `domains`) and is a service page: not a homepage,
not a news item, not a PDF. Only proposes: a reviewer reads the list and writes the URL into the record.
"""

from __future__ import annotations

import argparse
import re
import sys
from urllib.parse import urlsplit

from service_catalog.loader import Catalogue, default_catalogue
from service_catalog.quality import gives_only_homepages, host_of, is_homepage, is_official
from service_catalog.schema import Service

# A page about the entity rather than a service: its news, media centre, press releases, documents.
NOT_A_SERVICE_PAGE = re.compile(
    r"/(news|media-?cent(er|re)|mediacenter|press|media|blog|events?|articles?)(/|$|-)|\.(pdf|docx?|xlsx?)$",
    re.IGNORECASE,
)
# Entities that share another's site (RERA is part of the Dubai Land Department).
SHARES_HOSTS_OF = {"rera": "dld"}


def entity_hosts(catalogue: Catalogue, code: str) -> frozenset[str]:
    hosts = set()
    for entity_code in {code, SHARES_HOSTS_OF.get(code, code)}:
        entity = catalogue.entities[entity_code]
        hosts.update(d.lower().removeprefix("www.") for d in entity.domains)
        hosts.update(h.removeprefix("www.") for c in entity.channels if (h := host_of(c.url)))
    return frozenset(hosts)


def is_service_page(url: str) -> bool:
    return (
        url.startswith(("http://", "https://"))
        and not is_homepage(url)
        and not NOT_A_SERVICE_PAGE.search(urlsplit(url).path)
    )


def proposals(catalogue: Catalogue, entity: str | None = None) -> list[tuple[Service, str]]:
    found = []
    for service in catalogue.services:
        code = service.id.split(".", 1)[0]
        if service.status != "active" or (entity and code != entity):
            continue
        if not gives_only_homepages(service, catalogue):
            continue
        if is_service_page(service.source) and is_official(service.source, entity_hosts(catalogue, code)):
            found.append((service, service.source))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entity", help="only this entity code")
    args = parser.parse_args(argv)
    catalogue = default_catalogue()
    rows = proposals(catalogue, args.entity)
    for service, url in rows:
        channels = ", ".join(f"{c.kind.value}:{c.url or '-'}" for c in service.channels)
        sys.stdout.write(f"{service.id}\t{service.demand}\t{url}\t{channels}\n")
    sys.stdout.write(f"{len(rows)} proposals\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
