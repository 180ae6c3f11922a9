"""The Rasa DIET peer for bench/compare.py: one intent per entity, trained from the catalogue.

Training data (generated, under var/bench/diet/): every active service's name_en, name_ar and
synonyms as examples of the intent named after its entity code, plus the examples of
data/nlu/out_of_scope.yml as `out_of_scope`. The pipeline is the one config.yml had when this
benchmark was written (whitespace tokens, lexical features, word and char_wb 1-4 counts, DIET without
transformer layers), fixed here so that tuning the assistant does not retrain the peer, with a modest
number of epochs and no fallback classifier. (config.yml's later word 1-2 / char_wb 2-5 features made
an epoch about 3 times slower here.) It is trained with the Rasa venv (`rasa train nlu`) and only
again when the data or the epochs change. Messages are parsed by bench/diet_parse.py in
the Rasa venv; the predicted entity becomes the service of that entity whose name is closest to the
message (rapidfuzz token_set_ratio, bench/peers.py), alternatives being that entity's next closest services.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.peers import EntityServices, active_services, answer, out_of_scope
from bot.route.contract import RouteAnswer
from service_catalog.loader import Catalogue

ROOT = Path(__file__).resolve().parent.parent
RASA_VENV = ROOT / ".venv-rasa"
WORK = ROOT / "var" / "bench" / "diet"
OUT_OF_SCOPE_FILE = ROOT / "data" / "nlu" / "out_of_scope.yml"
EPOCHS = 15  # modest: an epoch takes about a minute on the shared 2-core machine


def _clean(example: str) -> str:
    """One line, no [..] that Rasa would read as an entity annotation."""
    return " ".join(example.replace("[", " ").replace("]", " ").split())


def training_data(catalogue: Catalogue) -> tuple[dict, dict[str, int]]:
    examples: dict[str, list[str]] = {}
    owner: dict[str, set[str]] = {}
    for service in active_services(catalogue):
        entity = service.id.split(".", 1)[0]
        for text in (service.name_en, service.name_ar, *service.synonyms.all()):
            text = _clean(text)
            if text:
                owner.setdefault(text.lower(), set()).add(entity)
                examples.setdefault(entity, []).append(text)
    oos = yaml.safe_load(OUT_OF_SCOPE_FILE.read_text(encoding="utf-8"))
    for block in oos.get("nlu", []):
        if block.get("intent") == "out_of_scope":
            for raw in block.get("examples", "").splitlines():
                text = _clean(raw.strip().removeprefix("- "))
                if text:
                    owner.setdefault(text.lower(), set()).add("out_of_scope")
                    examples.setdefault("out_of_scope", []).append(text)
    nlu, counts = [], {}
    for intent in sorted(examples):
        # An example shared by two intents (or repeated) is kept once, and only when it is unambiguous.
        kept, seen = [], set()
        for text in examples[intent]:
            key = text.lower()
            if key not in seen and len(owner[key]) == 1:
                seen.add(key)
                kept.append(text)
        if kept:
            counts[intent] = len(kept)
            nlu.append({"intent": intent, "examples": "".join(f"- {t}\n" for t in kept)})
    return {"version": "3.1", "nlu": nlu}, counts


def nlu_config(epochs: int) -> dict:
    pipeline = [
        {"name": "WhitespaceTokenizer"},
        {"name": "RegexFeaturizer", "case_sensitive": False},
        {"name": "LexicalSyntacticFeaturizer"},
        {"name": "CountVectorsFeaturizer"},
        {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
        {
            "name": "DIETClassifier",
            "epochs": epochs,
            "number_of_transformer_layers": 0,
            "hidden_layers_sizes": {"text": [256, 128]},
            "constrain_similarities": True,
            "entity_recognition": False,
            "random_seed": 42,
        },
    ]
    return {"recipe": "default.v1", "language": "en", "pipeline": pipeline, "assistant_id": "daleel_bench_diet"}


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


@dataclass
class Trained:
    model: Path
    train_s: float
    cached: bool
    examples: dict[str, int]


def train(catalogue: Catalogue, epochs: int = EPOCHS, force: bool = False, log=print) -> Trained:
    data, counts = training_data(catalogue)
    nlu_text, config_text = _dump(data), _dump(nlu_config(epochs))
    digest = hashlib.sha256((nlu_text + "\0" + config_text).encode("utf-8")).hexdigest()[:12]
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "nlu.yml").write_text(nlu_text, encoding="utf-8")
    (WORK / "config.yml").write_text(config_text, encoding="utf-8")
    name = f"diet-{digest}"
    model, record = WORK / "models" / f"{name}.tar.gz", WORK / "models" / f"{name}.json"
    if model.exists() and record.exists() and not force:
        return Trained(model, json.loads(record.read_text())["train_s"], True, counts)
    log(
        f"==> training DIET ({sum(counts.values())} examples, {len(counts)} intents, {epochs} epochs); "
        f"log: {WORK / 'train.log'}"
    )
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    env.pop("PYTHONPATH", None)  # the Rasa venv must not see the app's modules
    started = time.perf_counter()
    with open(WORK / "train.log", "w", encoding="utf-8") as out:
        status = subprocess.call(
            [
                str(RASA_VENV / "bin" / "rasa"),
                "train",
                "nlu",
                "--nlu",
                "nlu.yml",
                "--config",
                "config.yml",
                "--out",
                "models",
                "--fixed-model-name",
                name,
            ],
            cwd=WORK,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    train_s = time.perf_counter() - started
    if status != 0 or not model.exists():
        raise RuntimeError(f"rasa train nlu failed ({status}); see {WORK / 'train.log'}")
    record.write_text(
        json.dumps(
            {"train_s": round(train_s, 1), "epochs": epochs, "examples": counts, "load_average": os.getloadavg()}
        ),
        encoding="utf-8",
    )
    return Trained(model, round(train_s, 1), False, counts)


class DietPeer:
    name = "Rasa DIET (intent per entity)"

    def __init__(self, catalogue: Catalogue, trained: Trained):
        self.trained = trained
        self.services = EntityServices(catalogue)
        self.load_s: float | None = None

    def parse(self, requests: list[dict], rounds: int) -> dict[str, dict]:
        """Intent rankings and parse times (ms) per request id, from one Rasa process."""
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}
        env.pop("PYTHONPATH", None)
        payload = "".join(json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) + "\n" for r in requests)
        done = subprocess.run(
            [
                str(RASA_VENV / "bin" / "python"),
                str(Path(__file__).with_name("diet_parse.py")),
                "--model",
                str(self.trained.model),
                "--rounds",
                str(rounds),
            ],
            input=payload,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=WORK,
        )
        if done.returncode != 0:
            sys.stderr.write(done.stderr[-4000:])
            raise RuntimeError(f"diet_parse.py failed ({done.returncode})")
        parsed = {}
        for line in done.stdout.splitlines():
            if not line.startswith("{"):
                continue  # anything Rasa or TensorFlow printed on stdout
            row = json.loads(line)
            if "load_s" in row:
                self.load_s = row["load_s"]
            else:
                parsed[row["id"]] = row
        return parsed

    def answer(self, text: str, request_id: str | None, ranking: list) -> RouteAnswer:
        if not ranking or ranking[0][0] == "out_of_scope":
            return out_of_scope(text, request_id)
        ranked = self.services.ranked(text, ranking[0][0])
        if not ranked:
            return out_of_scope(text, request_id)
        confidence = float(ranking[0][1])
        return answer(text, request_id, [(s, confidence * score) for s, score in ranked])
