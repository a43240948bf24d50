# The two commands: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# Django 6.1 needs Python 3.12 or newer: take the first one found.
PYTHON_FOR_VENV := $(shell for c in python3.12 python3.13 python3.14 \
	$$HOME/.pyenv/versions/3.12*/bin/python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3.13 \
	/usr/local/bin/python3.12 /usr/bin/python3.12 /usr/bin/python3.13 python3; do \
	if $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	echo $$c; break; fi; done)

.PHONY: help run test lint audit format bench bench-notices vendor check-deploy clean install install-dev chromium

help:
	@echo "make run    run the whole platform with demo data on http://127.0.0.1:8000/"
	@echo "make test   install what the tests need and run every test"
	@echo "make lint   ruff checks (security rules included) and formatting"
	@echo "make audit  check the locked dependencies for known vulnerabilities (pip-audit)"
	@echo "make vendor refresh static/vendor (Bootstrap, htmx) from npm"
	@echo "make bench-notices  how fast a real worker sends 1,000 and 10,000 invitations"
	@echo "make bench  seed a national-scale data set, load-test the main pages (about 15 minutes)"

$(VENV)/bin/python:
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
		echo "Python 3.12 or newer is needed and none was found."; \
		echo "Install it (Debian/Ubuntu: apt-get install python3.12 python3.12-venv; or pyenv install 3.12)"; \
		echo "then run this again."; exit 1; fi
	$(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# The demo: DEBUG on, staff MFA off so the demo logins work at once. Override on the command
# line or in the environment (e.g. DATABASE_URL=postgres://... make run).
run: export DEBUG ?= true
run: export STAFF_MFA_REQUIRED ?= false
run: export PYTHONUNBUFFERED := 1
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo "Starting web, Celery worker and Celery beat. Open http://127.0.0.1:8000/ (Ctrl-C stops all)."
	@echo "Emails are printed here and saved in var/mail/ as .eml files."
	$(VENV)/bin/honcho start -f Procfile.dev

# Debian's Chromium for the browser tests (never a downloaded browser build).
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null || { \
			echo "Could not install chromium. Install it with: apt-get install chromium"; exit 1; }; \
	fi

PYTEST_ARGS ?=
test: install-dev chromium
	$(VENV)/bin/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Known vulnerabilities in the locked dependencies. Needs PyPI's advisory data (internet).
audit: install-dev
	bash scripts/audit.sh

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# How fast a real Celery worker sends 1,000 and 10,000 invitations, and its peak memory. Uses
# the database and broker in the environment (DATABASE_URL, REDIS_URL), or SQLite and the folder
# broker in var/. BENCH_ARGS="--count 1000" for one run.
BENCH_ARGS ?= --compare
bench-notices: export DEBUG ?= true
bench-notices: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py bench_notices $(BENCH_ARGS)

# The platform at national-programme scale (bench/): seeds PostgreSQL (once), serves it with
# gunicorn and production settings, drives each main page with locust and prints the table
# that README.md shows. DATABASE_URL and REDIS_URL default to the local codesign_bench database
# and Redis database 3. BENCH_RUN_ARGS="--force-seed" seeds again; "--duration 10" is quicker.
BENCH_RUN_ARGS ?=
bench: install-dev
	$(PY) -m bench.run $(BENCH_RUN_ARGS)

vendor:
	bash scripts/vendor.sh

clean:
	rm -rf $(VENV) var staticfiles node_modules
