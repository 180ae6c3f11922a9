"""`.venv-rasa/bin/python -m rasa_ext run ...`: the `rasa` command with Daleel's fixes installed."""

import sys

from rasa_ext import action_validation

action_validation.install()

from rasa.__main__ import main  # noqa: E402  (after the fixes are in place)

if __name__ == "__main__":
    sys.argv[0] = "rasa"
    main()
