"""Daleel custom actions (rasa-sdk). One module per action; shared helpers in common.py.

Run: .venv/bin/python -m rasa_sdk --actions actions --port 5055
No customer-facing text lives here: every message is a domain response
(utter_*) filled with template variables taken from the service catalogue.
"""

from bot.settings import ACTION_SERVER_SECRETS, check_production, get_settings
from bot.text.redact import install_log_redaction

# In production a published salt would make the stored conversation hashes reversible by anyone:
# the action server does not start (rasa_sdk imports this package before it serves).
check_production(get_settings(), ACTION_SERVER_SECRETS)
install_log_redaction()  # no phone numbers or e-mails in the action server's logs either

# Build the catalogue index while the server starts, not inside the first customer's message.
# bm25s shows progress with tqdm, whose default lock is a multiprocessing RLock: creating it fixes the
# start method to "fork", and the action server's Sanic then refuses to start ("Start method 'spawn'
# was requested, but 'fork' was already set"). A thread lock is all tqdm needs here.
import threading  # noqa: E402

from tqdm import tqdm  # noqa: E402

from bot.route import default_router  # noqa: E402

tqdm.set_lock(threading.RLock())
default_router()
