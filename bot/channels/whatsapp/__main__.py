"""`python -m bot.channels.whatsapp resend`: send the replies waiting in the outbox (e.g. from cron).
`python -m bot.channels.whatsapp retry`: process the incoming messages left unfinished in the inbox (the app
also does this at start-up and periodically).
`python -m bot.channels.whatsapp followups`: send the due follow-ups ("did it work?"), every
whatsapp_followup_poll_seconds until stopped (`--once`: one round, e.g. from cron)."""

from __future__ import annotations

import argparse
import json
import logging

from bot.channels.rasa import rest_client
from bot.channels.twilio.client import TwilioClient
from bot.channels.whatsapp import followups
from bot.channels.whatsapp.graph import GraphClient
from bot.channels.whatsapp.inbox import retry_due
from bot.channels.whatsapp.outbox import resend
from bot.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.channels.whatsapp", description=__doc__)
    parser.add_argument(
        "command",
        choices=["resend", "retry", "followups"],
        help="resend the replies kept in the outbox, retry the unfinished incoming messages, or send follow-ups",
    )
    parser.add_argument("--once", action="store_true", help="followups: one round instead of a loop")
    arguments = parser.parse_args(argv)
    command = arguments.command
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    if command == "followups":
        if not arguments.once:
            followups.send_periodically(GraphClient.from_settings(settings), settings)
        sent = followups.send_due(GraphClient.from_settings(settings), settings)
        print(json.dumps({"sent": sent.sent, "cancelled": sent.cancelled, "failed": sent.failed, "retry": sent.retry}))
        return 0 if sent.retry == 0 else 1
    twilio = TwilioClient.from_settings(settings) if settings.twilio_auth_token.get_secret_value() else None
    if command == "retry":
        done = retry_due(
            rest_client(
                settings.rasa_url, settings.rasa_token.get_secret_value(), settings.whatsapp_rasa_timeout_seconds
            ),
            GraphClient.from_settings(settings),
            settings,
            twilio,
        )
        print(
            json.dumps(
                {"answered": done.answered, "retry": done.retry, "gave_up": done.gave_up, "skipped": done.skipped}
            )
        )
        return 0 if done.retry == 0 else 1
    report = resend(GraphClient.from_settings(settings), twilio)
    print(json.dumps({"sent": report.sent, "failed": report.failed, "pending": report.pending}))
    return 0 if report.failed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
