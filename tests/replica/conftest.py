"""Tests against a real streaming replica: `make test-replica`, run by `.ci/replica`.

`.ci/replica` builds two throwaway clusters (a primary and a hot standby made by
pg_basebackup) and sets DATABASE_URL, DATABASE_REPLICA_URL and, for stopping and
restarting the replica, REPLICA_PGDATA, REPLICA_PGLOG and REPLICA_PGCTL (the pg_ctl
command, with `runuser -u postgres --` in front when run as root).

These tests use the scratch databases themselves, not test_ copies: replication copies a
whole cluster, so a test database made on the primary would appear on the replica anyway,
and pytest-django's copy for "replica" would be a second writable database, not a standby.
So `django_db_setup` is replaced: it checks that the two URLs really are a primary and its
standby (the same cluster lineage, one in recovery), refusing to run otherwise (the
transactional tests flush the primary), migrates the primary and waits until the replica
has replayed it. The replica alias is a TEST MIRROR of default, so the flush after each
transactional test empties the primary only; the replica follows by streaming.

The fixture `cluster` controls the replica over connections of its own (psycopg, outside
Django and the router): stop and start it, pause and resume replay, wait for replay, read
the lag the router would read.
"""

import os
import shlex
import subprocess
import time
from dataclasses import dataclass

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.signals import request_finished, request_started

from config.db import LAG_SQL, REPLICA, forget_writes, replica_health

REPLICA_ENV = ("DATABASE_URL", "DATABASE_REPLICA_URL", "REPLICA_PGDATA", "REPLICA_PGLOG")
REPLAY_TIMEOUT = 30.0


def _required_env() -> dict[str, str]:
    missing = [name for name in (*REPLICA_ENV, "REPLICA_PGCTL") if not os.environ.get(name)]
    if missing:
        pytest.fail(
            "The replica tests need a scratch primary and its streaming replica: run "
            f".ci/replica (missing: {', '.join(missing)}).",
            pytrace=False,
        )
    if REPLICA not in settings.DATABASES:
        pytest.fail("DATABASE_REPLICA_URL did not configure the replica alias.", pytrace=False)
    return {name: os.environ[name] for name in (*REPLICA_ENV, "REPLICA_PGCTL")}


def _poll(condition, *, timeout: float, what: str, interval: float = 0.1):
    """Wait for a condition of the real clusters (replication is asynchronous)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(interval)


@dataclass
class Cluster:
    primary_url: str
    replica_url: str
    pgdata: str
    pglog: str
    pgctl: list[str]

    def primary(self, sql: str, params=()):
        with psycopg.connect(self.primary_url, autocommit=True, connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchone()

    def replica(self, sql: str, params=()):
        with psycopg.connect(self.replica_url, autocommit=True, connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchone()

    def replica_up(self) -> bool:
        try:
            self.replica("SELECT 1")
        except psycopg.OperationalError:
            return False
        return True

    def _pg_ctl(self, *args: str) -> None:
        command = [*self.pgctl, "-D", self.pgdata, "-w", "-t", "30", *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{shlex.join(command)}: {result.stdout}{result.stderr}"

    def stop_replica(self) -> None:
        self._pg_ctl("-m", "fast", "stop")
        assert not self.replica_up()

    def start_replica(self) -> None:
        if not self.replica_up():
            self._pg_ctl("-l", self.pglog, "start")

    def pause_replay(self) -> None:
        self.replica("SELECT pg_wal_replay_pause()")
        _poll(
            lambda: self.replica("SELECT pg_get_wal_replay_pause_state()")[0] == "paused",
            timeout=REPLAY_TIMEOUT,
            what="replay to pause",
        )

    def resume_replay(self) -> None:
        if self.replica("SELECT pg_is_wal_replay_paused()")[0]:
            self.replica("SELECT pg_wal_replay_resume()")

    def wait_replayed(self) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        (target,) = self.primary("SELECT pg_current_wal_lsn()::text")
        _poll(
            lambda: self.replica("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,))[0],
            timeout=REPLAY_TIMEOUT,
            what=f"the replica to replay up to {target}",
        )

    def lag(self) -> float | None:
        """The replay lag in seconds, measured as the router measures it."""
        _in_recovery, lag = self.replica(LAG_SQL)
        return None if lag is None else float(lag)


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    env = _required_env()
    found = Cluster(
        primary_url=env["DATABASE_URL"],
        replica_url=env["DATABASE_REPLICA_URL"],
        pgdata=env["REPLICA_PGDATA"],
        pglog=env["REPLICA_PGLOG"],
        pgctl=shlex.split(env["REPLICA_PGCTL"]),
    )
    lineage = "SELECT system_identifier, pg_is_in_recovery() FROM pg_control_system()"
    primary_id, primary_in_recovery = found.primary(lineage)
    replica_id, replica_in_recovery = found.replica(lineage)
    if primary_in_recovery or not replica_in_recovery or primary_id != replica_id:
        pytest.fail(
            "DATABASE_URL and DATABASE_REPLICA_URL are not a primary and its own standby; "
            "refusing to flush DATABASE_URL.",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker, cluster):
    """The scratch primary itself, migrated; the replica receives the schema by streaming."""
    with django_db_blocker.unblock():
        call_command("migrate", database="default", interactive=False, verbosity=0)
    cluster.wait_replayed()


def new_request() -> None:
    """A request boundary as Django's handler makes it: connections go back to the pool and
    the unit of work starts afresh (earlier writes no longer pin reads to the primary)."""
    request_finished.send(sender=None)
    request_started.send(sender=None, environ={})


@pytest.fixture(autouse=True)
def _fresh_replica_state(cluster):
    """Each test starts with the replica up, replaying, unchecked; and leaves it so."""
    cluster.start_replica()
    cluster.resume_replay()
    replica_health.reset()
    forget_writes()
    yield
    cluster.start_replica()
    cluster.resume_replay()
    replica_health.reset()
    forget_writes()
