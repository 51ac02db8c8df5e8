# The README's two commands: `make demo` and `make test`. Both start with `make install`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-deps demo serve test test-sqlite test-postgres lint messages bench clean

install:
	@uv=$$(scripts/install-uv) && python=$$(scripts/find-python) && "$$uv" sync --frozen --python "$$python"
	@$(PY) manage.py compilemessages --ignore=.venv -v 0 2>/dev/null || echo "(msgfmt missing: using the committed .mo files)"

# Debian packages the tests need: Chromium for the browser tests, PostgreSQL, fonts for PDFs.
system-deps:
	@scripts/install-system-deps

demo: install
	@$(PY) manage.py migrate --no-input -v 0
	@$(PY) manage.py seed_demo
	@$(PY) manage.py collectstatic --no-input -v 0
	@echo
	@echo "Digiplan is running at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@$(PY) manage.py demo_logins
	@$(PY) manage.py runserver $(HOST):$(PORT)

# Production mode: gunicorn, the task worker and PostgreSQL, DEBUG off (scripts/serve;
# docs/operations.md, "Production mode"). Needs SECRET_KEY, ALLOWED_HOSTS, SITE_URL (.env.production).
serve: install
	@scripts/serve

test: install system-deps lint
	@$(PY) manage.py collectstatic --no-input -v 0
	@echo "== Tests on SQLite =="
	@DATABASE_URL= $(PY) -m pytest -q -rs $(PYTEST_ARGS)
	@echo "== Tests on PostgreSQL =="
	@source scripts/start-postgres && $(PY) -m pytest -q -rs $(PYTEST_ARGS)

# The same checks run before each commit (.pre-commit-config.yaml).
lint:
	@.venv/bin/ruff check --quiet digiplan tests bench
	@.venv/bin/ruff format --check --quiet digiplan tests bench
	@.venv/bin/mypy digiplan
	@DATABASE_URL= $(PY) manage.py makemigrations --check --dry-run -v 0 || { echo "Models changed without a migration: run manage.py makemigrations."; exit 1; }

messages:
	@$(PY) manage.py makemessages -l sv --ignore=.venv --ignore=tests --ignore=bench
	@$(PY) manage.py compilemessages --ignore=.venv

bench: install
	@$(PY) bench/import_ss12000.py

clean:
	rm -rf .venv staticfiles db.sqlite3
