"""Load test (issue 6): N concurrent users for a fixed time, through the Rasa REST webhook and the
app's POST /api/v1/route; throughput, p50 / p95 / p99 per kind of request, errors, and the CPU each
process of the stack used. The users are Locust's (bench/locustfile.py, WebhookCustomer), run headless
in a subprocess and bounded: `--headless -u USERS -r USERS -t DURATION`, loopback hosts only.

Two runs, each with a stack of its own (devtools/live.py) started, warmed up and stopped here:

- `single`: one Rasa server; app store in SQLite, Rasa's tracker and lock stores in memory.
- `scaled`: two Rasa servers sharing fresh PostgreSQL databases (Rasa trackers; app store) and
  Redis (Rasa lock store), endpoints.scale.yml; the databases are created for the run and dropped
  after it. Requests go round-robin to the two servers, message by message, as a load balancer
  without sticky sessions would send them (so conversations move between servers).

Each user, until the time is up: one whole conversation (greet, ask for a service, ask the fee, ask
the documents, thanks; English, Arabic, Gulf dialect or Arabizi), plus `--route-calls` POST
/api/v1/route lookups per conversation (the service request's text, then other customers' requests),
each request after a think time (`--think`, default 2 s on average: a user is a person who reads the
answer and types). Closed loop: a user waits for each answer. `--think 0` makes every user send again
as soon as the answer is back, which measures the stack at saturation (latency is then users /
throughput), not what people wait.

An error is a failed connection, a timeout, a status other than 200, or an empty Rasa answer.
Targets (printed beside the figures, not asserted): zero errors, route p99 <= 50 ms, webhook p99 <= 500 ms.
Bounded: `--duration` seconds (at most 600); a request still running when the time is up is waited
for (Locust's --stop-timeout, `--timeout`) and counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import tempfile
import time
from pathlib import Path

from bench import livebench

TARGET_ROUTE_P99_MS, TARGET_WEBHOOK_P99_MS = 50.0, 500.0
LOCUST = livebench.ROOT / ".venv/bin/locust"
LOCUSTFILE = livebench.ROOT / "bench/locustfile.py"


def locust_command(
    host: str, users: int, duration: float, timeout: float, user_classes: list[str], locustfile: Path = LOCUSTFILE
) -> list[str]:
    """Locust headless and bounded: USERS users started within a second or so, DURATION seconds, then
    at most TIMEOUT seconds for the requests still running."""
    return [
        str(LOCUST),
        "-f",
        str(locustfile),
        *user_classes,
        "--headless",
        "-u",
        str(users),
        "-r",
        str(min(users, 50)),
        "-t",
        f"{duration:.0f}s",
        "--stop-timeout",
        f"{timeout:.0f}",
        "--host",
        host,
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]


def read_events(path: Path) -> tuple[livebench.Timings, int]:
    """Timings from the JSON lines bench/locustfile.py wrote (DALEEL_LOAD_EVENTS); complete conversations."""
    timings, conversations = livebench.Timings(), 0
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        event = json.loads(line)
        if event["ok"]:
            timings.ok(event["kind"], event["ms"])
            conversations += bool(event.get("last"))
        else:
            timings.error(event["kind"], event["error"] or f"HTTP {event['status']}")
    return timings, conversations


async def drive(stack, args) -> tuple[livebench.Timings, int, float, list[float], dict[str, float]]:
    """One Locust run against the stack, the stack's CPU (and Locust's own) measured around it."""
    events = Path(tempfile.mkdtemp(prefix="daleel-load-")) / "requests.jsonl"
    env = {
        **os.environ,
        "PYTHONPATH": str(livebench.ROOT),
        "DALEEL_LOAD_RASA_URLS": ",".join(stack.rasa_urls),
        "DALEEL_LOAD_RASA_TOKEN": stack.rasa_token,
        "DALEEL_LOAD_THINK": str(args.think),
        "DALEEL_LOAD_ROUTE_CALLS": str(args.route_calls),
        "DALEEL_LOAD_TIMEOUT": str(args.timeout),
        "DALEEL_LOAD_EVENTS": str(events),
    }
    stop_sampling = asyncio.Event()
    sampler = asyncio.create_task(livebench.sample_load(stop_sampling, every=5, max_samples=int(args.duration / 5) + 2))
    cpu_before = livebench.cpu_seconds(stack)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *locust_command(stack.app_url, args.users, args.duration, args.timeout, ["WebhookCustomer"]),
        cwd=livebench.ROOT,
        env=env,
    )
    try:
        await asyncio.wait_for(process.wait(), timeout=args.duration + args.timeout + 60)
    except asyncio.TimeoutError:
        process.kill()
        raise
    elapsed = time.perf_counter() - started
    cpu = livebench.cpu_used(cpu_before, livebench.cpu_seconds(stack))
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu["locust"] = (children_after.ru_utime + children_after.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    stop_sampling.set()
    timings, conversations = read_events(events)
    events.unlink(missing_ok=True)
    events.parent.rmdir()
    return timings, conversations, elapsed, await sampler, cpu


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
    stack_cpu = sum(v for k, v in cpu.items() if k != "locust")
    print(
        "   CPU used (user + system): "
        + ", ".join(f"{k} {v:.1f} s" for k, v in cpu.items())
        + f"; stack busy {100 * stack_cpu / elapsed:.0f} % of one core (Locust, PostgreSQL, Redis not counted)"
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
