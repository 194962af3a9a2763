# Shared setup steps for scripts/run.sh and scripts/test.sh. Each step is idempotent and fast
# when nothing changed (stamp files under var/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
mkdir -p "$ROOT/var"

say() { printf '\033[1;34m==> %s\033[0m\n' "$*"; }
die() { printf '\033[1;31m!!! %s\033[0m\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = "0" ]; }

apt_install() {
  # Debian packages, only when running as root (as in CI); otherwise say what to install.
  if ! is_root; then die "Please install the Debian package(s): $* (sudo apt-get install $*)"; fi
  if [ ! -f /var/lib/apt/periodic/tuijin-updated ] || [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ]; then
    apt-get update -qq && mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/tuijin-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
  # Django 6.1 needs Python >= 3.12. pyenv shims answer "command not found" for versions that
  # are installed but not selected, so each candidate is run, not just looked up.
  local c
  for c in "${TUIJIN_PYTHON:-}" python3.13 python3.12 python3; do
    [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && python_ok "$c" && { command -v "$c"; return; }
  done
  for c in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
    [ -x "$c" ] && python_ok "$c" && { echo "$c"; return; }
  done
  die "Python >= 3.12 is required (Django 6.1). Install python3.12 or newer (e.g. 'apt-get install python3.12' or 'pyenv install 3.12'), or set TUIJIN_PYTHON=/path/to/python3.12."
}

ensure_venv() {
  # $1 is a hashed lock (requirements.lock or requirements-dev.lock, made by `make lock` from
  # requirements*.txt): every package at its pinned version, each file checked against its hash.
  local reqs="$1" stamp="$ROOT/var/.pip-$(basename "$1").sha"
  if [ ! -x "$PY" ] || ! python_ok "$PY"; then
    local base; base="$(find_python)"
    say "Creating the virtualenv with $base ($("$base" --version 2>&1))"
    rm -rf "$VENV"
    "$base" -m venv "$VENV"
    "$PY" -m pip install -q --upgrade pip
  fi
  local want; want="$(cat requirements*.txt requirements*.lock | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Installing Python packages ($reqs)"
    "$PY" -m pip install -q --disable-pip-version-check --require-hashes -r "$reqs"
    echo "$want" > "$stamp"
  fi
}

ensure_assets() {
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  local stamp="$ROOT/var/.npm.sha" want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Installing front-end assets from the npm registry (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
  fi
}

ensure_messages() {
  # The compiled catalogues are committed; recompile when gettext is available.
  if command -v msgfmt >/dev/null 2>&1; then
    "$PY" manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules
  fi
}

ensure_system_packages() {
  # CJK fonts for the bulletin PDFs and charts; pdftotext for the tests that read PDFs back.
  local missing=()
  [ -d /usr/share/fonts/opentype/noto ] || fc-list 2>/dev/null | grep -qi "Noto Serif CJK" || missing+=(fonts-noto-cjk)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  if [ "${#missing[@]}" -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    apt_install "${missing[@]}"
  fi
}

ensure_pdf_fonts() {
  # Cutting the CJK fonts to the GB2312 set takes a while once; afterwards PDFs render in seconds.
  if [ ! -f "$ROOT/var/fonts/.done" ]; then
    say "Preparing the PDF fonts: cutting 3 CJK fonts to the GB2312 set, about 1–3 minutes, once (each font is reported as it is done)"
    "$PY" manage.py prepare_pdf_fonts && touch "$ROOT/var/fonts/.done"
  fi
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] && return
  say "Installing Debian's chromium for the browser tests"
  apt_install chromium
}

# The keys of a local start (make run, make serve), made once and kept outside git: the secret key,
# and the key that encrypts phone numbers at rest (a Fernet key; losing it loses the numbers).
ensure_local_keys() {
  if [ -z "${SECRET_KEY:-}" ]; then
    [ -s var/secret-key.txt ] || { "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret-key.txt; chmod 600 var/secret-key.txt; }
    export SECRET_KEY="$(cat var/secret-key.txt)"
  fi
  if [ -z "${FIELD_ENCRYPTION_KEY:-}" ]; then
    [ -s var/field-encryption-key.txt ] || { "$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' > var/field-encryption-key.txt; chmod 600 var/field-encryption-key.txt; }
    export FIELD_ENCRYPTION_KEY="$(cat var/field-encryption-key.txt)"
  fi
}

# Plain HTTP on the loopback address: no HTTPS redirect, no secure-only cookies, no HSTS; mail to the console.
loopback_http_env() {
  export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0
  export EMAIL_BACKEND="${EMAIL_BACKEND:-console}"
  export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
}

pg_url_default() { echo "postgres:///tuijin?host=${PGHOST:-/var/run/postgresql}"; }

ensure_postgres() {
  # Prints the PostgreSQL URL the tests should use: TUIJIN_TEST_PG_URL, a postgres DATABASE_URL,
  # or the local server (installed and started here when running as root).
  if [ -n "${TUIJIN_TEST_PG_URL:-}" ]; then echo "$TUIJIN_TEST_PG_URL"; return; fi
  case "${DATABASE_URL:-}" in postgres*) echo "$DATABASE_URL"; return ;; esac
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    say "No PostgreSQL here: installing Debian's postgresql" >&2
    apt_install postgresql
  fi
  if ! pg_isready -q -h "${PGHOST:-/var/run/postgresql}" 2>/dev/null; then
    is_root || die "PostgreSQL is installed but not running; start it or set TUIJIN_TEST_PG_URL."
    local version; version="$(ls /etc/postgresql | sort -V | tail -n1)"
    [ -n "$version" ] || die "PostgreSQL has no cluster; create one with pg_createcluster."
    say "Starting PostgreSQL $version" >&2
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
  fi
  local major; major="$(psql -h "${PGHOST:-/var/run/postgresql}" -d postgres -Atc 'show server_version_num' 2>/dev/null || true)"
  if [ -z "$major" ] && is_root; then
    runuser -u postgres -- createuser --superuser "$(id -un)" >/dev/null 2>&1 || true
    major="$(psql -h "${PGHOST:-/var/run/postgresql}" -d postgres -Atc 'show server_version_num' 2>/dev/null || true)"
  fi
  [ -n "$major" ] || die "Cannot connect to PostgreSQL as $(id -un); set TUIJIN_TEST_PG_URL=postgres://user:pass@host/db."
  [ "$major" -ge 150000 ] || die "PostgreSQL >= 15 is required (found $major)."
  pg_url_default
}
