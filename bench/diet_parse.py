"""Runs under the Rasa venv (.venv-rasa/bin/python), driven by bench/diet.py.

Loads a trained NLU model once, then reads JSON lines {"id", "text"} on standard input and writes
{"id", "ranking": [[intent, confidence], ...], "ms": parse time} per line on standard output.
The first output line is {"load_s": model load time}. Each message is parsed `--rounds` times; the
ranking is the first round's, `ms` lists every round's parse time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


async def main(model: str, rounds: int) -> None:
    logging.disable(logging.WARNING)
    from rasa.core.agent import Agent

    started = time.perf_counter()
    agent = Agent.load(model)
    await agent.parse_message("warm up")  # first call builds TensorFlow's graph
    print(json.dumps({"load_s": round(time.perf_counter() - started, 3)}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        timings, ranking = [], None
        for _ in range(rounds):
            t0 = time.perf_counter()
            parsed = await agent.parse_message(request["text"])
            timings.append((time.perf_counter() - t0) * 1000)
            if ranking is None:
                ranking = [[r["name"], round(float(r["confidence"]), 4)] for r in parsed.get("intent_ranking", [])]
                if not ranking and parsed.get("intent"):
                    ranking = [[parsed["intent"]["name"], float(parsed["intent"].get("confidence") or 0.0)]]
        print(json.dumps({"id": request.get("id"), "ranking": ranking, "ms": timings}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(main(args.model, args.rounds))
