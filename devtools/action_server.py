"""The action server as `python -m rasa_sdk` does it, for the live stack, with more time for its workers
to start: Sanic gives them 30 s and then kills them all, which a loaded 2-core machine overruns."""

from __future__ import annotations

import runpy

from sanic.worker.manager import WorkerManager

WorkerManager.THRESHOLD = 3000  # tenths of a second: 5 minutes, the stack's own start-up wait

if __name__ == "__main__":
    runpy.run_module("rasa_sdk", run_name="__main__", alter_sys=True)
