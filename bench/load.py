"""Load test (issue 6): N concurrent users for a fixed time, through the Rasa REST webhook and the
app's POST /api/v1/route; throughput, p50 / p95 / p99 per kind of request, and errors.

Two runs, each with a stack of its own (devtools/live.py) started, warmed up and stopped here:

- `single`: one Rasa server; app store in SQLite, Rasa's tracker and lock stores in memory.
- `scaled`: two Rasa servers sharing fresh PostgreSQL databases (Rasa trackers; app store) and
  Redis (Rasa lock store), endpoints.scale.yml; the databases are created for the run and dropped
  after it. Requests go round-robin to the two servers, message by message, as a load balancer
  without sticky sessions would send them (so conversations move between servers).

Each user, until the time is up: one whole conversation (greet, ask for a service, ask the fee, ask
the documents, thanks; English, Arabic, Gulf dialect or Arabizi), sending each message when the
bot has answered the previous one, plus `--route-calls` POST /api/v1/route lookups per
conversation (the service request's text, then other customers' requests), each after a think time
(`--think`, default 2 s on average: a user is a person who reads the answer and types). Closed loop:
a user waits for each answer. `--think 0` makes every user send again as soon as the answer is back,
which measures the stack at saturation (latency is then users / throughput), not what people wait.

An error is a failed connection, a timeout, a status other than 200, or an empty Rasa answer.
Targets (printed beside the figures, not asserted): zero errors, route p99 <= 50 ms, webhook p99 <= 500 ms.
Bounded: `--duration` seconds (at most 600) and `--max-conversations` per user; a request still
running when the time is up is waited for (up to `--timeout`) and counted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time

import httpx

from bench import livebench

TARGET_ROUTE_P99_MS, TARGET_WEBHOOK_P99_MS = 50.0, 500.0
SERVICE_REQUESTS = [messages[livebench.SERVICE_TURN] for _, messages in livebench.CONVERSATIONS]


class RoundRobin:
    def __init__(self, urls: list[str]):
        self.urls, self.next = urls, 0

    def __call__(self) -> str:
        url = self.urls[self.next % len(self.urls)]
        self.next += 1
        return url


async def user(
    n: int, stack, client: httpx.AsyncClient, pick_rasa: RoundRobin, args, deadline: float, timings: livebench.Timings
) -> int:
    """Conversations one after the other until the deadline (or --max-conversations)."""
    rng = random.Random(n)
    language, messages = livebench.CONVERSATIONS[n % len(livebench.CONVERSATIONS)]
    conversations = 0

    async def think() -> bool:
        if args.think > 0:
            await asyncio.sleep(min(rng.uniform(0.5, 1.5) * args.think, max(0.0, deadline - time.monotonic())))
        return time.monotonic() < deadline

    for _ in range(args.max_conversations):
        sender = livebench.new_sender(f"load{n}")
        lookups = [messages[livebench.SERVICE_TURN]] + rng.sample(SERVICE_REQUESTS, k=len(SERVICE_REQUESTS))
        for turn, text in enumerate(messages):
            if not await think():
                return conversations
            await livebench.say(client, pick_rasa(), sender, text, timings, kind="webhook", token=stack.rasa_token)
            if turn == livebench.SERVICE_TURN:  # the route lookups come with the service request
                for lookup in lookups[: args.route_calls]:
                    if not await think():
                        return conversations
                    await livebench.route(client, stack.app_url, lookup, timings, kind="route")
        conversations += 1
    return conversations


async def drive(stack, args) -> tuple[livebench.Timings, int, float, list[float], dict[str, float]]:
    timings = livebench.Timings()
    limits = httpx.Limits(max_connections=args.users * 2, max_keepalive_connections=args.users * 2)
    pick_rasa = RoundRobin(stack.rasa_urls)
    stop_sampling = asyncio.Event()
    sampler = asyncio.create_task(livebench.sample_load(stop_sampling, every=5, max_samples=int(args.duration / 5) + 2))
    cpu_before = livebench.cpu_seconds(stack)
    async with httpx.AsyncClient(timeout=args.timeout, limits=limits) as client:
        deadline = time.monotonic() + args.duration
        started = time.perf_counter()
        done = await asyncio.wait_for(
            asyncio.gather(*(user(n, stack, client, pick_rasa, args, deadline, timings) for n in range(args.users))),
            timeout=args.duration + args.timeout + 10,
        )
        elapsed = time.perf_counter() - started
    cpu = livebench.cpu_used(cpu_before, livebench.cpu_seconds(stack))
    stop_sampling.set()
    return timings, sum(done), elapsed, await sampler, cpu


def report(
    name: str,
    description: str,
    timings: livebench.Timings,
    conversations: int,
    elapsed: float,
    load_samples: list[float],
    cpu: dict[str, float],
) -> dict:
    kinds = ("webhook", "route")
    total_ok = sum(len(timings.ms.get(k, [])) for k in kinds)
    total_errors = sum(timings.error_count(k) for k in kinds)
    print(f"\n== {name}: {description}")
    print(
        f"   {elapsed:.1f} s, {conversations} complete conversations, {total_ok + total_errors} requests, "
        f"throughput {(total_ok + total_errors) / elapsed:.1f} req/s; errors {total_errors}"
    )
    figures = {"name": name, "throughput": (total_ok + total_errors) / elapsed, "errors": total_errors}
    for kind in kinds:
        values, errors = timings.ms.get(kind, []), timings.error_count(kind)
        print(
            f"   {kind:8} {(len(values) + errors) / elapsed:6.1f} req/s  n={len(values):6}  "
            f"{livebench.summary(values)}  errors={errors}" + (f" {timings.errors[kind]}" if errors else "")
        )
        figures[kind] = livebench.percentile(values, 0.99) if values else None
    print(
        f"   targets: errors 0 (measured {total_errors}); route p99 <= {TARGET_ROUTE_P99_MS:.0f} ms "
        f"(measured {_ms(figures['route'])}); webhook p99 <= {TARGET_WEBHOOK_P99_MS:.0f} ms "
        f"(measured {_ms(figures['webhook'])})"
    )
    webhook_n = len(timings.ms.get("webhook", [])) + timings.error_count("webhook")
    route_n = len(timings.ms.get("route", [])) + timings.error_count("route")
    rasa_cpu = sum(v for k, v in cpu.items() if k.startswith("rasa"))
    print(
        "   CPU used (user + system): "
        + ", ".join(f"{k} {v:.1f} s" for k, v in cpu.items())
        + f"; stack busy {100 * sum(cpu.values()) / elapsed:.0f} % of one core (PostgreSQL, Redis not counted)"
    )
    if webhook_n and route_n:
        print(
            f"   CPU per request: webhook message {1000 * (rasa_cpu + cpu['actions']) / webhook_n:.0f} ms "
            f"(Rasa + action server), route lookup {1000 * cpu['app'] / route_n:.1f} ms (app)"
        )
    if load_samples:
        print(
            f"   load average (1 min) during the run: min {min(load_samples):.2f}, max {max(load_samples):.2f}, "
            f"on {os.cpu_count()} cores"
        )
    return figures


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} ms"


RUNS = {
    "single": (
        dict(rasa_servers=1, postgres=False),
        "1 Rasa server; app store SQLite, Rasa trackers and locks in memory",
    ),
    "scaled": (
        dict(rasa_servers=2, postgres=True),
        "2 Rasa servers (round-robin); trackers + app store in PostgreSQL, locks in Redis",
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load per run (default 60, max 600)")
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="mean think time before each request, seconds (uniform 0.5x..1.5x; default 2; 0 = saturation)",
    )
    parser.add_argument("--route-calls", type=int, default=2, help="route API lookups per conversation (default 2)")
    parser.add_argument("--max-conversations", type=int, default=10_000, help="per user, a bound besides the time")
    parser.add_argument("--timeout", type=float, default=30, help="per-request timeout, seconds")
    parser.add_argument("--runs", default="single,scaled", help="which runs, comma-separated: single, scaled")
    args = parser.parse_args()
    runs = [r.strip() for r in args.runs.split(",") if r.strip()]
    if not runs or any(r not in RUNS for r in runs):
        parser.error(f"--runs: one or more of {', '.join(RUNS)}")
    if not (
        1 <= args.users <= 500
        and 0 < args.duration <= 600
        and 0 <= args.route_calls <= 10
        and 0 <= args.think <= 60
        and 1 <= args.max_conversations <= 1_000_000
        and 0 < args.timeout <= 120
    ):
        parser.error("--users 1..500, --duration up to 600, --route-calls 0..10, --think 0..60, --timeout up to 120")

    print(
        f"{args.users} users, {args.duration:.0f} s per run, think time {args.think:g} s, "
        f"{args.route_calls} route lookups per 5-message conversation"
    )
    print(f"load average before start: {livebench.load_average()}")
    results = []
    for name in runs:
        options, description = RUNS[name]
        t0 = time.perf_counter()
        with livebench.running_stack(**options) as stack:
            print(
                f"\n[{name}] stack up in {time.perf_counter() - t0:.0f} s (Rasa {', '.join(stack.rasa_urls)}; "
                f"app {stack.app_url}); warming up"
            )
            asyncio.run(asyncio.wait_for(livebench.warm_up(stack), timeout=240))
            print(f"[{name}] load average before the run: {livebench.load_average()}")
            timings, conversations, elapsed, samples, cpu = asyncio.run(drive(stack, args))
        results.append(report(name, description, timings, conversations, elapsed, samples, cpu))
    print("\nsummary")
    for figures in results:
        print(
            f"  {figures['name']:7} {figures['throughput']:6.1f} req/s  errors {figures['errors']}  "
            f"route p99 {_ms(figures['route'])}  webhook p99 {_ms(figures['webhook'])}"
        )
    print(f"load average at the end: {livebench.load_average()}")


if __name__ == "__main__":
    main()
