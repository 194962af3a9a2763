.DEFAULT_GOAL := help
.PHONY: help run serve test lint format demo bench lock backup restore-drill

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

run: ## Set up and start Tuijin with the demo city on http://127.0.0.1:8000 (web + task worker)
	@bash scripts/run.sh

serve: ## The production processes here: gunicorn (deploy/gunicorn.conf.py), worker(s), scheduler; DEBUG off
	@bash scripts/serve.sh

test: ## Set up and run every check: ruff, pytest on SQLite and PostgreSQL, browser tests
	@bash scripts/test.sh

lint: ## ruff format + ruff check --fix
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

demo: ## (Re)load the demo city into the database and print the logins
	DEBUG=1 .venv/bin/python manage.py load_demo

lock: ## Re-pin the hashed lock files from requirements*.txt (needs the package index; then commit them)
	.venv/bin/uv pip compile --universal --python-version 3.12 --generate-hashes --quiet requirements.txt -o requirements.lock
	.venv/bin/uv pip compile --universal --python-version 3.12 --generate-hashes --quiet requirements-dev.txt \
	  -c requirements.lock -o requirements-dev.lock

backup: ## Back up the DATABASE_URL database (pg_dump), MEDIA_ROOT and the settings into var/backups/<time>/
	.venv/bin/python scripts/backup.py

restore-drill: ## Restore the latest backup into a fresh database and media folder, start the app, compare
	.venv/bin/python scripts/restore_drill.py
