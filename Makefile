# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test install lint test-unit test-browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## make run: install, migrate, seed demo data if the database is empty, serve, print logins.
run: install
	DEBUG=1 DEMO_MODE=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 DEMO_MODE=1 $(BIN)/python manage.py seed_demo --if-empty
	DEBUG=1 DEMO_MODE=1 $(BIN)/python manage.py demo_logins
	@echo "Serving at http://$(HOST):$(PORT)/  (synthetic demo data; Ctrl-C to stop)"
	DEBUG=1 DEMO_MODE=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

test-unit: install
	$(BIN)/pytest -m "not browser" -n 2 -q

test-browser: install
	@if [ -x "$(CHROMIUM)" ]; then \
		DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -m browser -q -p no:randomly; \
	else \
		echo "Browser tests need Debian's Chromium at $(CHROMIUM) (apt-get install -y chromium)."; \
		echo "They did not run. CI installs Chromium and runs them."; \
	fi

## make test: install if needed, lint, run every test (browser tests when Chromium is present).
test: lint test-unit test-browser

# DEBUG off (no query logging overhead); a throwaway key for a throwaway database.
BENCH_DATABASE_URL ?= sqlite:///bench.sqlite3
BENCH_ENV := DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench-only-throwaway-key-0123456789abcdefghijklmnop DEBUG=0

## make bench: query counts and timings at stated sizes, on a throwaway SQLite database.
bench: install
	rm -f bench.sqlite3
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(BENCH_ENV) $(BIN)/python manage.py benchmark
	$(BENCH_ENV) $(BIN)/python manage.py benchmark_fidelity
	rm -f bench.sqlite3

clean:
	rm -rf $(VENV) db.sqlite3 bench.sqlite3
