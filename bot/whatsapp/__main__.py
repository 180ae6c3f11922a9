"""`python -m bot.whatsapp resend`: send the replies waiting in the outbox (e.g. from cron)."""
from __future__ import annotations

import argparse
import json
import logging

from bot.settings import get_settings
from bot.whatsapp.graph import GraphClient
from bot.whatsapp.outbox import resend


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.whatsapp", description=__doc__)
    parser.add_argument("command", choices=["resend"], help="resend the replies kept in the outbox")
    parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    report = resend(GraphClient.from_settings(get_settings()))
    print(json.dumps({"sent": report.sent, "failed": report.failed, "pending": report.pending}))
    return 0 if report.failed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
