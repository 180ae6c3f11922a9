"""Draw the seeded sample of active catalogue records to check against their sources (issue #15).

    python -m devtools.sample_check              # the 30 records of docs/catalogue-sample-2026-12.md
    python -m devtools.sample_check --seed 7 --size 10

The same seed over the same catalogue gives the same records; the draw is over the active services
sorted by id, so records added later change the draw (the checked sample names its catalogue commit).
"""

from __future__ import annotations

import argparse
import random
import sys

from service_catalog.loader import Catalogue, default_catalogue
from service_catalog.schema import Service

SEED = 202612
SIZE = 30


def draw(catalogue: Catalogue, seed: int = SEED, size: int = SIZE) -> list[Service]:
    active = sorted((s for s in catalogue.services if s.status == "active"), key=lambda s: s.id)
    return random.Random(seed).sample(active, min(size, len(active)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--size", type=int, default=SIZE)
    args = parser.parse_args(argv)
    for service in draw(default_catalogue(), args.seed, args.size):
        channels = ", ".join(f"{c.kind.value}:{c.name}:{c.url or '-'}" for c in service.channels)
        fee = service.fee_aed if service.fee_aed is not None else service.fee_text or "-"
        sys.stdout.write(f"{service.id}\t{service.name_en}\t{fee}\t{channels}\t{service.source}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
