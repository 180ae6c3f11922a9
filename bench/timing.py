"""Shared by the route benchmarks: our own messages, and timing a router over them."""

from __future__ import annotations

import json
import time
from pathlib import Path

CASES = Path(__file__).resolve().parent.parent / "labelled" / "route_cases.jsonl"


def own_messages() -> list[str]:
    return [json.loads(line)["text"] for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def time_routes(router, texts: list[str], rounds: int) -> list[float]:
    """Milliseconds per message, after one warm-up pass (as a running server would be)."""
    for text in texts:
        router.route(text)
    timings = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            router.route(text)
            timings.append((time.perf_counter() - started) * 1000)
    return timings
