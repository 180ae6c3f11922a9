"""Command line: `python -m bot route|eval|catalogue|retention ...`."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterable, TextIO

from bot.route import InvalidText, Router, default_router
from bot.route.contract import RouteError
from bot.settings import get_settings
from service_catalog.loader import CatalogueError


def answer_line(router: Router, raw: bytes) -> dict:
    """One JSON line in, one answer (or an error for that line) out."""
    try:
        request = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return RouteError(error=f"line is not valid UTF-8 ({exc.reason} at byte {exc.start})").model_dump()
    except json.JSONDecodeError as exc:
        return RouteError(error=f"line is not valid JSON ({exc.msg})").model_dump()
    if not isinstance(request, dict):
        return RouteError(error="line must be a JSON object").model_dump()
    request_id = request.get("id")
    request_id = None if request_id is None else str(request_id)
    if "text" not in request:
        return RouteError(id=request_id, error="missing field 'text'").model_dump()
    try:
        return router.route(request["text"], request_id).model_dump()
    except InvalidText as exc:
        return RouteError(id=request_id, error=str(exc)).model_dump()


def route_lines(router: Router, lines: Iterable[bytes], out: TextIO) -> int:
    count = 0
    for raw in lines:
        if not raw.strip():
            continue
        out.write(json.dumps(answer_line(router, raw), ensure_ascii=False) + "\n")
        count += 1
    out.flush()
    return count


def _open_input(path: str | None) -> BinaryIO:
    return open(path, "rb") if path else sys.stdin.buffer


def cmd_route(args) -> int:
    router = default_router()
    with _open_input(args.input) as lines:
        route_lines(router, lines, sys.stdout)
    return 0


def cmd_eval(args) -> int:
    router = default_router()
    scorer = Path(args.scorer or get_settings().scorer_path)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as answers:
        with open(args.input, "rb") as lines:
            route_lines(router, lines, answers)
    command = [sys.executable, str(scorer), args.input, answers.name]
    if args.show_misses:
        command.append("--show-misses")
    return subprocess.call(command)


def cmd_catalogue_report(args) -> int:
    from service_catalog.report import print_report

    print_report(sys.stdout)
    return 0


def cmd_catalogue_everyday_words(args) -> int:
    """Everyday-domain words (bot/route/lexicon/everyday_domains.yml) that catalogue names or synonyms use:
    such a word is no evidence for those services, so a reviewer checks the list when adding one."""
    from bot.route.analyse import default_analyser
    from bot.route.index import load_everyday_words
    from service_catalog.loader import default_catalogue

    analyser = default_analyser()
    everyday = load_everyday_words(analyser)
    used: dict[str, set[str]] = {}
    for service in default_catalogue().services:
        for phrase in (service.name_en, service.name_ar, *service.synonyms.all()):
            for unit in analyser.units(phrase):
                if unit.word in everyday:
                    used.setdefault(unit.word, set()).add(service.id)
    for word, services in sorted(used.items(), key=lambda item: (-len(item[1]), item[0])):
        print(f"{word}\t{len(services)}\t{', '.join(sorted(services))}")
    return 0


def cmd_catalogue_import(args) -> int:
    from bot.store import db
    from bot.store.catalogue_import import import_catalogue
    from service_catalog.loader import default_catalogue

    def progress(done: int, total: int) -> None:
        print(f"\r  importing services: {done}/{total}", end="" if done < total else "\n", flush=True)

    with db.session() as session:
        result = import_catalogue(session, default_catalogue(), progress)
    print(f"added {result.added}, updated {result.updated}, unchanged {result.unchanged}, retired {result.retired}")
    return 0


def cmd_scope_fit(args) -> int:
    from bot.route.analyse import default_analyser
    from bot.route.index import ServiceIndex
    from bot.route.learned import LearnedRanker
    from bot.route.scope_fit import fit, write
    from service_catalog.loader import default_catalogue

    model = fit(ServiceIndex(default_catalogue(), default_analyser()), LearnedRanker.load())
    write(model)
    print(f"scope model written: {model['trained_on']}")
    return 0


def cmd_route_model_fit(args) -> int:
    from bot.route.analyse import default_analyser
    from bot.route.journeys import JOURNEY_MODEL_PATH, load_journeys
    from bot.route.learned_fit import fit, fit_journeys, write
    from service_catalog.loader import default_catalogue

    catalogue, analyser = default_catalogue(), default_analyser()
    model = fit(catalogue, analyser)
    write(model)
    print(
        f"learned retriever written: {len(model['service_ids'])} services, {len(model['features'])} features, "
        f"{len(model['weights'])} weights"
    )
    journeys = fit_journeys(load_journeys(), catalogue, analyser)
    write(journeys, JOURNEY_MODEL_PATH)
    print(f"journey model written: {len(journeys['service_ids']) - 1} journeys, {len(journeys['weights'])} weights")
    return 0


def cmd_spool_flush(args) -> int:
    from bot.store.deflections import flush_spool
    from bot.store.spool import get_spool

    written = flush_spool()
    waiting = len(get_spool())
    print(f"wrote {written} queued events; {waiting} still waiting")
    return 0 if not waiting else 3


def cmd_retention(args) -> int:
    from bot.store.retention import apply_retention

    settings = get_settings()
    days = args.days if args.days is not None else settings.retention_days
    if days < 1:
        print("the retention period is at least one day", file=sys.stderr)
        return 2
    report = apply_retention(days, tracker_url=settings.tracker_database_url.get_secret_value())
    print(json.dumps({"days": days, "deleted": report.as_dict()}))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Daleel: route messages to smart channels.")
    commands = parser.add_subparsers(dest="command", required=True)
    route = commands.add_parser("route", help="route JSON lines {id, text} from stdin or --input")
    route.add_argument("--input", help="JSON lines file (default: standard input)")
    route.set_defaults(func=cmd_route)
    evaluate = commands.add_parser("eval", help="route a labelled set and print the shared scorer's figures")
    evaluate.add_argument("--input", required=True)
    evaluate.add_argument("--scorer", help="path of score_route.py (default from settings)")
    evaluate.add_argument("--show-misses", action="store_true")
    evaluate.set_defaults(func=cmd_eval)
    catalogue = commands.add_parser("catalogue", help="catalogue tools")
    catalogue_commands = catalogue.add_subparsers(dest="catalogue_command", required=True)
    report = catalogue_commands.add_parser("report", help="coverage per entity")
    report.set_defaults(func=cmd_catalogue_report)
    everyday = catalogue_commands.add_parser("everyday-words", help="everyday-domain words the catalogue uses")
    everyday.set_defaults(func=cmd_catalogue_everyday_words)
    importing = catalogue_commands.add_parser("import", help="import the catalogue into the database (idempotent)")
    importing.set_defaults(func=cmd_catalogue_import)
    scope = commands.add_parser("scope", help="the model that tells a service request from other messages")
    scope_commands = scope.add_subparsers(dest="scope_command", required=True)
    scope_fit = scope_commands.add_parser("fit", help="fit it on our own messages (bot/route/scope_fit.py)")
    scope_fit.set_defaults(func=cmd_scope_fit)
    learned = commands.add_parser("route-model", help="the learned retriever fused with BM25 (bot/route/learned.py)")
    learned_commands = learned.add_subparsers(dest="route_model_command", required=True)
    learned_fit = learned_commands.add_parser(
        "fit", help="fit it on the catalogue's phrases (bot/route/learned_fit.py)"
    )
    learned_fit.set_defaults(func=cmd_route_model_fit)
    spool = commands.add_parser("spool", help="deflection events queued while the database was down")
    spool_commands = spool.add_subparsers(dest="spool_command", required=True)
    flush = spool_commands.add_parser("flush", help="write the queued events now")
    flush.set_defaults(func=cmd_spool_flush)
    retention = commands.add_parser(
        "retention", help="delete conversations, inbox rows and hand-offs older than DALEEL_RETENTION_DAYS"
    )
    retention.add_argument("--days", type=int, help="instead of DALEEL_RETENTION_DAYS")
    retention.set_defaults(func=cmd_retention)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CatalogueError as exc:
        print(f"catalogue cannot be loaded: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"cannot read input: {exc}", file=sys.stderr)
        return 1
