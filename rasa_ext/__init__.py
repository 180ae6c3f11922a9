"""Runs Rasa 3.6 (in .venv-rasa) with Daleel's fixes: `python -m rasa_ext <rasa arguments>`."""
