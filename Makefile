# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run logins serve worker test install lint test-unit test-browser test-replica bench bench-workforce bench-state clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# constraints.txt pins every package to the versions CI tested (regenerate after changing
# dependencies: `.venv/bin/pip freeze --exclude-editable > constraints.txt`).
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## make run: install, migrate, seed demo data if the database is empty, serve with gunicorn
## and DEBUG off (static files through WhiteNoise), with one job worker beside it
## (imhhv/jobs; stopped with the server). Demo mode is not debug mode.
## Quiet on purpose: one line per step, gunicorn logs warnings only, the worker writes to
## $(WORKER_LOG); once the server answers, the output ends with one demo login per role
## and the address. `make logins` lists every demo account.
# Secrets for this checkout live in $(ENV_FILE) (git-ignored), generated on the first run and
# read by config/settings.py, so every later `python manage.py ...` works without exports.
ENV_FILE ?= .env.local
ALLOWED_HOSTS ?= $(HOST),127.0.0.1,localhost
SEED_ARGS ?=
GUNICORN_ARGS ?= --workers 2 --timeout 60
WORKER_LOG ?= $(VENV)/worker.log
DEMO_ENV := DEMO_MODE=1 DEBUG=0 SECURE_HTTPS=0 ALLOWED_HOSTS=$(ALLOWED_HOSTS) IMHHV_ENV_FILE=$(ENV_FILE)
# Polls the health page until it answers (up to 60 s); fails at once if the server exits.
PROBE := import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)

$(ENV_FILE):
	@umask 077 && $(PYTHON) -c 'import secrets; print("# Written by make run for this checkout; git-ignored. Keep it: the audit chain of the\n# local database verifies only with this AUDIT_HMAC_KEYS entry.\nSECRET_KEY=" + secrets.token_urlsafe(50) + "\nAUDIT_HMAC_KEYS=local1:" + secrets.token_urlsafe(48) + "\nAUDIT_HMAC_KEY_ID=local1")' > $@.tmp
	@mv $@.tmp $@
	@echo "Wrote $@: a generated SECRET_KEY and audit key for this checkout."

run: install $(ENV_FILE)
	@$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	@echo "Database migrated."
	@$(DEMO_ENV) $(BIN)/python manage.py collectstatic --noinput -v 0
	@echo "Static files collected."
	@$(DEMO_ENV) $(BIN)/python manage.py seed_demo --if-empty $(SEED_ARGS)
	@env $(DEMO_ENV) $(BIN)/python manage.py run_worker > $(WORKER_LOG) 2>&1 & worker=$$!; \
	env $(DEMO_ENV) $(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --log-level warning \
		$(GUNICORN_ARGS) & server=$$!; \
	trap 'kill $$worker $$server 2>/dev/null; wait' EXIT INT TERM; \
	tries=0; \
	until $(BIN)/python -c '$(PROBE)' http://$(HOST):$(PORT)/health/ 2>/dev/null; do \
		kill -0 $$server 2>/dev/null || { echo "The server did not start (see above)."; exit 1; }; \
		tries=$$((tries + 1)); \
		[ $$tries -lt 120 ] || { echo "No answer at http://$(HOST):$(PORT)/ after 60 s."; exit 1; }; \
		sleep 0.5; \
	done; \
	kill -0 $$worker 2>/dev/null || { echo "The job worker stopped:"; tail -n 20 $(WORKER_LOG); exit 1; }; \
	echo; env $(DEMO_ENV) $(BIN)/python manage.py demo_logins --by-role; \
	echo; echo "Serving at http://$(HOST):$(PORT)/ with DEBUG off, synthetic demo data (Ctrl-C to stop)."; \
	wait $$server

## make logins: every demo account (username, role, agency, team; one password for all).
## `python manage.py demo_logins --json` gives the same as JSON.
logins: install $(ENV_FILE)
	@$(DEMO_ENV) $(BIN)/python manage.py demo_logins

## make serve: the production server (no demo data, no generated secrets): gunicorn on
## $(HOST):$(PORT) with the settings' environment (DATABASE_URL, SECRET_KEY, AUDIT_HMAC_KEYS,
## ALLOWED_HOSTS, optional DATABASE_REPLICA_URL). See "Deployment" in the README.
SERVE_ARGS ?= --workers 3 --timeout 60 --max-requests 2000 --max-requests-jitter 200
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	exec $(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) $(SERVE_ARGS)

## make worker: a task-queue worker (imhhv/jobs); run as many as needed, on any machine that
## reaches the database.
worker: install
	exec $(BIN)/python manage.py run_worker

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

test-unit: install
	$(BIN)/pytest -m "not browser and not replica" -n 2 -q

test-browser: install
	@if [ -x "$(CHROMIUM)" ]; then \
		DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -m browser -q -p no:randomly; \
	else \
		echo "Browser tests need Debian's Chromium at $(CHROMIUM) (apt-get install -y chromium)."; \
		echo "They did not run. CI installs Chromium and runs them."; \
	fi

## make test-replica: the router tests against a real streaming replica (DATABASE_URL and
## DATABASE_REPLICA_URL set; .ci/run starts the two clusters, see .ci/replica).
test-replica: install
	$(BIN)/pytest -m replica -q -p no:randomly

## make test: install if needed, lint, run every test (browser tests when Chromium is present).
test: lint test-unit test-browser

# DEBUG off (no query logging overhead); throwaway keys for a throwaway database (and not
# this checkout's .env.local).
BENCH_DATABASE_URL ?= sqlite:///bench.sqlite3
BENCH_ENV := DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=0 IMHHV_ENV_FILE=/dev/null \
	SECRET_KEY=bench-only-throwaway-key-0123456789abcdefghijklmnop \
	AUDIT_HMAC_KEYS=bench:bench-only-throwaway-audit-key-0123456789abcdef

## make bench: query counts and timings at stated sizes, on a throwaway SQLite database.
bench: install
	rm -f bench.sqlite3
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(BENCH_ENV) $(BIN)/python manage.py benchmark
	$(BENCH_ENV) $(BIN)/python manage.py benchmark_fidelity
	$(BENCH_ENV) $(BIN)/python manage.py benchmark_workforce
	rm -f bench.sqlite3

## make bench-workforce: the workforce figures alone (issue 10), on a throwaway SQLite database.
bench-workforce: install
	rm -f bench.sqlite3
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(BENCH_ENV) $(BIN)/python manage.py benchmark_workforce
	rm -f bench.sqlite3

## make bench-state: the statewide set on a throwaway PostgreSQL database, served by
## gunicorn, measured under load (bench/README.md). Results go to bench/.
bench-state: install
	bench/run-state

clean:
	rm -rf $(VENV) db.sqlite3 bench.sqlite3 staticfiles
