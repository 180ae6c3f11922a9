#!/usr/bin/env bash
# The whole suite: lint (ruff, layer contracts), Rasa data validation, Rasa test stories (against a
# real action server), then every pytest folder with PostgreSQL and Redis required.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/log results
bash scripts/services.sh

echo "==> lint: ruff check, ruff format --check, lint-imports (make lint)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports --no-cache

echo "==> rasa data validate"
.venv-rasa/bin/rasa data validate

echo "==> Rasa test stories (--fail-on-prediction-errors)"
.venv/bin/python -m devtools.action_server --actions actions --port 5056 >var/log/test-actions.log 2>&1 &
actions=$!
trap 'kill $actions 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fsS http://127.0.0.1:5056/health >/dev/null 2>&1 && break; sleep 1; done
DALEEL_ACTION_ENDPOINT=http://127.0.0.1:5056/webhook \
  PYTHONPATH="$PWD" .venv-rasa/bin/python -m rasa_ext test core --model models/daleel.tar.gz --stories tests/rasa \
  --endpoints tests/rasa/endpoints.yml --fail-on-prediction-errors --out results/core
kill $actions 2>/dev/null || true

echo "==> pytest: unit, api, store, channels, actions, e2e (live stack), browser, rasa"
.venv/bin/python -m pytest tests -rs --require-services "$@"
