# emochat — `make run` serves the chat, `make test` runs the whole suite. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE ?= emochat.settings.local

FRONTEND_SOURCES := $(shell find frontend/src -type f) frontend/tsconfig.json
# Browser tests drive a system Chromium (Playwright cannot download its own browser everywhere).
export EMOCHAT_CHROMIUM ?= /usr/bin/chromium

.PHONY: help setup run test test-frontend browser bench chaos frontend migrate lock messages clean

help:
	@echo "make run    - set up and serve http://127.0.0.1:8000 (HOST/PORT override)"
	@echo "make test   - run the whole suite against PostgreSQL and Redis on localhost"
	@echo "make bench  - run the benchmarks; JSON under bench/results/"
	@echo "make chaos  - chat while workers die, Redis restarts and sockets drop (CHAOS_ARGS=\"--clients 50\")"
	@echo "make lock   - re-pin requirements*.txt from requirements*.in"
	@echo "make messages - gather the pages' strings into locale/*/django.po, then compile them (needs gettext)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "emochat needs Python 3.11 or newer (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	@touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	@command -v npm >/dev/null || { echo "emochat needs Node.js 20+ and npm to build the page"; exit 1; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# One build writes every bundle: the chat page's, the mood page's and the moderators' (Django admin loads
# app/moderation.js).
BUNDLES := frontend/dist/chat.js frontend/dist/mood.js frontend/dist/moderation.js frontend/dist/analytics.js
$(BUNDLES) &: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run --silent build

frontend: $(BUNDLES)

setup: $(VENV)/.installed frontend

migrate: setup
	@mkdir -p .data
	$(PY) manage.py migrate --noinput
	$(PY) manage.py migrate --noinput --database keys

run: migrate
	$(PY) manage.py serve

browser:
	@test -x "$(EMOCHAT_CHROMIUM)" || { \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Chromium: apt-get install chromium, or set EMOCHAT_CHROMIUM=/path/to/chrome"; exit 1; \
	  fi; }

test-frontend: frontend/node_modules/.installed
	cd frontend && npm test --silent

test: setup browser test-frontend
	$(VENV)/bin/lint-imports --no-logo --no-cache
	DJANGO_SETTINGS_MODULE=emochat.settings.test $(PY) -m pytest

# The translations of the templates, forms and e-mails (the page's own strings are in frontend/src/i18n/).
# Translate the new entries in locale/zh_Hans/LC_MESSAGES/django.po, then run it again to compile them.
messages: setup
	$(PY) manage.py makemessages --locale zh_Hans --add-location file --ignore '.venv/*' --ignore 'frontend/*' \
	  --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages --locale zh_Hans --ignore '.venv/*'

bench: setup
	DJANGO_SETTINGS_MODULE=emochat.settings.test $(PY) -m bench

chaos: setup
	DJANGO_SETTINGS_MODULE=emochat.settings.test $(PY) -m bench.chaos $(CHAOS_ARGS)

lock: $(VENV)/.installed
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-header --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	@# The CPU wheel carries a local version label (+cpu); pin the public version so CUDA builds also satisfy it.
	sed -i.bak 's/^torch==\([0-9.]*\)+cpu/torch==\1/' requirements.txt && rm -f requirements.txt.bak
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-header --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist staticfiles
