"""Per-language intent F1 from a Rasa NLU cross-validation run.

    .venv-rasa/bin/rasa test nlu --cross-validation --folds 5 --out results/nlu-cv --successes
    .venv/bin/python tests/rasa/nlu_cv_by_language.py results/nlu-cv

Reads intent_successes.json and intent_errors.json (every held-out example of
every fold), splits them by the language of the text (the route core's
detect_language: Arabic script or Arabizi -> ar, else en; Arabizi is also shown
on its own) and prints weighted and macro intent F1 per group.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

_ARABIC = re.compile(r"[\u0600-\u06FF]")


def group_of(text: str) -> str:
    from bot.route import detect_language

    if _ARABIC.search(text):
        return "ar_script"
    return "arabizi" if detect_language(text) == "ar" else "en"


def f1_scores(pairs: list[tuple[str, str]]) -> tuple[float, float, float, int]:
    labels = sorted({gold for gold, _ in pairs})
    per_label, weights = {}, {}
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        per_label[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        weights[label] = tp + fn
    total = sum(weights.values())
    weighted = sum(per_label[label] * weights[label] for label in labels) / total
    macro = sum(per_label.values()) / len(labels)
    accuracy = sum(1 for g, p in pairs if g == p) / len(pairs)
    return weighted, macro, accuracy, len(pairs)


def main(out_dir: str = "results/nlu-cv") -> None:
    rows = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = Path(out_dir) / name
        if path.exists():
            rows += json.loads(path.read_text(encoding="utf-8"))
    if not rows:
        sys.exit(f"no intent_successes.json / intent_errors.json in {out_dir} (run with --successes)")
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    errors: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for row in rows:
        gold, predicted = row["intent"], (row.get("intent_prediction") or {}).get("name")
        group = group_of(row["text"])
        for key in {group, "ar" if group in ("ar_script", "arabizi") else "en", "all"}:
            groups[key].append((gold, predicted))
        if gold != predicted:
            errors[group].append((row["text"], gold, predicted))
    print(f"{'group':<10} {'n':>5} {'weighted F1':>12} {'macro F1':>9} {'accuracy':>9}")
    for key in ("en", "ar", "ar_script", "arabizi", "all"):
        if groups.get(key):
            weighted, macro, accuracy, n = f1_scores(groups[key])
            print(f"{key:<10} {n:>5} {weighted:>12.3f} {macro:>9.3f} {accuracy:>9.3f}")
    print("\nerrors (text | gold -> predicted):")
    for group, items in sorted(errors.items()):
        for text, gold, predicted in items:
            print(f"  [{group}] {text!r} | {gold} -> {predicted}")


if __name__ == "__main__":
    main(*sys.argv[1:])
