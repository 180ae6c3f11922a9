"""What the browser tests share: Debian's Chromium and its flags, the screenshots folder, and the app
under a real uvicorn on a free port."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devtools.live import ROOT, _wait, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ROOT / "var" / "screenshots"


@contextmanager
def app_under_uvicorn(log: Path, ready_path: str, env: dict[str, str], drop: tuple[str, ...] = ()) -> Iterator[str]:
    """The app's URL once `ready_path` answers; `env` is added to this process's environment, `drop` taken
    out of it (DALEEL_ENVIRONMENT always: the tests run the development settings)."""
    port = free_port()
    environment = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    for name in ("DALEEL_ENVIRONMENT", *drop):
        environment.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bot.api.main:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{url}{ready_path}", process, log, 90)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
