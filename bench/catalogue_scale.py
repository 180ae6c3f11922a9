"""How index build time and route latency grow with the catalogue: 1k, 10k, 100k services.

The extra services are SYNTHETIC (entity code "synthetic", names starting "[synthetic]"), built
by recombining words of real names and synonyms; they exist only in memory, for scale. The real
catalogue is always included, so the messages still have their right answers somewhere.
Prints figures; the target (p99 <= 50 ms at 100k) is read by a person, not asserted.
"""

from __future__ import annotations

import argparse
import random
import time

from bench.timing import own_messages, percentile, time_routes
from bot.route import Router
from bot.route.analyse import default_analyser
from service_catalog.loader import Catalogue, default_catalogue
from service_catalog.schema import Channel, Entity, Service, Synonyms


def synthetic_catalogue(real: Catalogue, size: int, seed: int = 7) -> Catalogue:
    rng = random.Random(seed)
    words_en = [w for s in real.services for w in s.name_en.split() if w.isalpha()]
    words_ar = [w for s in real.services for w in s.name_ar.split()]
    phrases = [p for s in real.services for p in s.synonyms.all()]
    entity = Entity(
        code="synthetic",
        name_en="Synthetic entity (scale test only)",
        name_ar="جهة تجريبية",
        channels=[Channel(kind="website", name="example", url="https://synthetic.invalid")],
    )
    extra = []
    for i in range(max(0, size - len(real.services))):
        extra.append(
            Service(
                id=f"synthetic.s{i}.x",
                name_en="[synthetic] " + " ".join(rng.sample(words_en, 4)),
                name_ar=" ".join(rng.sample(words_ar, 3)),
                synonyms=Synonyms(en=rng.sample(phrases, 3)),
                fee_aed=None,
                fee_note="synthetic",
                channels=list(entity.channels),
                source="unverified",
            )
        )
    return Catalogue(entities={**real.entities, "synthetic": entity}, services=real.services + tuple(extra))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    texts = own_messages()
    real, analyser = default_catalogue(), default_analyser()
    print(f"{'services':>9s} {'build s':>8s} {'p50 ms':>7s} {'p99 ms':>7s} {'max ms':>7s}")
    for size in (int(s) for s in args.sizes.split(",")):
        catalogue = synthetic_catalogue(real, size)
        started = time.perf_counter()
        router = Router(catalogue, analyser)
        build = time.perf_counter() - started
        timings = time_routes(router, texts, args.rounds)
        print(
            f"{len(catalogue.services):9d} {build:8.1f} {percentile(timings, 0.5):7.2f} "
            f"{percentile(timings, 0.99):7.2f} {max(timings):7.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
