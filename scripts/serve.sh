#!/usr/bin/env bash
# `make serve`: the production processes on this machine, as the systemd units run them
# (deploy/systemd): gunicorn with deploy/gunicorn.conf.py, and with TASK_BROKER_URL set a Celery
# worker (tuijin-worker@) and the scheduler (tuijin-scheduler); without it the database worker.
# DEBUG off, static files collected; plain HTTP on the loopback address (no TLS: nginx does that).
# Uses DATABASE_URL (default: the embedded SQLite file), loads no demo data. Ctrl-C stops all.
source "$(dirname "$0")/lib.sh"

PORT="${PORT:-8000}"
case "$PORT" in ''|*[!0-9]*) die "PORT must be a number, e.g. PORT=8001 make serve" ;; esac
ensure_venv requirements.lock
ensure_assets

ensure_local_keys
export DEBUG=0
loopback_http_env
export GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS="${GUNICORN_WORKERS:-2}"

say "Migrating the database (${DATABASE_URL:-embedded SQLite: var/tuijin.sqlite3})"
"$PY" manage.py migrate -v0
say "Collecting the static files"
PY="$PY" bash scripts/collectstatic.sh
"$PY" manage.py recover_claims

PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; wait' EXIT INT TERM
if [ -n "${TASK_BROKER_URL:-}" ]; then
  QUEUE="${TASK_QUEUE:-tuijin}"
  say "Starting a Celery worker (queue $QUEUE) and the scheduler"
  "$VENV/bin/celery" -A tuijin.core.taskqueue worker -Q "$QUEUE" -n "serve-$QUEUE@%h" \
    --concurrency "${WORKER_CONCURRENCY:-2}" --without-gossip --without-mingle --loglevel INFO &
  PIDS+=($!)
  "$PY" manage.py run_scheduler &
  PIDS+=($!)
else
  say "Starting the database task worker (TASK_BROKER_URL not set)"
  "$PY" manage.py schedule_timers
  "$PY" manage.py db_worker --queue-name default &
  PIDS+=($!)
fi
say "Starting gunicorn on http://127.0.0.1:$PORT (/healthz, /readyz; Ctrl-C stops everything)"
"$VENV/bin/gunicorn" --config deploy/gunicorn.conf.py &
PIDS+=($!)
wait -n "${PIDS[@]}"
