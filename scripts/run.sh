#!/usr/bin/env bash
# Starts the action server, the Rasa server, the FastAPI app and the WhatsApp follow-up worker; Ctrl-C stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/log
APP_PORT=${DALEEL_APP_PORT:-8000}
RASA_PORT=${DALEEL_RASA_PORT:-5005}
ACTIONS_PORT=${DALEEL_ACTIONS_PORT:-5055}
HOST=${DALEEL_HOST:-127.0.0.1}
# Rasa is for the app only: loopback (or a private interface), its token from the environment
# (a new random one per run unless set; rasa_ext reads it, so it is never on a command line), no
# cross-origin requests unless DALEEL_APP_ORIGINS lists the app's origins (browsers call the app).
export DALEEL_RASA_HOST=${DALEEL_RASA_HOST:-127.0.0.1}
export DALEEL_RASA_URL=${DALEEL_RASA_URL:-http://$DALEEL_RASA_HOST:$RASA_PORT}
if [ -z "${DALEEL_RASA_TOKEN:-}" ]; then
  DALEEL_RASA_TOKEN=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))')
fi
export DALEEL_RASA_TOKEN

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "==> stopping"
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

echo "==> database: alembic upgrade head"
.venv/bin/alembic upgrade head

.venv/bin/python -m rasa_sdk --actions actions --port "$ACTIONS_PORT" >var/log/actions.log 2>&1 &
pids+=($!)
PYTHONPATH="$PWD" .venv-rasa/bin/python -m rasa_ext run --enable-api --model models/daleel.tar.gz --port "$RASA_PORT" \
  --endpoints endpoints.yml --credentials credentials.yml >var/log/rasa.log 2>&1 &
pids+=($!)
# --no-proxy-headers: uvicorn would believe X-Forwarded-For from 127.0.0.1; the app believes only
# DALEEL_FORWARDED_ALLOW_IPS (bot/api/main.py).
.venv/bin/uvicorn bot.api.main:app --host "$HOST" --port "$APP_PORT" --no-proxy-headers >var/log/app.log 2>&1 &
pids+=($!)
# WhatsApp's "did it work?" follow-ups from the database schedule (each due one is leased by one worker).
.venv/bin/python -m bot.channels.whatsapp followups >var/log/followups.log 2>&1 &
pids+=($!)

echo "==> waiting for the services (Rasa takes about 30 s to load its model)"
for url in "http://$HOST:$APP_PORT/healthz" "http://$HOST:$ACTIONS_PORT/health" "http://$DALEEL_RASA_HOST:$RASA_PORT/"; do
  for _ in $(seq 1 120); do
    curl -fsS "$url" >/dev/null 2>&1 && break
    sleep 1
  done
done
cat <<MSG
==> Daleel is running (logs in var/log/):
    FastAPI app       http://$HOST:$APP_PORT   (route API: POST /api/v1/route, docs: /docs)
    Rasa server       http://$DALEEL_RASA_HOST:$RASA_PORT  (for the app only: every request needs DALEEL_RASA_TOKEN)
    Action server     http://$HOST:$ACTIONS_PORT
    Follow-up worker  WhatsApp's "did it work?" messages (var/log/followups.log)
    Press Ctrl-C to stop all of them.
MSG
wait -n "${pids[@]}" || true
echo "==> a service stopped; see var/log/" >&2
