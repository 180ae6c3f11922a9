"""Our route against three peers, side by side, on a labelled set (default: the shared dev set).

Systems: ours (bot.route), fuzzy name matching (rapidfuzz WRatio and token_set_ratio), BM25 over unnormalised names and
synonyms (bm25s), Rasa DIET with one intent per entity (bench/diet.py). Each system's answers go to
var/bench/compare/<system>.jsonl in the route contract's shape and are scored by the shared scorer's
own command line (its --json figures); the table (top-1 / top-3 per language, in scope, out of scope,
latency per message p50 / p99 ms) is printed and written to var/bench/compare/results.md.

Latency is the time from text to answer object inside a warm process, each message timed --rounds
times; DIET's is the Rasa model's parse time (in the Rasa venv) plus mapping its entity to a service,
its training and model load times are reported apart. Messages are read only to measure: nothing of
the set is written anywhere but the answer files under var/.

    .venv/bin/python bench/compare.py [--input ../shared/eval/dev.jsonl] [--rounds 3] [--skip-diet]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.timing import percentile
from bot.route import InvalidText, default_router
from bot.settings import get_settings
from service_catalog.loader import default_catalogue

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "var" / "bench" / "compare"
LANGS = ("en", "ar", "gulf", "arabizi", "mixed")
KINDS = (("in_scope", "in-scope"), ("out_of_scope", "out-of-scope"), ("clarify", "vague"))
WARM_UP = ("renew my driving licence", "ابي اجدد الليسن", "what's the weather")  # our own, not the set's


def load_requests(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rows.append({"id": str(row["id"]), "text": row["text"]})
    return rows


def run_in_process(route, requests: list[dict], rounds: int) -> tuple[list[dict], list[float]]:
    """Answers (first round) and every round's time per message, in ms."""
    for text in WARM_UP:
        route(text, None)
    answers, timings = [], []
    for r in range(rounds):
        for request in requests:
            t0 = time.perf_counter()
            try:
                result = route(request["text"], request["id"]).model_dump()
            except InvalidText as exc:
                result = {"id": request["id"], "error": str(exc)}
            timings.append((time.perf_counter() - t0) * 1000)
            if r == 0:
                answers.append(result)
    return answers, timings


def run_diet(catalogue, requests: list[dict], rounds: int, epochs: int, retrain: bool):
    from bench.diet import DietPeer, train

    trained = train(catalogue, epochs=epochs, force=retrain)
    peer = DietPeer(catalogue, trained)
    parsed = peer.parse(requests, rounds)
    answers, timings = [], []
    for request in requests:
        row = parsed[request["id"]]
        t0 = time.perf_counter()
        result = peer.answer(request["text"], request["id"], row["ranking"]).model_dump()
        mapping_ms = (time.perf_counter() - t0) * 1000
        answers.append(result)
        timings.extend(ms + mapping_ms for ms in row["ms"])
    info = {
        "train_s": trained.train_s,
        "cached": trained.cached,
        "load_s": peer.load_s,
        "epochs": epochs,
        "examples": sum(trained.examples.values()),
        "intents": len(trained.examples),
    }
    return answers, timings, info


