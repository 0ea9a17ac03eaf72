# Yundian: the commands a newcomer and CI use. Needs only Python 3.11+ (see README.md).
# Without DATABASE_URL an embedded PostgreSQL runs under .data/ (config/devdb.py).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB := $(PY) -m config.devdb
RUNTIME_STAMP := $(VENV)/.runtime-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: help install install-dev demo serve test lint format bench bench-provision db-start db-stop messages browser-deps

help:
	@echo "make demo             install, start the database, migrate, seed two demo banks, serve on :$(PORT)"
	@echo "make test             install and run the whole test suite on real PostgreSQL"
	@echo "make lint             ruff format --check, ruff check, djhtml"
	@echo "make bench-provision  time bank provisioning and a large organisation import"
	@echo "make db-stop          stop the embedded PostgreSQL"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.runtime-*; touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.dev-* $(VENV)/.runtime-*; touch $@ $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP)
install-dev: $(DEV_STAMP)

db-start: install
	@$(DB) start >/dev/null && echo "embedded database running (URL in .data/database_url)"

db-stop:
	@$(DB) stop

demo: install
	$(DB) run -- sh scripts/demo.sh $(PORT)

# System packages for browser tests: Debian/Ubuntu's chromium, installed when missing.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the browser tests"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Chromium: install it (e.g. 'chromium' package) and re-run."; exit 1; fi; }

test: install-dev browser-deps
	DJANGO_SETTINGS_MODULE=config.settings.test $(DB) run -- $(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/djhtml --check $$(git ls-files '*.html')

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/djhtml $$(git ls-files '*.html')

messages: install-dev
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=.data --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

bench-provision: install
	$(DB) run -- $(PY) manage.py bench_provision $(BENCH_ARGS)

bench: install
	$(DB) run -- $(PY) -m benchmarks.run $(BENCH_CASES)
