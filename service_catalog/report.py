"""`python -m bot catalogue report`: coverage per entity."""
from __future__ import annotations

from collections import Counter
from typing import TextIO

from service_catalog.loader import Catalogue, default_catalogue
from service_catalog.quality import near_duplicates
from service_catalog.schema import ChannelKind


def coverage_rows(catalogue: Catalogue) -> list[tuple[str, int, int, int, int, int]]:
    """(entity, services, with fee, Arabic name verified, with a link, with an app channel)."""
    counts: dict[str, Counter] = {code: Counter() for code in catalogue.entities}
    for service in catalogue.services:
        row = counts[service.id.split(".", 1)[0]]
        row["services"] += 1
        row["fee"] += service.fee_aed is not None
        row["ar_verified"] += service.name_ar_verified
        row["link"] += any(c.url for c in service.channels)
        row["app"] += any(c.kind == ChannelKind.app for c in service.channels)
    return [(code, c["services"], c["fee"], c["ar_verified"], c["link"], c["app"]) for code, c in counts.items()]


def print_report(out: TextIO, catalogue: Catalogue | None = None) -> None:
    catalogue = catalogue or default_catalogue()
    rows = coverage_rows(catalogue)
    out.write(f"{'entity':26s} {'services':>8s} {'with fee':>8s} {'ar verified':>11s} {'with link':>9s} {'app':>5s}\n")
    for code, services, fee, verified, link, app in sorted(rows, key=lambda r: -r[1]):
        out.write(f"{code:26s} {services:8d} {fee:8d} {verified:11d} {link:9d} {app:5d}\n")
    totals = [sum(r[i] for r in rows) for i in range(1, 6)]
    with_services = sum(1 for r in rows if r[1])
    out.write(f"{'total':26s} {totals[0]:8d} {totals[1]:8d} {totals[2]:11d} {totals[3]:9d} {totals[4]:5d}\n")
    out.write(f"entities with services: {with_services} of {len(rows)}\n")
    historic = sum(1 for s in catalogue.services if s.status == "historic")
    out.write(f"historic (kept for history, not routed): {historic}\n")
    pairs = near_duplicates(catalogue)
    out.write(f"near-duplicate English names (token sort ratio >= 92): {len(pairs)}\n")
    for pair in pairs:
        out.write(f"  {pair.first} ~ {pair.second} ({pair.score:.0f})\n")
