#!/usr/bin/env bash
# Set up everything and start Tuijin with the demo city on http://127.0.0.1:${PORT:-8000}
# (the web app under gunicorn and the background task worker), on the embedded SQLite database.
# It runs as production does (DEBUG off, static files collected and served by WhiteNoise, Chinese
# error pages); only TLS is left out, since it listens on this machine's loopback address.
source "$(dirname "$0")/lib.sh"

PORT="${PORT:-8000}"
case "$PORT" in ''|*[!0-9]*) die "PORT must be a number, e.g. PORT=8001 make run" ;; esac
port_busy() { "$PY" -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try: s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError: sys.exit(0)
sys.exit(1)' "$1"; }

ensure_venv requirements.lock
if port_busy "$PORT"; then
  die "Port $PORT is already in use (another Tuijin still running?). Stop it, or choose another port: PORT=$((PORT + 1)) make run"
fi
ensure_assets
ensure_system_packages

ensure_local_keys
export DEBUG="${DEBUG:-0}"
loopback_http_env
# The demo logins are not held at two-factor enrolment (they may enrol to try it); DEMO_TWO_FACTOR=1 to show it enforced.
export DEMO_TWO_FACTOR="${DEMO_TWO_FACTOR:-0}"

ensure_messages
say "Migrating the database (${DATABASE_URL:-embedded SQLite: var/tuijin.sqlite3})"
"$PY" manage.py migrate -v0
say "Collecting the static files"
PY="$PY" bash scripts/collectstatic.sh
ensure_pdf_fonts
"$PY" manage.py load_demo --only-if-empty
# The daily timers (reminders at 09:00 on working days, escalations) keep one task queued.
"$PY" manage.py schedule_timers
# Work a previous worker left half done (killed, out of memory) is retried once or marked failed.
"$PY" manage.py recover_claims

say "Starting the task worker and the web app on http://127.0.0.1:$PORT (Ctrl-C stops both)"
"$PY" manage.py db_worker --queue-name default &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
"$VENV/bin/gunicorn" tuijin.wsgi --bind "127.0.0.1:$PORT" --workers 2 --threads 4 --timeout 120 \
  --access-logfile - --error-logfile -
