#!/usr/bin/env bash
# Set up everything and start Tuijin with the demo city on http://127.0.0.1:8000
# (the web app and the background task worker), on the embedded SQLite database.
source "$(dirname "$0")/lib.sh"

ensure_venv requirements.txt
ensure_assets
ensure_system_packages
export DEBUG="${DEBUG:-1}"
ensure_messages
say "Migrating the database (${DATABASE_URL:-embedded SQLite: var/tuijin.sqlite3})"
"$PY" manage.py migrate -v0
ensure_pdf_fonts
"$PY" manage.py load_demo --only-if-empty
# The daily timers (reminders at 09:00 on working days, escalations) keep one task queued.
"$PY" manage.py schedule_timers

say "Starting the task worker and the web app on http://127.0.0.1:8000 (Ctrl-C stops both)"
"$PY" manage.py db_worker --queue-name default &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
"$PY" manage.py runserver 127.0.0.1:8000
