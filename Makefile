# The two commands (see README): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve test lint check system-packages bench clean

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

## make serve: the site production-like on SQLite: DEBUG off, collected static files,
## gunicorn with workers from the CPU count and --preload (gunicorn.conf.py), at :8000
SECRET_KEY_FILE := var/secret_key
serve: $(STAMP)
	mkdir -p var
	test -s $(SECRET_KEY_FILE) || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $(SECRET_KEY_FILE)
	export SECRET_KEY="$$(cat $(SECRET_KEY_FILE))" ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}"; \
	$(BIN)/python manage.py migrate --no-input && \
	$(BIN)/python manage.py import_seeds && \
	$(BIN)/python manage.py collectstatic --no-input -v0 && \
	exec $(BIN)/gunicorn kb.wsgi

## Debian packages the tests need (Chromium and CJK fonts for the browser tests, gettext for
## the catalogue test's makemessages), installed when missing.
DEBIAN_PACKAGES := chromium fonts-noto-cjk gettext
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
