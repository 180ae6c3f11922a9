"""A real running stack for end-to-end tests: action server, Rasa server and the FastAPI app,
on their own ports, sharing one temporary SQLite database (started once per test session)."""
from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "daleel.tar.gz"


def free_port() -> int:
    """A port free right now on the loopback (several test runs may share this machine)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveStack:
    app_url: str
    rasa_url: str
    database_url: str
    logs: Path

    def say(self, sender: str, text: str) -> list[dict]:
        """One customer message through the Rasa REST webhook; the bot's messages back."""
        response = httpx.post(f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                              timeout=30)
        response.raise_for_status()
        return response.json()


def _wait(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early; see {log}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not start within {seconds:.0f} s; see {log}")


def start(workdir: Path) -> tuple[LiveStack, list[subprocess.Popen]]:
    if not MODEL.exists():
        raise RuntimeError(f"no trained model at {MODEL}: run `make train` (make test does it)")
    database_url = f"sqlite:///{workdir / 'live.db'}"
    actions_port, rasa_port, app_port = free_port(), free_port(), free_port()
    env = {**os.environ, "DALEEL_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT),
           "DALEEL_ACTION_ENDPOINT": f"http://127.0.0.1:{actions_port}/webhook",
           "DALEEL_RASA_URL": f"http://127.0.0.1:{rasa_port}"}
    commands = {
        "actions": ([str(ROOT / ".venv/bin/python"), "-m", "rasa_sdk", "--actions", "actions",
                     "--port", str(actions_port)], f"http://127.0.0.1:{actions_port}/health"),
        "rasa": ([str(ROOT / ".venv-rasa/bin/rasa"), "run", "--enable-api", "--model", str(MODEL),
                  "--port", str(rasa_port), "--interface", "127.0.0.1", "--endpoints", "tests/rasa/endpoints.yml",
                  "--credentials", "credentials.yml"], f"http://127.0.0.1:{rasa_port}/status"),
        "app": ([str(ROOT / ".venv/bin/uvicorn"), "bot.api.main:app", "--port", str(app_port),
                 "--host", "127.0.0.1"], f"http://127.0.0.1:{app_port}/healthz"),
    }
    processes = []
    for name, (command, _) in commands.items():
        log = workdir / f"{name}.log"
        processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT))
    try:
        for (name, (_, url)), process in zip(commands.items(), processes):
            _wait(url, process, workdir / f"{name}.log", 240)
    except Exception:
        stop(processes)
        raise
    stack = LiveStack(f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{rasa_port}", database_url, workdir)
    return stack, processes


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
