"""Whole processes in production with unsafe settings: the action server and the app do not start,
and say which variables to set (bot/settings.py: check_production)."""

import os
import subprocess
import time

import httpx

from devtools.live import ROOT, free_port
from tests.support.production import PRODUCTION_ENV


def environment(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DALEEL_")}
    env.update({**PRODUCTION_ENV, "PYTHONPATH": str(ROOT), "DALEEL_DATABASE_URL": "sqlite:///:memory:"})
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def refused(command: list[str], env: dict[str, str]) -> str:
    """The process exits by itself, unsuccessfully; its output."""
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=180)
    assert result.returncode != 0
    return (result.stdout + result.stderr).decode()


def actions_command(port: int) -> list[str]:
    return [str(ROOT / ".venv/bin/python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)]


def app_command(port: int) -> list[str]:
    return [str(ROOT / ".venv/bin/uvicorn"), "bot.api.main:app", "--port", str(port), "--no-proxy-headers"]


def test_the_action_server_refuses_the_default_salt_and_starts_with_a_real_one():
    output = refused(actions_command(free_port()), environment(DALEEL_CONVERSATION_SALT=None))
    assert "refusing to start in production" in output
    assert "DALEEL_CONVERSATION_SALT has the published development value" in output
    # Only the salt: the action server holds no other secret.
    port = free_port()
    started = subprocess.Popen(
        actions_command(port),
        cwd=ROOT,
        env=environment(DALEEL_RASA_TOKEN=None, DALEEL_DASHBOARD_TOKEN=None),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert started.poll() is None, "the action server stopped"
            assert time.monotonic() < deadline, "the action server did not start"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
    finally:
        started.terminate()
        try:
            started.wait(20)
        except subprocess.TimeoutExpired:  # as devtools/live.py stops it
            started.kill()
            started.wait(10)


def test_the_app_refuses_the_default_salt_and_every_missing_secret_at_once():
    output = refused(
        app_command(free_port()),
        environment(DALEEL_CONVERSATION_SALT=None, DALEEL_RASA_TOKEN=None, DALEEL_WHATSAPP_APP_SECRET=""),
    )
    assert "refusing to start in production" in output
    assert "DALEEL_CONVERSATION_SALT has the published development value" in output
    assert "DALEEL_RASA_TOKEN is empty" in output and "DALEEL_WHATSAPP_APP_SECRET is empty" in output
    assert "DALEEL_DASHBOARD_TOKEN" not in output  # set: not named


def test_a_misspelt_environment_stops_the_app():
    output = refused(app_command(free_port()), environment(DALEEL_ENVIRONMENT="prod"))
    assert "environment" in output and "'development' or 'production'" in output
