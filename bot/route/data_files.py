"""The route core's data files (lexicons, thesaurus, journeys) read with libyaml when it is there: the
pure-Python parser took 1.7 s of the route core's start-up for five files."""

from __future__ import annotations

from pathlib import Path

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
