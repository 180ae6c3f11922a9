"""`python -m bot catalogue report`: how far each entity's records can be trusted."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TextIO

from service_catalog.loader import Catalogue, default_catalogue
from service_catalog.quality import (
    gives_only_homepages,
    has_fee,
    is_homepage,
    is_sourced,
    is_stale,
    load_refused_hosts,
    near_duplicates,
    refused_host,
    refused_urls,
)
from service_catalog.schema import Service

# (key, column heading, what it counts): the columns of the report, in order.
COLUMNS = (
    ("services", "services", "active services"),
    ("fee_paying", "fee-paying", "fee_paying: true"),
    ("fee", "with fee", "fee_aed or fee_text given"),
    ("sourced", "sourced", "source is a URL"),
    ("homepage_source", "home src", "source is only a homepage"),
    ("unverified", "unverified", "source: unverified"),
    ("stale", "stale", "sourced, verified_on missing or older than 12 months"),
    ("homepage_link", "home link", "every web link it gives is a homepage"),
    ("refused", "refused", "a source or channel URL on a refused host"),
)


def service_flags(service: Service, catalogue: Catalogue, today: date, refused: dict[str, str]) -> Counter:
    urls = [service.source, *(c.url for c in service.channels if c.url)]
    return Counter(
        services=1,
        fee_paying=bool(service.fee_paying),
        fee=has_fee(service),
        sourced=is_sourced(service),
        homepage_source=is_sourced(service) and is_homepage(service.source),
        unverified=not is_sourced(service),
        stale=is_stale(service, today),
        homepage_link=gives_only_homepages(service, catalogue),
        refused=any(refused_host(u, refused) for u in urls),
    )


def trust_rows(catalogue: Catalogue, today: date | None = None) -> dict[str, Counter]:
    """Per entity code, the counts of COLUMNS over its active services (every entity, even with none)."""
    today = today or date.today()
    refused = load_refused_hosts()
    rows: dict[str, Counter] = {code: Counter() for code in catalogue.entities}
    for service in catalogue.services:
        if service.status == "active":
            rows.setdefault(service.id.split(".", 1)[0], Counter()).update(
                service_flags(service, catalogue, today, refused)
            )
    return rows


def print_report(out: TextIO, catalogue: Catalogue | None = None, today: date | None = None) -> None:
    catalogue = catalogue or default_catalogue()
    rows = trust_rows(catalogue, today)
    keys = [key for key, _, _ in COLUMNS]
    widths = [max(len(heading), 5) for _, heading, _ in COLUMNS]
    header = f"{'entity':26s} " + " ".join(f"{h:>{w}s}" for (_, h, _), w in zip(COLUMNS, widths))
    out.write(header + "\n")
    for code, row in sorted(rows.items(), key=lambda item: (-item[1]["services"], item[0])):
        out.write(f"{code:26s} " + " ".join(f"{row[k]:{w}d}" for k, w in zip(keys, widths)) + "\n")
    totals = Counter()
    for row in rows.values():
        totals.update(row)
    share = f"{totals['homepage_link'] / totals['services']:.0%}" if totals["services"] else "-"
    out.write(
        f"{'total':26s} "
        + " ".join(f"{totals[k]:{w}d}" for k, w in zip(keys, widths))
        + f"   home link {totals['homepage_link']} ({share}) of {totals['services']}\n"
    )
    out.write("columns: " + "; ".join(f"{heading} = {meaning}" for _, heading, meaning in COLUMNS) + "\n")
    with_services = sum(1 for row in rows.values() if row["services"])
    with_fee_paying = sum(1 for row in rows.values() if row["fee_paying"])
    out.write(f"entities with services: {with_services} of {len(rows)}; with fee-paying services: {with_fee_paying}\n")
    refused = Counter(finding.detail for finding in refused_urls(catalogue))
    out.write(
        f"URLs on refused hosts (any record, service_catalog/refused_hosts.yml): {sum(refused.values())}"
        + "".join(f"\n  {host}: {n}" for host, n in sorted(refused.items(), key=lambda kv: (-kv[1], kv[0])))
        + "\n"
    )
    historic = sum(1 for s in catalogue.services if s.status == "historic")
    out.write(f"historic (kept for history, not routed, not counted above): {historic}\n")
    pairs = near_duplicates(catalogue)
    out.write(f"near-duplicate English names (token sort ratio >= 92): {len(pairs)}\n")
    for pair in pairs:
        out.write(f"  {pair.first} ~ {pair.second} ({pair.score:.0f})\n")
