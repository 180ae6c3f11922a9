"""Route latency per message, as `python -m bot route` does it (no server): p50 / p99 / max.

Messages: our own labelled cases (labelled/route_cases.jsonl), repeated. Prints figures only;
the targets (p50 <= 5 ms, p99 <= 20 ms) are read by a person, not asserted.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.timing import own_messages, percentile, time_routes
from bot.route import default_router


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    texts = own_messages()
    started = time.perf_counter()
    router = default_router()
    build = time.perf_counter() - started
    timings = time_routes(router, texts, args.rounds)
    print(f"catalogue: {len(router.index.services)} services; load + index build: {build:.2f} s")
    print(f"messages: {len(timings)} ({len(texts)} distinct x {args.rounds})")
    print(
        f"route latency ms: p50={percentile(timings, 0.5):.2f} p99={percentile(timings, 0.99):.2f} "
        f"mean={statistics.mean(timings):.2f} max={max(timings):.2f}"
    )


if __name__ == "__main__":
    main()
