# ESC training platform. `make run` to try it, `make test` to test it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?= -n auto

.PHONY: run prod test lint format messages translations system-deps venv clean certificate-sample screenshots

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when the pinned requirements change.
$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

venv: $(VENV)/.runtime-installed

# Our .po files are committed; the .mo files are built here.
messages: $(VENV)/.runtime-installed
	@if command -v msgfmt >/dev/null; then \
		$(PY) manage.py compilemessages --ignore=.venv --ignore=staticfiles -v0; \
	else \
		$(PY) scripts/compile_translations.py; \
	fi

# Debian packages the browser tests, PDFs and fault tests (a real Redis) need, installed
# when we may (root).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "Garuda\|Loma\|Sarabun" || missing="$$missing fonts-thai-tlwg"; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v faketime >/dev/null || missing="$$missing faketime"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Missing Debian packages:$$missing (install them as root; browser tests need chromium)"; \
		fi; \
	fi

run: $(VENV)/.runtime-installed messages
	$(PY) manage.py migrate --noinput -v0
	ESC_PORT=$(PORT) $(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C stops everything)"
	ESC_PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile.dev

# The production profile on 127.0.0.1: gunicorn, PostgreSQL, Redis, the worker.
prod: $(VENV)/.runtime-installed messages
	PORT=$(PORT) scripts/prod.sh

test: $(VENV)/.dev-installed system-deps messages
	$(PY) -m pytest $(PYTEST_ARGS)

# The demo certificate as a picture, for people to look at (docs/certificate-sample.png).
certificate-sample: $(VENV)/.dev-installed messages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo >/dev/null
	$(PY) manage.py render_certificate_sample docs/certificate-sample.png

# The screens issue 15 changed, at 360 px, into docs/screenshots/ (a throwaway demo database;
# the app on SCREENSHOTS_PORT, default 8341).
screenshots: $(VENV)/.dev-installed system-deps messages
	$(PY) scripts/screenshots.py

lint: $(VENV)/.dev-installed system-deps
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/djhtml --check templates
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/check_translations.py

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/djhtml templates

# Refresh locale/th after changing strings; then translate the new entries.
# No source locations and entries sorted by msgid: parallel branches that add strings then
# touch different lines of the catalogue and merge cleanly.
translations: $(VENV)/.runtime-installed
	$(PY) scripts/check_translations.py --extract
	msgcat --sort-output --no-location -o locale/th/LC_MESSAGES/django.po locale/th/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
