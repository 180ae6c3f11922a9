"""Per-message latency through the Rasa REST webhook (issue 4): p50 / p95 / p99 and errors.

Starts its own stack (devtools/live.py: action server, one Rasa server, the app; SQLite app store,
Rasa's in-memory tracker and lock stores) on free loopback ports, warms it up, then runs
10 conversations at once. Each is a customer writing in English, Modern Standard Arabic, Gulf
dialect or Arabizi: greet, ask for a service, ask the fee, ask the documents, thanks; it reads the
answer and types for `--think` seconds on average (default 2: a quick WhatsApp typist), sends its
next message, and starts again as a new customer, `--rounds` times. `--think 0` sends each message
as soon as the answer is back: every conversation always has a message in flight, which measures
how the stack queues at saturation rather than what a customer waits.
Latency is from sending a message to having the bot's whole answer (NLU, dialogue, the custom
action on the action server and its database write included).

An error is a failed connection, a timeout, a status other than 200 or an empty answer.
Prints figures only; the targets (p50 <= 100 ms, p99 <= 300 ms) are printed beside them, not asserted.
Bounded: at most `--rounds` conversations per customer and `--max-seconds` of measuring.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time

import httpx

from bench import livebench

TARGET_P50_MS, TARGET_P99_MS = 100.0, 300.0


async def customer(
    n: int,
    rasa_url: str,
    token: str,
    client: httpx.AsyncClient,
    rounds: int,
    deadline: float,
    timings: livebench.Timings,
    think: float = 0.0,
) -> int:
    """Conversation n % 10, `rounds` times (a new customer each time) or until the deadline."""
    language, messages = livebench.CONVERSATIONS[n % len(livebench.CONVERSATIONS)]
    rng = random.Random(n)
    done = 0
    for _ in range(rounds):
        sender = livebench.new_sender(f"lat-{language}")
        for text in messages:
            if think > 0:  # the customer reads the answer and types (uniform 0.5x..1.5x the mean)
                await asyncio.sleep(min(rng.uniform(0.5, 1.5) * think, max(0.0, deadline - time.monotonic())))
            if time.monotonic() > deadline:
                return done
            await livebench.say(client, rasa_url, sender, text, timings, kind=language, token=token)
        done += 1
    return done


async def measure(
    rasa_url: str, token: str, conversations: int, rounds: int, max_seconds: float, timeout: float, think: float = 0.0
):
    timings = livebench.Timings()
    limits = httpx.Limits(max_connections=conversations, max_keepalive_connections=conversations)
    deadline = time.monotonic() + max_seconds
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        started = time.perf_counter()
        finished = await asyncio.wait_for(
            asyncio.gather(
                *(customer(n, rasa_url, token, client, rounds, deadline, timings, think) for n in range(conversations))
            ),
            timeout=max_seconds + timeout + 5,
        )
        elapsed = time.perf_counter() - started
    return timings, sum(finished), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=10, help="conversations at once (default 10)")
    parser.add_argument("--rounds", type=int, default=6, help="conversations per customer, one after the other")
    parser.add_argument("--max-seconds", type=float, default=180, help="stop measuring after this long")
    parser.add_argument("--timeout", type=float, default=30, help="per-request timeout, seconds")
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="mean pause before each message, seconds (default 2; 0: the next message as soon "
        "as the answer is back, so all conversations always have a message in flight)",
    )
    args = parser.parse_args()
    if not (
        1 <= args.conversations <= 200
        and 1 <= args.rounds <= 1000
        and 0 < args.max_seconds <= 1800
        and 0 <= args.think <= 60
        and 0 < args.timeout <= 120
    ):
        parser.error("--conversations 1..200, --rounds 1..1000, --max-seconds up to 1800, --think 0..60")

    print(f"load average before start: {livebench.load_average()}")
    t0 = time.perf_counter()
    with livebench.running_stack(rasa_servers=1) as stack:
        print(
            f"stack up in {time.perf_counter() - t0:.0f} s: Rasa {stack.rasa_url}, app {stack.app_url} "
            f"(SQLite app store, in-memory tracker and lock stores)"
        )
        asyncio.run(asyncio.wait_for(livebench.warm_up(stack), timeout=180))
        print(f"load average before measuring: {livebench.load_average()}")
        cpu_before = livebench.cpu_seconds(stack)
        timings, conversations, elapsed = asyncio.run(
            measure(
                stack.rasa_url,
                stack.rasa_token,
                args.conversations,
                args.rounds,
                args.max_seconds,
                args.timeout,
                args.think,
            )
        )
        cpu = livebench.cpu_used(cpu_before, livebench.cpu_seconds(stack))
        load_after = livebench.load_average()

    everything = [ms for values in timings.ms.values() for ms in values]
    errors = sum(timings.error_count(kind) for kind in set(timings.ms) | set(timings.errors))
    print(
        f"\nRasa REST webhook, {args.conversations} conversations at once (think time {args.think:g} s), "
        f"{conversations} complete conversations, {len(everything) + errors} messages in {elapsed:.1f} s "
        f"({(len(everything) + errors) / elapsed:.1f} messages/s)"
    )
    for kind in sorted(set(timings.ms) | set(timings.errors)):
        print(
            f"  {kind:8} n={len(timings.ms.get(kind, [])):5}  {livebench.summary(timings.ms.get(kind, []))}"
            f"  errors={timings.error_count(kind)}"
        )
    print(
        f"  {'all':8} n={len(everything):5}  {livebench.summary(everything)}  errors={errors}"
        + (f" {timings.errors}" if errors else "")
    )
    if everything:
        p50, p99 = livebench.percentile(everything, 0.5), livebench.percentile(everything, 0.99)
        print(
            f"targets: p50 <= {TARGET_P50_MS:.0f} ms (measured {p50:.1f}), "
            f"p99 <= {TARGET_P99_MS:.0f} ms (measured {p99:.1f}), errors 0 (measured {errors})"
        )
    messages = len(everything) + errors
    if messages:
        print(
            f"CPU per message (user + system, independent of the machine's other load): "
            f"Rasa {1000 * cpu['rasa0'] / messages:.0f} ms, action server {1000 * cpu['actions'] / messages:.0f} ms; "
            f"stack busy {100 * sum(cpu.values()) / elapsed:.0f} % of one core"
        )
    print(f"load average after measuring: {load_after}")


if __name__ == "__main__":
    main()
