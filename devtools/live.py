"""A real running stack for end-to-end tests: action server, Rasa server(s) and the FastAPI app,
on free ports, sharing one database (SQLite by default)."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

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
    rasa_urls: list[str]
    database_url: str
    logs: Path
    rasa_token: str = field(default="", repr=False)
    processes: list[subprocess.Popen] = field(default_factory=list, repr=False)

    @property
    def rasa_url(self) -> str:
        return self.rasa_urls[0]

    @property
    def rasa_headers(self) -> dict[str, str]:
        """What the app sends Rasa (bot/channels/rasa.py): the stack's token."""
        return {"Authorization": f"Bearer {self.rasa_token}"}

    def say(self, sender: str, text: str, server: int = 0) -> list[dict]:
        """One customer message through a Rasa server's REST webhook; the bot's messages back."""
        response = httpx.post(
            f"{self.rasa_urls[server]}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            headers=self.rasa_headers,
            timeout=30,
        )
        response.raise_for_status()
        return response.json()


def _wait(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url.split('?')[0]} exited early; see {log}:\n{log.read_text()[-3000:]}")
        try:
            status = httpx.get(url, timeout=2).status_code
            if status in (401, 403):
                raise RuntimeError(f"{url.split('?')[0]} refused the stack's token ({status}); see {log}")
            if status < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url.split('?')[0]} did not start within {seconds:.0f} s; see {log}")


def start(
    workdir: Path,
    database_url: str | None = None,
    rasa_servers: int = 1,
    endpoints: str = "tests/rasa/endpoints.yml",
    env: dict[str, str] | None = None,
) -> LiveStack:
    if not MODEL.exists():
        raise RuntimeError(f"no trained model at {MODEL}: run `make train` (make test does it)")
    database_url = database_url or f"sqlite:///{workdir / 'live.db'}"
    migrate(database_url)
    actions_port, app_port = free_port(), free_port()
    rasa_ports = [free_port() for _ in range(rasa_servers)]
    environment = {
        **os.environ,
        "DALEEL_DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "DALEEL_SPOOL_PATH": str(workdir / "spool.db"),
        "DALEEL_ACTION_ENDPOINT": f"http://127.0.0.1:{actions_port}/webhook",
        "DALEEL_RASA_URL": f"http://127.0.0.1:{rasa_ports[0]}",
        # A new token per stack, given to the app and to Rasa through the environment (rasa_ext reads it).
        "DALEEL_RASA_TOKEN": secrets.token_urlsafe(24),
        "DALEEL_RASA_HOST": "127.0.0.1",
        **(env or {}),
    }
    rasa_token = environment["DALEEL_RASA_TOKEN"]
    commands = {
        "actions": (
            [
                str(ROOT / ".venv/bin/python"),
                "-m",
                "devtools.action_server",
                "--actions",
                "actions",
                "--port",
                str(actions_port),
            ],
            f"http://127.0.0.1:{actions_port}/health",
        )
    }
    for n, port in enumerate(rasa_ports):
        commands[f"rasa{n}"] = (
            [
                str(ROOT / ".venv-rasa/bin/python"),
                "-m",
                "rasa_ext",
                "run",
                "--enable-api",
                "--model",
                str(MODEL),
                "--port",
                str(port),
                "--endpoints",
                endpoints,
                "--credentials",
                "credentials.yml",
            ],
            f"http://127.0.0.1:{port}/status?token={rasa_token}",
        )
    commands["app"] = (
        [
            str(ROOT / ".venv/bin/uvicorn"),
            "bot.api.main:app",
            "--port",
            str(app_port),
            "--host",
            "127.0.0.1",
            "--no-proxy-headers",  # as scripts/run.sh: only DALEEL_FORWARDED_ALLOW_IPS is believed
        ],
        f"http://127.0.0.1:{app_port}/healthz",
    )
    stack = LiveStack(
        f"http://127.0.0.1:{app_port}",
        [f"http://127.0.0.1:{p}" for p in rasa_ports],
        database_url,
        workdir,
        rasa_token=rasa_token,
    )
    for name, (command, _) in commands.items():
        log = (workdir / f"{name}.log").open("w")
        # A session of its own: Sanic (the action server, Rasa) gives up on workers that do not start
        # within 30 s, as on a loaded machine, with os.killpg(SIGKILL), which took pytest down with it.
        stack.processes.append(
            subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        )
    try:
        for (name, (_, url)), process in zip(commands.items(), stack.processes):
            _wait(url, process, workdir / f"{name}.log", 300)
    except Exception:
        stop(stack)
        raise
    return stack


def alembic_config(database_url: str):
    """Alembic's configuration for one database (migrations/env.py reads the URL from it)."""
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["url"] = database_url
    return config


def migrate(database_url: str) -> None:
    """`alembic upgrade head` on the stack's database, as `make run` does: the app never creates tables."""
    from alembic import command

    command.upgrade(alembic_config(database_url), "head")


def stop(stack: LiveStack) -> None:
    """Each process leads a session of its own (start): signalling its group stops its workers too."""
    for process in stack.processes:
        _signal_group(process, signal.SIGTERM)
    for process in stack.processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)


def _signal_group(process: subprocess.Popen, number: int) -> None:
    try:
        os.killpg(process.pid, number)
    except ProcessLookupError:  # already gone, workers and all
        pass


# --- throwaway PostgreSQL databases (tests and benchmarks) ------------------------------------

POSTGRES_ADMIN_URL = os.environ.get("DALEEL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_url(name: str) -> str:
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def query(database_url: str, sql: str, **params) -> list:
    """The rows of one SQL query, on an engine of its own (disposed after): tests read what the stack wrote."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).all()
    finally:
        engine.dispose()


def _admin_execute(statement: str) -> None:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(statement))
    finally:
        admin.dispose()


def create_database(name: str) -> str:
    """A new empty database; its URL. Raises sqlalchemy's OperationalError when PostgreSQL is not there."""
    _admin_execute(f'CREATE DATABASE "{name}"')
    return postgres_url(name)


def drop_database(name: str) -> None:
    _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