def score(labels: Path, answers_file: Path, scorer: Path) -> dict:
    done = subprocess.run(
        [sys.executable, str(scorer), str(labels), str(answers_file), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _cell(fig: dict | None) -> str:
    return "–" if fig is None else f"{fig['top1']:.2f} / {fig['top3']:.2f}"


def _ratio(a: float, b: float) -> str:
    if b == 0:
        return "∞" if a > 0 else "–"
    return f"{a / b:.2f}"


def table(results: list[dict]) -> str:
    cols = [f"lang:{lang}" for lang in LANGS] + [f"kind:{k}" for k, _ in KINDS] + ["all"]
    heads = list(LANGS) + [h for _, h in KINDS] + ["all"]
    first = results[0]["scores"]
    counts = [str(first[c]["n"]) if c in first else "0" for c in cols]
    lines = [
        "| system | " + " | ".join(f"{h} (n={n})" for h, n in zip(heads, counts)) + " | p50 ms | p99 ms |",
        "|---" * (len(cols) + 3) + "|",
    ]
    for res in results:
        s, lat = res["scores"], res["latency"]
        lines.append(
            f"| {res['name']} | "
            + " | ".join(_cell(s.get(c)) for c in cols)
            + f" | {lat['p50']:.2f} | {lat['p99']:.2f} |"
        )
    lines += [
        "",
        "Cells: top-1 / top-3 accuracy (the shared scorer's). Ratios of ours to each peer "
        "(above 1: ours is more accurate; for latency, above 1: ours is slower):",
        "",
        "| ours / peer | " + " | ".join(heads) + " | p50 | p99 |",
        "|---" * (len(cols) + 3) + "|",
    ]
    ours = results[0]
    for res in results[1:]:
        cells = []
        for c in cols:
            a, b = ours["scores"].get(c), res["scores"].get(c)
            cells.append(
                "–" if a is None or b is None else f"{_ratio(a['top1'], b['top1'])} / {_ratio(a['top3'], b['top3'])}"
            )
        lines.append(
            f"| ours / {res['name']} | "
            + " | ".join(cells)
            + f" | {_ratio(ours['latency']['p50'], res['latency']['p50'])}"
            + f" | {_ratio(ours['latency']['p99'], res['latency']['p99'])} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", type=Path, default=settings.scorer_path.parent / "dev.jsonl")
    parser.add_argument("--scorer", type=Path, default=settings.scorer_path)
    parser.add_argument("--rounds", type=int, default=3, help="times each message is timed (default 3)")
    parser.add_argument("--epochs", type=int, default=None, help="DIET epochs (default bench/diet.py EPOCHS)")
    parser.add_argument("--retrain", action="store_true", help="train DIET even when a model for this data exists")
    parser.add_argument("--skip-diet", action="store_true", help="leave the Rasa DIET peer out")
    args = parser.parse_args(argv)

    from bench.peers import BM25Peer, FuzzyPeer

    OUT.mkdir(parents=True, exist_ok=True)
    requests = load_requests(args.input)
    catalogue = default_catalogue()
    systems = []
    t0 = time.perf_counter()
    router = default_router()
    print(f"ours: index built in {time.perf_counter() - t0:.1f} s")
    systems.append(("ours", "ours (bot.route)", router.route))
    for key, scorer in (("fuzzy", "WRatio"), ("fuzzy_token_set", "token_set_ratio")):
        fuzzy = FuzzyPeer(catalogue, scorer)
        systems.append((key, fuzzy.name, fuzzy.route))
    bm25 = BM25Peer(catalogue)
    print(f"bm25: out-of-scope when the best score <= {bm25.cutoff:.2f} (calibrated on labelled/route_cases.jsonl)")
    systems.append(("bm25", bm25.name, bm25.route))

    results, notes = [], []
    for key, name, route in systems:
        answers, timings = run_in_process(route, requests, args.rounds)
        results.append({"key": key, "name": name, "answers": answers, "timings": timings})
    if not args.skip_diet:
        from bench import diet

        epochs = args.epochs or diet.EPOCHS
        answers, timings, info = run_diet(catalogue, requests, args.rounds, epochs, args.retrain)
        results.append({"key": "diet", "name": diet.DietPeer.name, "answers": answers, "timings": timings})
        cached = " (recorded when this model was trained)" if info["cached"] else ""
        notes.append(
            f"DIET: {info['examples']} generated examples, {info['intents']} intents, {info['epochs']} "
            f"epochs; training {info['train_s']:.0f} s{cached}, model load + first parse "
            f"{info['load_s']:.1f} s; both excluded from its latency. Its entity intent becomes a service "
            "by rapidfuzz token_set_ratio over that entity's service names."
        )

    for res in results:
        path = OUT / f"{res['key']}.jsonl"
        path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in res["answers"]), encoding="utf-8")
        res["scores"] = score(args.input, path, args.scorer)
        res["latency"] = {"p50": percentile(res["timings"], 0.5), "p99": percentile(res["timings"], 0.99)}

    load = os.getloadavg()[0]
    notes.append(
        f"{len(requests)} messages of {args.input.name}, each timed {args.rounds} times in a warm process; "
        f"machine: {os.cpu_count()} cores, load average {load:.1f} at the end of the run."
    )
    notes.append(
        f"BM25's out-of-scope cutoff (best score <= {bm25.cutoff:.2f}) was calibrated on our own "
        "labelled cases (labelled/route_cases.jsonl); fuzzy's is a fixed score of 60 (of 100). "
        "Only ours ever asks for clarification (column 'vague')."
    )
    text = table(results) + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    print()
    print(text)
    (OUT / "results.md").write_text("# Route vs peers\n\n" + text, encoding="utf-8")
    print(f"answers and results.md in {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
