# The two commands (see README): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint check system-packages bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## make run: build and serve the site on SQLite (var/kb.sqlite3) at http://127.0.0.1:8000
run: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py import_seeds
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

## Debian packages the browser tests need (Chromium, CJK fonts), installed when missing.
DEBIAN_PACKAGES := chromium fonts-noto-cjk
system-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(STAMP)
	DJANGO_SETTINGS_MODULE=kb.test_settings $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=kb.test_settings $(BIN)/python manage.py makemigrations --check --dry-run

## make test: install what the tests need and run the whole suite (DATABASE_URL picks the database)
test: $(STAMP) system-packages lint check
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/import_seeds.py
	$(BIN)/python bench/relevance.py
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
