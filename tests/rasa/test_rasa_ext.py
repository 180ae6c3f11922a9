"""rasa_ext: Rasa with the action-response validator built once (runs in .venv-rasa)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa/bin/python"

CHECK = """
import json, sys
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa_ext import action_validation
action_validation.install()
action = RemoteAction("action_find_service", None)
results = {}
for name, response in json.loads(sys.argv[1]).items():
    try:
        results[name] = action._validate_action_result(response)
    except ValidationError as e:
        results[name] = e.message
print(json.dumps(results))
"""

RESPONSES = {
    "valid": {"events": [{"event": "slot", "name": "language", "value": "ar"}], "responses": [{"text": "hi"}]},
    "events_not_a_list": {"events": {"event": "slot"}, "responses": []},
    "unknown_event": {"events": [{"event": "no_such_event"}], "responses": []},
}


@pytest.fixture(scope="module")
def results() -> dict:
    if not RASA_PYTHON.exists():
        pytest.skip("the Rasa environment (.venv-rasa) is not installed: make install")
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", CHECK, json.dumps(RESPONSES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_valid_response_passes(results):
    assert results["valid"] is True


@pytest.mark.parametrize("name", ["events_not_a_list", "unknown_event"])
def test_an_invalid_response_is_refused_with_rasa_s_message(results, name):
    assert isinstance(results[name], str)
    assert "Failed to validate Action server response from API" in results[name]
