# LIS Commons: the front door. `make help` lists every target.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run test ci lint format check worker migrate seed messages static clean bench bench-quick

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $(NPM_STAMP); \
	else echo "npm not found: the H5P player and axe-core are not vendored (browser tests will skip)."; fi

# Compiles every locale/*/LC_MESSAGES/django.po (the project's and each app's); Django refuses to run when none exists yet.
COMPILEMESSAGES := if find . \( -path ./.venv -o -path ./node_modules \) -prune -o -name '*.po' -print | grep -q .; then \
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0; fi

install: $(STAMP) $(NPM_STAMP) ## Create the virtualenv and install the Python and front-end packages

static: $(NPM_STAMP) ## Vendor front-end packages from node_modules into static/vendor
	@if [ -d node_modules/h5p-standalone/dist ]; then mkdir -p static/vendor/h5p-standalone && cp -r node_modules/h5p-standalone/dist/. static/vendor/h5p-standalone/; fi

run: export SITE_URL ?= http://$(HOST):$(PORT)
run: $(STAMP) static ## Set up and serve the demo on http://127.0.0.1:8000 (SQLite, eager Celery; PORT=... to move it)
	$(BIN)/python manage.py migrate --noinput
	@$(COMPILEMESSAGES)
	$(BIN)/python manage.py seed_demo
	@# No broker here, so no beat: run_periodic runs the beat schedule (scheduled publishing, ...) beside the server.
	@$(BIN)/python manage.py run_periodic & periodic=$$!; trap 'kill $$periodic 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP) static ## Run the whole suite (SQLite by default; PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL are set)
	@$(COMPILEMESSAGES)
	@test -x /usr/bin/chromium || echo "Chromium is not installed: browser tests will be skipped (apt-get install chromium)."
	$(BIN)/pytest $(PYTEST_ARGS)

ci: ## Run what CI runs (.ci/run: system packages, services, lint, both test runs; needs root for apt-get)
	bash .ci/run

lint: $(STAMP) ## ruff lint and format check, Django checks, migrations check, import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

format: $(STAMP) ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: $(STAMP) ## Celery worker with beat (needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0)
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0)"; exit 2; }
	$(BIN)/celery -A lms worker --beat --loglevel=info --concurrency=2

migrate: $(STAMP) ## Apply database migrations
	$(BIN)/python manage.py migrate --noinput

seed: $(STAMP) ## Load the demo content (safe to run twice)
	$(BIN)/python manage.py seed_demo

APPS_WITH_CATALOGUES := accounts cms h5p courses certificates webinars voting
messages: $(STAMP) ## Extract translatable strings into locale/ru (templates, lms) and each app's <app>/locale/ru
	$(BIN)/python manage.py makemessages -l ru --no-obsolete --ignore=.venv --ignore=node_modules --ignore=staticfiles \
		--ignore=tests --ignore=bench --ignore=webinars --ignore=voting $(addprefix --ignore=,$(APPS_WITH_CATALOGUES))
	@for app in $(APPS_WITH_CATALOGUES); do (cd $$app && ../$(BIN)/django-admin makemessages -l ru --no-obsolete); done

bench: $(STAMP) ## Benchmarks, full (long; once, on a quiet machine): results in bench/results.md and .json
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-quick: $(STAMP) ## Benchmarks on small data with few requests (CI runs it): bench/results-quick.md and .json
	$(BIN)/python -m bench --quick $(BENCH_ARGS)

clean: ## Remove the virtualenv, node_modules, collected static files and the SQLite database
	rm -rf $(VENV) node_modules staticfiles static/vendor db.sqlite3 db.sqlite3-*
