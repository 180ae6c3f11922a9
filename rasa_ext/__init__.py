"""Runs Rasa 3.6 (in .venv-rasa) with Daleel's fixes and access rules: `python -m rasa_ext <rasa arguments>`."""
