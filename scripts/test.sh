#!/usr/bin/env bash
# Set up and run the whole suite: ruff, the dependency lock, migrations check, pytest on SQLite, the same pytest on
# PostgreSQL, and the browser tests in headless Chromium. Fails on the first red step.
source "$(dirname "$0")/lib.sh"

ensure_venv requirements-dev.lock
ensure_assets
ensure_chromium
ensure_system_packages
export TUIJIN_TESTING=1
ensure_messages
ensure_pdf_fonts

say "ruff"
"$VENV/bin/ruff" format --check .
"$VENV/bin/ruff" check .

say "dependency lock (offline: the locks match requirements*.txt, the virtualenv matches the lock)"
"$PY" scripts/check_lock.py requirements-dev.lock

say "migrations are up to date"
"$PY" manage.py makemigrations --check --dry-run -v1

PG_URL="$(ensure_postgres)" || die "PostgreSQL is required for the test suite and none could be had."
WORKERS="${TUIJIN_TEST_WORKERS:-2}"

say "pytest on SQLite"
DATABASE_URL="sqlite:///$ROOT/var/test.sqlite3" "$PY" -m pytest -m "not e2e" -n "$WORKERS" -q "$@"

say "pytest on PostgreSQL ($PG_URL)"
DATABASE_URL="$PG_URL" "$PY" -m pytest -m "not e2e" -n "$WORKERS" -q "$@"

say "browser tests (headless Chromium)"
# A file database, not SQLite's shared in-memory one: the live server answers the browser's
# parallel requests (pages, charts) on several threads, each with its own connection.
rm -f "$ROOT"/var/e2e-test.sqlite3*
DATABASE_URL="sqlite:///$ROOT/var/test.sqlite3" TUIJIN_SQLITE_TEST_NAME="$ROOT/var/e2e-test.sqlite3" \
  DJANGO_ALLOW_ASYNC_UNSAFE=1 "$PY" -m pytest -m e2e -q "$@"
