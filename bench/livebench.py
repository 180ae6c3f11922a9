"""Shared by bench/webhook_latency.py and bench/load.py: the customer conversations, a running
stack (devtools/live.py) on SQLite or on PostgreSQL + Redis, timings and the figures they print.

Loopback only. Every loop here is bounded by a count and by a deadline.
"""

from __future__ import annotations

import asyncio
import math
import os
import shutil
import signal
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devtools import live  # the same stack the end-to-end tests start

ROOT = Path(__file__).resolve().parent.parent

# PostgreSQL (devtools/live.py: DALEEL_TEST_POSTGRES_URL, trust auth) and Redis on the loopback, as
# tests/e2e/test_scale_out.py uses them.
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_DB = os.environ.get("DALEEL_BENCH_REDIS_DB", "5")  # not the tests' db 3
# All load comes from 127.0.0.1: the app's per-client limit must not be what is measured.
BENCH_ENV = {"DALEEL_RATE_LIMIT": "10000000/minute"}

# One customer conversation: greet, ask for a service, ask the fee, ask the documents, thanks.
# English, Modern Standard Arabic, Gulf dialect and Arabizi, as customers write them.
CONVERSATIONS: list[tuple[str, list[str]]] = [
    ("en", ["hi", "I want to renew my driving licence", "how much does it cost", "what documents do i need", "thanks"]),
    (
        "en",
        [
            "hello",
            "how do i pay my dewa bill",
            "is there any fee for this",
            "what do I need to submit",
            "thank you so much",
        ],
    ),
    (
        "en",
        [
            "good morning",
            "I need a police clearance certificate",
            "what's the fee",
            "which documents are required",
            "thanks a lot",
        ],
    ),
    (
        "ar-msa",
        [
            "السلام عليكم",
            "أرغب في تسجيل عقد الإيجار في إيجاري",
            "ما هي الرسوم المطلوبة",
            "ما هي المستندات المطلوبة",
            "شكراً جزيلاً",
        ],
    ),
    ("ar-msa", ["مرحبا", "أريد تجديد ملكية المركبة", "ما هي تكلفة الخدمة", "ما هي الوثائق المطلوبة", "شكرا لك"]),
    ("ar-gulf", ["هلا والله", "ابي اجدد رخصة القيادة", "كم الرسوم", "شو الاوراق المطلوبة", "مشكور"]),
    ("ar-gulf", ["السلام عليكم", "ابغي اسدد فاتورة ديوا", "بكم", "وش المطلوب", "يعطيك العافية"]),
    ("ar-gulf", ["هلا", "ابي ادفع مخالفة مرور", "كم ادفع", "شو لازم اجيب معي", "تسلم"]),
    ("arabizi", ["salam", "abi ajaded el laysen", "kam el rusoom", "shu el awraq el matlooba", "shukran"]),
    ("arabizi", ["marhaba", "abi asajel ejari", "bkam", "esh el awraq", "mashkoor"]),
]
SERVICE_TURN = 1  # the index of the "ask for a service" message in each conversation


@dataclass
class Timings:
    """Latencies in ms per kind of request, and what went wrong."""

    ms: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, dict[str, int]] = field(default_factory=dict)
    empty: dict[str, int] = field(default_factory=dict)

    def ok(self, kind: str, ms: float) -> None:
        self.ms.setdefault(kind, []).append(ms)

    def error(self, kind: str, reason: str) -> None:
        bucket = self.errors.setdefault(kind, {})
        bucket[reason] = bucket.get(reason, 0) + 1

    def error_count(self, kind: str) -> int:
        return sum(self.errors.get(kind, {}).values())


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))]


def summary(values: list[float]) -> str:
    if not values:
        return "no successful requests"
    return (
        f"p50={percentile(values, 0.50):7.1f}  p95={percentile(values, 0.95):7.1f}  "
        f"p99={percentile(values, 0.99):7.1f}  mean={statistics.mean(values):7.1f}  max={max(values):7.1f} ms"
    )


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} cores"


async def _post(
    client: httpx.AsyncClient, url: str, payload: dict, timings: Timings, kind: str, headers: dict | None = None
) -> tuple[httpx.Response | None, float]:
    """POST, timed until the answer is back: (response, ms) for a 200; (None, 0) and the error counted otherwise."""
    t0 = time.perf_counter()
    try:
        response = await client.post(url, json=payload, headers=headers)
    except httpx.HTTPError as exc:
        timings.error(kind, type(exc).__name__)
        return None, 0.0
    elapsed = (time.perf_counter() - t0) * 1000
    if response.status_code != 200:
        timings.error(kind, f"HTTP {response.status_code}")
        return None, 0.0
    return response, elapsed


async def say(
    client: httpx.AsyncClient,
    rasa_url: str,
    sender: str,
    text: str,
    timings: Timings,
    kind: str = "webhook",
    *,
    token: str,
) -> None:
    """One customer message through Rasa's REST webhook (with the stack's token, as the app sends it),
    timed until the bot's answer is back."""
    response, elapsed = await _post(
        client,
        f"{rasa_url}/webhooks/rest/webhook",
        {"sender": sender, "message": text},
        timings,
        kind,
        headers={"Authorization": f"Bearer {token}"},
    )
    if response is None:
        return
    try:
        answer = response.json()
    except ValueError:
        timings.error(kind, "not JSON")
        return
    if not isinstance(answer, list):
        timings.error(kind, "not a list of messages")
        return
    if not answer:  # Rasa answers 200 [] when the turn failed (e.g. the action server timed out)
        timings.error(kind, "empty answer")
        return
    timings.ok(kind, elapsed)


