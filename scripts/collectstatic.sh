#!/usr/bin/env bash
# Collect the static files into STATIC_ROOT (var/static) for WhiteNoise or nginx: `make run`,
# `make serve` and a production install (as the app user, with the env file) run it.
# The vendor packages ship builds no page loads (source maps, ES modules, RTL, bundled libraries):
# about 70 MB left out of hashing and compression. tom-select: only its complete minified build and CSS.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
ignores=()
for p in '*.map' '*.mjs' '*.ts' '*.esm.*' '*.rtl.*' package.json libs types extension echarts.js 'echarts.common*' \
  'echarts.simple*' tabler.js tabler.css 'tabler-*' cjs esm scss plugins 'tom-select.base*' 'tom-select.popular*' \
  'tom-select.complete.js'; do
  ignores+=("--ignore=$p")
done
exec "$PY" manage.py collectstatic --noinput -v0 "${ignores[@]}" "$@"
