"""rasa_ext: Rasa with the action-response validator built once, and REST turns that failed answered 503
(both run in .venv-rasa)."""

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


# Rasa's REST channel on a real Sanic server, with a turn that raises as it does while Redis (the lock
# store) is unreachable, one that answers, and one with nothing to say.
TURNS = """
import asyncio, json, socket, sys
import aiohttp
from sanic import Sanic
from rasa.core.channels.rest import RestInput
from rasa_ext import turn_failures

turn_failures.install()


async def on_new_message(message):
    if message.text == "fail":
        raise ConnectionError("lock store unreachable")
    if message.text == "hi":
        await message.output_channel.send_text_message(message.sender_id, "hello")


async def main():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = Sanic("turn_failures_check")
    app.blueprint(RestInput().blueprint(on_new_message), url_prefix="/webhooks/rest")
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    answers = []
    async with aiohttp.ClientSession() as session:
        for text in sys.argv[1:]:
            url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
            async with session.post(url, json={"sender": "s", "message": text}) as response:
                answers.append([response.status, await response.json()])
    server.close()
    await server.wait_closed()
    print(json.dumps(answers))


asyncio.run(main())
"""


def test_a_failed_rest_turn_answers_503_and_the_next_turn_is_not_affected():
    if not RASA_PYTHON.exists():
        pytest.skip("the Rasa environment (.venv-rasa) is not installed: make install")
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", TURNS, "hi", "fail", "hi", "quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    hello = [200, [{"recipient_id": "s", "text": "hello"}]]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [
        hello,
        [503, {"status": "failure", "reason": "TurnFailed"}],  # was 200 [] (Rasa logs the error and goes on)
        hello,
        [200, []],  # a turn with nothing to say is still 200 []
    ]
