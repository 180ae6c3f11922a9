"""Daleel custom actions (rasa-sdk). One module per action; shared helpers in common.py.

Run: .venv/bin/python -m rasa_sdk --actions actions --port 5055
No customer-facing text lives here: every message is a domain response
(utter_*) filled with template variables taken from the service catalogue.
"""

from bot.redact import install_log_redaction

install_log_redaction()  # no phone numbers or e-mails in the action server's logs either

# Build the catalogue index while the server starts, not inside the first customer's message.
from bot.route import default_router  # noqa: E402

default_router()
