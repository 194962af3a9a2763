#!/usr/bin/env bash
# manage.py as the app user with the production environment, e.g.
#   sudo /opt/tuijin/deploy/manage.sh check --deploy --fail-level WARNING
#   sudo /opt/tuijin/deploy/manage.sh create_admin --role sysadmin --username admin
# TUIJIN_ENV_FILE (default /etc/tuijin/tuijin.env), TUIJIN_USER (default tuijin) and TUIJIN_HOME
# (default: the checkout this script is in) say where. Migrations: export DATABASE_OWNER_URL
# (the owner role's address, kept out of the env file) for `migrate`, see README.
set -euo pipefail
HOME_DIR="${TUIJIN_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
ENV_FILE="${TUIJIN_ENV_FILE:-/etc/tuijin/tuijin.env}"
APP_USER="${TUIJIN_USER:-tuijin}"
[ -r "$ENV_FILE" ] || { echo "manage.sh: cannot read $ENV_FILE (run as root, or set TUIJIN_ENV_FILE)" >&2; exit 1; }

run() {
  cd "$HOME_DIR"
  set -a
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  set +a
  exec "$HOME_DIR/.venv/bin/python" "$HOME_DIR/manage.py" "$@"
}

if [ "$(id -un)" = "$APP_USER" ]; then
  run "$@"
fi
[ "$(id -u)" = "0" ] || { echo "manage.sh: run as root or as $APP_USER" >&2; exit 1; }
# As the app user, with a clean environment: only where to look, and the owner role for migrate.
exec runuser -u "$APP_USER" -- env TUIJIN_ENV_FILE="$ENV_FILE" TUIJIN_USER="$APP_USER" TUIJIN_HOME="$HOME_DIR" \
  ${DATABASE_OWNER_URL:+DATABASE_OWNER_URL="$DATABASE_OWNER_URL"} "$HOME_DIR/deploy/manage.sh" "$@"
