"""Route every message of our labelled sets and the dev set; write one answer per line.

Run before and after a change that must not change behaviour, then compare the files:

    python -m devtools.route_snapshot --out var/snapshot-before.jsonl
    python -m devtools.route_snapshot --out var/snapshot-after.jsonl
    cmp var/snapshot-before.jsonl var/snapshot-after.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = ("labelled",)
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def messages() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for folder in SETS:
        for path in sorted((ROOT / folder).glob("route_cases*.jsonl")):
            found += [(path.name, json.loads(line)["text"]) for line in path.read_text(encoding="utf-8").splitlines()]
    if DEV.exists():
        found += [("dev.jsonl", json.loads(line)["text"]) for line in DEV.read_text(encoding="utf-8").splitlines()]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    from bot.route import default_router

    router = default_router()
    with open(args.out, "w", encoding="utf-8") as out:
        for source, text in messages():
            answer = router.route(text).model_dump()
            out.write(json.dumps({"set": source, "text": text, "answer": answer}, ensure_ascii=False) + "\n")
    print(f"{len(messages())} answers -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
