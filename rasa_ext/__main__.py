"""`.venv-rasa/bin/python -m rasa_ext run ...`: the `rasa` command with Daleel's fixes installed, and
`run` completed from the environment (token, interface, CORS: rasa_ext/server_access.py)."""

import os
import sys

from rasa_ext import action_validation, server_access, turn_failures

action_validation.install()
server_access.install()
turn_failures.install()

from rasa.__main__ import main  # noqa: E402  (after the fixes are in place)

if __name__ == "__main__":
    # The token goes into this process's arguments only: the command line `ps` shows never has it.
    sys.argv = ["rasa", *server_access.run_arguments(sys.argv[1:], os.environ)]
    main()
