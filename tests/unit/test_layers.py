"""The house's plan holds: the import-linter contracts of pyproject.toml, and no import cycle."""

import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "actions", "service_catalog", "rasa_ext", "devtools")


def test_import_contracts_are_kept():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    done = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "broken" in done.stdout and " 0 broken" in done.stdout


def _cycle(graph) -> list[str] | None:
    """One cycle of module imports, or None (iterative depth-first search)."""
    state: dict[str, int] = {}
    for start in sorted(graph.modules):
        if state.get(start):
            continue
        stack = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        path, state[start] = [start], 1
        while stack:
            module, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[module] = 2
            elif state.get(child) == 1:
                return path[path.index(child) :] + [child]
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
    return None


def test_no_import_cycle():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    assert _cycle(graph) is None


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for a, b in (("x.a", "x.b"), ("x.b", "x.c"), ("x.c", "x.a")):
        graph.add_import(importer=a, imported=b)
    assert _cycle(graph) == ["x.a", "x.b", "x.c", "x.a"]
