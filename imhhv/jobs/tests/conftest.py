"""Helpers for job tests: throwaway jobs, and a database that worker processes can reach.

Worker processes are real (`manage.py run_worker` in a subprocess), so they need the test's
database by URL:

- PostgreSQL: pytest-django's test database (`test_<NAME>`, plus `_gw0`… under xdist) is an
  ordinary database; its URL is built from the connection's settings.
- SQLite: pytest-django keeps the test database in memory (`file:memorydb_default?mode=
  memory&cache=shared`), which no other process can open. For the length of the test the
  default connection is swapped (in this thread) for one to a file in `tmp_path`, migrated
  by `manage.py migrate` like any real database; the in-memory database is kept open and
  put back afterwards, untouched.

Subprocesses inherit the test's environment, PYTEST_VERSION included, so they load the
settings the tests use (the same audit key, no local env file), with DATABASE_URL pointed
at that database.
"""

import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.db import connection, connections

from imhhv.jobs.registry import job, unregister

ROOT = Path(__file__).resolve().parents[3]

# Jobs queued for worker processes are due from long ago: a worker runs on the real clock,
# while this test may run on IMHHV_TEST_CLOCK (any instant, the future included).
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def worker_env(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}


def manage(*args: str, database_url: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `manage.py *args` in a new process against `database_url`."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=worker_env(database_url),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_manage(*args: str, database_url: str) -> subprocess.Popen:
    """Start `manage.py *args` in a new process; read its stdout line by line."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=worker_env(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_until(process: subprocess.Popen, text: str, *, timeout: float = 60) -> list[str]:
    """Lines of `process`'s stdout up to the first containing `text`.

    A process that never prints it is killed after `timeout`, and the test fails.
    """
    watchdog = threading.Timer(timeout, process.kill)
    watchdog.start()
    lines = []
    try:
        for line in process.stdout:
            lines.append(line)
            if text in line:
                return lines
    finally:
        watchdog.cancel()
    _, stderr = process.communicate(timeout=10)
    raise AssertionError(f"{text!r} never printed; stdout {lines!r}; stderr {stderr[-2000:]}")


def stop(process: subprocess.Popen) -> None:
    """Kill `process` if a failed test left it running."""
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=10)


def postgres_url(settings_dict: dict) -> str:
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    options = {k: v for k, v in (settings_dict.get("OPTIONS") or {}).items() if isinstance(v, str)}
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}{query}"


@pytest.fixture
def worker_database(transactional_db, tmp_path):
    """The DATABASE_URL under which worker processes share this test's database."""
    if connection.vendor == "postgresql":
        yield postgres_url(connection.settings_dict)
        return
    assert connection.vendor == "sqlite"
    path = tmp_path / "jobs.sqlite3"
    url = f"sqlite:///{path}"
    migrated = manage("migrate", "--noinput", "-v", "0", database_url=url)
    assert migrated.returncode == 0, migrated.stderr
    memory = connections["default"]
    on_file = memory.__class__({**memory.settings_dict, "NAME": str(path)}, alias="default")
    connections["default"] = on_file
    try:
        yield url
    finally:
        on_file.close()
        connections["default"] = memory


@pytest.fixture
def registered():
    """`registered(name, func, **options)`: a throwaway job, forgotten after the test."""
    names = []

    def _register(name, func, **options):
        job(name, **options)(func)
        names.append(name)
        return func

    yield _register
    for name in names:
        unregister(name)
