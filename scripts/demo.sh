#!/bin/sh
# Run by `make demo` with DATABASE_URL set: migrate, seed the demo banks, serve. Idempotent.
set -e
PORT="${1:-8000}"
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"
$PY manage.py migrate_schemas --shared -v 0
$PY manage.py platform_init
$PY manage.py migrate_schemas --tenant -v 0
$PY manage.py demo_seed --port "$PORT"
# Background work, stopped with the server: uploads (organisation imports), turning tracked
# storefront views into visitors and events, and keeping the daily statistics current.
$PY manage.py db_worker --backend background --interval 1 >.data/worker.log 2>&1 &
WORKER=$!
$PY manage.py insights_ingest >.data/ingest.log 2>&1 &
INGEST=$!
$PY manage.py insights_rollup --follow --interval 30 >.data/rollup.log 2>&1 &
ROLLUP=$!
trap 'kill $WORKER $INGEST $ROLLUP 2>/dev/null' EXIT INT TERM
echo "Serving on http://<bank>.localhost:$PORT/ (Ctrl-C to stop; 'make db-stop' stops the database)"
$PY manage.py runserver "127.0.0.1:$PORT"