async def route(client: httpx.AsyncClient, app_url: str, text: str, timings: Timings, kind: str = "route") -> None:
    """One POST /api/v1/route to the app, timed."""
    response, elapsed = await _post(client, f"{app_url}/api/v1/route", {"text": text, "id": "bench"}, timings, kind)
    if response is not None:
        timings.ok(kind, elapsed)


def new_sender(tag: str) -> str:
    return f"bench-{tag}-{uuid.uuid4().hex[:12]}"


async def warm_up(stack: live.LiveStack, seconds: float = 120) -> None:
    """Every conversation once, on every Rasa server, one message at a time (not measured): the first
    message of each kind loads lazily built parts of Rasa and of the action server."""
    deadline = time.monotonic() + seconds
    scratch = Timings()
    async with httpx.AsyncClient(timeout=60) as client:
        for n, rasa_url in enumerate(stack.rasa_urls):
            for _, messages in CONVERSATIONS:
                sender = new_sender(f"warm{n}")
                for text in messages:
                    if time.monotonic() > deadline:
                        return
                    await say(client, rasa_url, sender, text, scratch, token=stack.rasa_token)
        for _, messages in CONVERSATIONS:
            await route(client, stack.app_url, messages[SERVICE_TURN], scratch)
    if scratch.errors:
        print(f"warning: errors while warming up: {scratch.errors}")


# --- stacks -----------------------------------------------------------------------------------


def _check_redis() -> None:
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


@contextmanager
def running_stack(rasa_servers: int = 1, postgres: bool = False):
    """A live stack of its own: SQLite + in-memory Rasa stores, or (postgres=True) fresh PostgreSQL
    databases for the trackers and the app store and Redis for the lock store; all of it is stopped,
    dropped and removed on the way out (the logs are kept when the block raised)."""

    def terminated(signum, frame):  # `kill` or `timeout`: stop the stack on the way out, as Ctrl-C does
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, terminated)
    workdir = Path(tempfile.mkdtemp(prefix="daleel-bench-"))
    created: list[str] = []
    stack = None
    failed = False
    try:
        if postgres:
            _check_redis()
            suffix = uuid.uuid4().hex[:8]
            trackers, store = f"daleel_bench_trackers_{suffix}", f"daleel_bench_store_{suffix}"
            for name in (trackers, store):
                live.create_database(name)
                created.append(name)
            env = {
                **BENCH_ENV,
                "DALEEL_TRACKER_DB_HOST": "127.0.0.1",
                "DALEEL_TRACKER_DB_PORT": "5432",
                "DALEEL_TRACKER_DB_NAME": trackers,
                "DALEEL_TRACKER_DB_USER": "postgres",
                "DALEEL_TRACKER_DB_PASSWORD": "",
                "DALEEL_REDIS_HOST": REDIS_HOST,
                "DALEEL_REDIS_PORT": str(REDIS_PORT),
                "DALEEL_REDIS_DB": REDIS_DB,
            }
            stack = live.start(
                workdir,
                database_url=live.postgres_url(store),
                rasa_servers=rasa_servers,
                endpoints="endpoints.scale.yml",
                env=env,
            )
        else:
            stack = live.start(workdir, rasa_servers=rasa_servers, env=dict(BENCH_ENV))
        yield stack
    except BaseException:
        failed = True
        raise
    finally:
        if stack is not None:
            live.stop(stack)
        for name in created:
            try:
                live.drop_database(name)
            except Exception as exc:  # noqa: BLE001 - report, keep cleaning up
                print(f"warning: could not drop database {name}: {exc}")
        if failed:
            print(f"stack logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)


def _stat(pid: int) -> list[str]:
    """/proc/<pid>/stat fields from the state on (field 3 is index 0)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _with_descendants(pid: int) -> list[int]:
    """pid and the processes under it (the action server's Sanic runs its worker as a child)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat(int(entry.name))[1])
            except (OSError, IndexError, ValueError):
                continue
    family, frontier = [pid], [pid]
    for _ in range(10):  # a few generations at most
        frontier = [child for child, parent in parents.items() if parent in frontier]
        if not frontier:
            break
        family += frontier
    return family


def cpu_seconds(stack: live.LiveStack) -> dict[str, float]:
    """CPU time (user + system) used so far by each part of the stack and its child processes, from
    /proc (Linux): a cost per request that does not depend on what else the machine is doing."""
    names = ["actions"] + [f"rasa{n}" for n in range(len(stack.rasa_urls))] + ["app"]
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for name, process in zip(names, stack.processes):
        total = 0.0
        for pid in _with_descendants(process.pid):
            try:
                fields = _stat(pid)
                total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
            except (OSError, IndexError, ValueError):
                continue
        used[name] = total
    return used


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before[name] for name in before}


async def sample_load(stop: asyncio.Event, every: float, max_samples: int) -> list[float]:
    """The 1-minute load average every `every` seconds until `stop` (at most max_samples)."""
    samples: list[float] = []
    for _ in range(max_samples):
        samples.append(os.getloadavg()[0])
        try:
            await asyncio.wait_for(stop.wait(), timeout=every)
            break
        except asyncio.TimeoutError:
            continue
    return samples
