#!/usr/bin/env bash
# PostgreSQL and Redis for the integration tests: start them when this machine has them but they
# are not running (this machine kind starts both before a session; CI reuses them).
set -uo pipefail
if command -v pg_ctlcluster >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "==> starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
fi
if command -v redis-server >/dev/null && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  echo "==> starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi
pg_isready -h 127.0.0.1 -p 5432 -q && echo "==> PostgreSQL ready" || echo "==> PostgreSQL not available: its tests will say they are skipped"
redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && echo "==> Redis ready" || echo "==> Redis not available: its tests will say they are skipped"
exit 0
