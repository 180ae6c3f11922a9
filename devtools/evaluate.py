"""Figures of the route core on a labelled set, per slice and per style, with the shared scorer's rules.

    python -m devtools.evaluate labelled/route_cases_needs.jsonl --split holdout
    python -m devtools.evaluate labelled/route_cases_needs.jsonl --split calibrate --show-misses

Styles: named / need (the set's `style`), short (<= 4 words), long (>= 25 words), typo (the set's `typo`).
Misses are shown only for a calibrate split: a holdout's misses are never read.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORER = ROOT.parent / "shared" / "eval" / "score_route.py"


def _scorer(path: Path = SCORER):
    spec = importlib.util.spec_from_file_location("score_route", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def styles(label: dict) -> list[str]:
    found = [label["style"]] if label.get("style") in ("named", "need") else []
    words = len(label["text"].split())
    found += ["short"] if words <= 4 else ["long"] if words >= 25 else []
    return found + (["typo"] if label.get("typo") else [])


def evaluate(labels: list[dict], router, scorer) -> dict:
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # right top-1, right top-3, count
    misses = []
    refused_in_scope = 0
    for label in labels:
        answer = router.route(label["text"]).model_dump()
        top1, top3 = scorer.judge(label, answer)
        kind = scorer.kind(label)
        keys = [kind] + (
            [f"lang:{label['lang']}", *(f"style:{s}" for s in styles(label))] if kind == "in_scope" else []
        )
        for key in keys:
            row = tally[key]
            row[0], row[1], row[2] = row[0] + top1, row[1] + top3, row[2] + 1
        refused_in_scope += kind == "in_scope" and answer["out_of_scope"]
        if not top1:
            misses.append((label, answer))
    return {"tally": dict(tally), "refused_in_scope": refused_in_scope, "misses": misses}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labels")
    parser.add_argument("--split", choices=("calibrate", "holdout"))
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    if args.show_misses and args.split != "calibrate":
        parser.error("misses are shown for --split calibrate only")
    from bot.route import default_router

    labels = [json.loads(line) for line in Path(args.labels).read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.split:
        labels = [label for label in labels if label.get("split") == args.split]
    result = evaluate(labels, default_router(), _scorer())
    print(f"{args.labels} ({args.split or 'all'}, {len(labels)} messages)")
    for key, (top1, top3, count) in sorted(result["tally"].items(), key=lambda item: (":" in item[0], item[0])):
        print(f"  {key:<16} {count:>4}  top-1 {top1 / count:.3f}  top-3 {top3 / count:.3f}")
    in_scope = result["tally"].get("in_scope", [0, 0, 0])[2]
    if in_scope:
        print(
            f"  in scope answered out of scope: {result['refused_in_scope']} ({result['refused_in_scope'] / in_scope:.3f})"
        )
    if args.show_misses:
        for label, answer in result["misses"]:
            got = "out of scope" if answer["out_of_scope"] else (answer["service"] or {}).get("id")
            print(f"  MISS {label['id']} [{label['lang']}] {label['text']!r} -> {got} (want {label['expect']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
