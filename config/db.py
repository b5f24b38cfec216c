"""Databases: a connection pool per process, and report reads a streaming replica may serve.

Settings (`database_settings()`, from the environment)
  DATABASE_URL          the primary ("default"); SQLite by default.
  DB_POOL               PostgreSQL only: "0" turns the pool off (e.g. behind PgBouncer);
                        then CONN_MAX_AGE applies as before. On by default.
  DB_POOL_MIN/MAX       connections each process keeps open / may open per alias (default
                        1 and 4). Sizing: `make serve` runs 3 sync gunicorn workers on 2
                        cores, each serving one request at a time, so one warm connection
                        per worker does the work and 4 leaves room for `--threads`; an app
                        server holds at most 3 x 4 = 12 connections per alias (PostgreSQL's
                        default max_connections is 100: count servers and queue workers).
  DATABASE_REPLICA_URL  a streaming (hot standby) replica of the primary: adds the alias
                        "replica" with the primary's options, pooled the same way.
  REPLICA_CONNECT_TIMEOUT seconds to reach the replica (default 1): a dead replica costs
                        one request about this long, once per back-off.
  Django settings read at each decision (so tests can override them):
  REPLICA_MAX_LAG_SECONDS (default 30), REPLICA_CHECK_SECONDS (default 5: how long a
  health check holds, per process), REPLICA_RETRY_SECONDS (default 10: how long a replica
  that failed is skipped).

Decisions
- Pool: Django 5.2's built-in psycopg pool (OPTIONS["pool"]), never for SQLite. A pool
  keeps connections open across requests, so CONN_MAX_AGE must be 0 (Django refuses
  otherwise). CONN_HEALTH_CHECKS makes the pool check a connection when it hands it out
  (one empty round trip per request and alias), so a restarted server costs no failed
  request. The pool waits at most 10 s for a free connection on the primary, then the
  request fails; for the replica only the connect timeout, then the primary serves. The pool
  works under pytest-django (Django closes it before it clones or drops a test database),
  so tests run with it, as production does.
- Opt-in, greppable: only reads inside `report_reads()` (a context manager and decorator;
  a contextvar, so per thread and per task) may go to the replica. Everything else reads
  the primary. The router decides when a query runs, not when it is built: a lazy
  queryset evaluated after the block (in a template rendered later) reads the primary.
  Writes always go to the primary (`db_for_write`), inside `report_reads()` too, and
  migrations run only there (`allow_migrate`).
- Primary only, even inside `report_reads()`: the apps in PRIMARY_ONLY_APPS: the audit
  chain (its head row is locked and must be current), sessions, users, memberships, roles,
  two-factor devices and lockouts (a revoked role or a sign-out takes effect at once, never
  a replica lag later), the task queue (workers lock rows), content types.
- Read-your-writes: a read inside an atomic block on the primary stays there; and once
  the current unit of work wrote (any model outside PRIMARY_ONLY_APPS, seen by
  `db_for_write`), its reads stay on the primary. A unit of work is a request (reset on
  `request_started` and `request_finished`); other code (a queue worker between jobs)
  calls `forget_writes()`. Writing an audit event (every read use case does) does not pin:
  report reads never read the audit tables from the replica. Raw SQL writes through
  `connection.cursor()` are not seen by the router: do not mix them with `report_reads()`.
- Fallback: the replica serves only while it is healthy, checked at most every
  REPLICA_CHECK_SECONDS per process (not one extra query per read) with one query on the
  replica: `pg_is_in_recovery()` (a promoted or mistaken server is never read as a replica)
  and the replay lag: 0 when all WAL received is replayed, else the time since the last
  replayed commit (this overstates the lag right after a long idle spell on the primary,
  which errs on the safe side). Lag above REPLICA_MAX_LAG_SECONDS: the primary serves until
  the next check. An error (refused, timed out, broken) marks the replica down for
  REPLICA_RETRY_SECONDS and closes its pool, so no background reconnect loop runs and the
  next try starts from a fresh pool; within a request, a replica connection that raised an
  error is checked before it is used again. A replica that dies in the middle of a query
  fails that query (the router cannot re-run it); the reads after it fall back.
- Tests: the replica alias carries TEST["MIRROR"] = "default", so pytest-django makes no
  second test database (a normal test run with DATABASE_REPLICA_URL set reads through
  "replica" into the test database, which is not in recovery, so reads fall back). The
  tests in tests/replica/ replace `django_db_setup` and use the real scratch clusters.
"""

from __future__ import annotations

import copy
import logging
import math
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished, request_started
from django.db import connections

REPLICA = "replica"
DEFAULT = "default"
POSTGRESQL = "django.db.backends.postgresql"

DEFAULT_POOL_MIN = 1
DEFAULT_POOL_MAX = 4
PRIMARY_POOL_TIMEOUT = 10.0
DEFAULT_REPLICA_CONNECT_TIMEOUT = 1.0
DEFAULT_MAX_LAG_SECONDS = 30.0
DEFAULT_CHECK_SECONDS = 5.0
DEFAULT_RETRY_SECONDS = 10.0

PRIMARY_ONLY_APPS = frozenset(
    {
        "audit",
        "sessions",
        "auth",
        "accounts",
        "contenttypes",
        "axes",
        "django_otp",
        "otp_totp",
        "otp_static",
        "jobs",
    }
)

# The replica's health in one query: still a standby, and how far replay is behind.
LAG_SQL = (
    "SELECT pg_is_in_recovery(), "
    "CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
)

logger = logging.getLogger("imhhv.db")


# --- Settings (no Django settings needed) --------------------------------------------------


def _int(environ: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: give a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value}: must be at least {minimum}.")
    return value


def env_seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: give a number of seconds.") from None
    if not math.isfinite(value) or value < 0:
        raise ImproperlyConfigured(f"{name}={raw!r}: give a number of seconds, 0 or more.")
    return value


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def pool_options(environ: Mapping[str, str], *, timeout: float) -> dict[str, Any]:
    """The psycopg pool's options: sizes from DB_POOL_MIN/DB_POOL_MAX, the wait for a free
    connection (`timeout`), and a name that says which process pool a log line is about."""
    min_size = _int(environ, "DB_POOL_MIN", DEFAULT_POOL_MIN, minimum=0)
    max_size = _int(environ, "DB_POOL_MAX", DEFAULT_POOL_MAX, minimum=1)
    if min_size > max_size:
        raise ImproperlyConfigured(f"DB_POOL_MIN={min_size} is larger than DB_POOL_MAX={max_size}.")
    return {"min_size": min_size, "max_size": max_size, "timeout": timeout}


def database_settings(environ: Mapping[str, str], *, default_url: str) -> dict[str, dict]:
    """DATABASES from the environment: "default", and "replica" when DATABASE_REPLICA_URL
    is set (see the module docstring)."""
    default = dict(dj_database_url.parse(environ.get("DATABASE_URL") or default_url))
    pooled = default["ENGINE"] == POSTGRESQL and _flag(environ, "DB_POOL", True)
    options = dict(default.get("OPTIONS") or {})
    if pooled:
        options["pool"] = {
            **pool_options(environ, timeout=PRIMARY_POOL_TIMEOUT),
            "name": "imhhv-default",
        }
        default.update(CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=True)
    else:
        default["CONN_MAX_AGE"] = _int(environ, "CONN_MAX_AGE", 0, minimum=0)
    default["OPTIONS"] = options
    databases = {DEFAULT: default}

    replica_url = (environ.get("DATABASE_REPLICA_URL") or "").strip()
    if replica_url:
        replica = dict(dj_database_url.parse(replica_url))
        if default["ENGINE"] != POSTGRESQL or replica["ENGINE"] != POSTGRESQL:
            raise ImproperlyConfigured(
                "DATABASE_REPLICA_URL needs PostgreSQL for both DATABASE_URL and the replica "
                "(a streaming replica of the primary)."
            )
        connect_timeout = env_seconds(
            environ, "REPLICA_CONNECT_TIMEOUT", DEFAULT_REPLICA_CONNECT_TIMEOUT
        )
        replica_options = copy.deepcopy(options)
        replica_options.update(replica.get("OPTIONS") or {})
        # libpq takes whole seconds; 0 would mean "wait forever".
        replica_options["connect_timeout"] = max(1, math.ceil(connect_timeout))
        if pooled:
            replica_options["pool"] = {
                **pool_options(environ, timeout=connect_timeout),
                "name": "imhhv-replica",
            }
        replica.update(
            OPTIONS=replica_options,
            CONN_MAX_AGE=default["CONN_MAX_AGE"],
            CONN_HEALTH_CHECKS=True,
            TEST={"MIRROR": DEFAULT},
        )
        databases[REPLICA] = replica
    return databases


# --- Which database may serve a read (pure) ------------------------------------------------


def primary_reason(
    *,
    app_label: str,
    report_reads: bool,
    in_atomic_block: bool,
    wrote: bool,
    replica_configured: bool,
) -> str | None:
    """Why a read must go to the primary, or None when the replica may serve it."""
    if not report_reads:
        return "not a report read"
    if app_label in PRIMARY_ONLY_APPS:
        return "primary-only app"
    if in_atomic_block:
        return "inside a transaction"
    if wrote:
        return "this unit of work wrote"
    if not replica_configured:
        return "no replica configured"
    return None


def lag_acceptable(in_recovery: bool, lag_seconds: float | None, max_lag: float) -> bool:
    """A replica may serve: it is a standby and its replay lag is known and small enough."""
    return bool(in_recovery) and lag_seconds is not None and lag_seconds <= max_lag


@dataclass(frozen=True)
class Health:
    usable: bool
    checked_at: float
    down_until: float
    lag_seconds: float | None
    reason: str


class ReplicaHealth:
    """The replica's health as this process last saw it; the clock is passed in.

    `decide(now)` says "probe" (check the replica now), "use" or "skip". A probe's result
    holds for `check_seconds`; a failure makes the replica skipped for `retry_seconds`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.state = Health(
                usable=False,
                checked_at=-math.inf,
                down_until=-math.inf,
                lag_seconds=None,
                reason="not checked yet",
            )

    def decide(self, now: float, *, check_seconds: float) -> str:
        state = self.state
        if now < state.down_until:
            return "skip"
        if now - state.checked_at < check_seconds:
            return "use" if state.usable else "skip"
        return "probe"

    def probed(
        self, now: float, *, in_recovery: bool, lag_seconds: float | None, max_lag: float
    ) -> bool:
        usable = lag_acceptable(in_recovery, lag_seconds, max_lag)
        if usable:
            reason = "healthy"
        elif not in_recovery:
            reason = "not in recovery (not a standby)"
        elif lag_seconds is None:
            reason = "replay lag unknown"
        else:
            reason = f"replay lag {lag_seconds:.1f}s over {max_lag:g}s"
        self._set(Health(usable, now, -math.inf, lag_seconds, reason))
        return usable

    def failed(self, now: float, *, retry_seconds: float, reason: str) -> None:
        self._set(Health(False, now, now + retry_seconds, None, reason))

    def _set(self, new: Health) -> None:
        with self._lock:
            old, self.state = self.state, new
        if old.usable and not new.usable:
            logger.warning("Replica not used for report reads: %s", new.reason)
        elif new.usable and not old.usable:
            logger.info("Replica serves report reads again")


replica_health = ReplicaHealth()


# --- The caller's side: report_reads() and the unit of work --------------------------------

_report_reads: ContextVar[bool] = ContextVar("imhhv_report_reads", default=False)
_wrote: ContextVar[bool] = ContextVar("imhhv_wrote", default=False)


@contextmanager
def report_reads() -> Iterator[None]:
    """Reads inside may be served by the replica (`with report_reads():` or
    `@report_reads()`). Use it around report reads that tolerate data a few seconds old
    (REPLICA_MAX_LAG_SECONDS at most); writes inside still go to the primary."""
    token = _report_reads.set(True)
    try:
        yield
    finally:
        _report_reads.reset(token)


def in_report_reads() -> bool:
    """Whether the current thread or task is inside `report_reads()`."""
    return _report_reads.get()


def forget_writes(**_signal_kwargs: Any) -> None:
    """A new unit of work: earlier writes no longer pin reads to the primary."""
    _wrote.set(False)


request_started.connect(forget_writes, dispatch_uid="imhhv.db.forget_writes.started")
request_finished.connect(forget_writes, dispatch_uid="imhhv.db.forget_writes.finished")


# --- The router ----------------------------------------------------------------------------


def _django_setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def _drop_replica_connection() -> None:
    """Give the replica connection back and close the replica's pool (a fresh pool next
    time, without the old one's reconnect back-off)."""
    connection = connections[REPLICA]
    # It is dropped because it failed; another thread may have closed the pool first.
    with suppress(Exception):
        connection.close()
    close_pool = getattr(connection, "close_pool", None)
    if close_pool is not None:
        with suppress(Exception):
            close_pool()


def _replica_usable() -> bool:
    """Check (at most every REPLICA_CHECK_SECONDS) and connect the replica for this read."""
    now = time.monotonic()
    decision = replica_health.decide(
        now, check_seconds=_django_setting("REPLICA_CHECK_SECONDS", DEFAULT_CHECK_SECONDS)
    )
    if decision == "skip":
        return False
    retry_seconds = _django_setting("REPLICA_RETRY_SECONDS", DEFAULT_RETRY_SECONDS)
    connection = connections[REPLICA]
    try:
        if connection.connection is not None and connection.errors_occurred:
            # This request's replica connection raised an error: is it still good?
            if not connection.is_usable():
                _drop_replica_connection()
                replica_health.failed(
                    now, retry_seconds=retry_seconds, reason="replica connection broken"
                )
                return False
            connection.errors_occurred = False
        if decision == "use":
            connection.ensure_connection()  # no-op when connected; the pool checks it
            return True
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, lag = cursor.fetchone()
    except Exception as error:  # any failure: the primary serves
        _drop_replica_connection()
        replica_health.failed(
            now, retry_seconds=retry_seconds, reason=f"{type(error).__name__} on the replica"
        )
        return False
    return replica_health.probed(
        now,
        in_recovery=bool(in_recovery),
        lag_seconds=None if lag is None else float(lag),
        max_lag=_django_setting("REPLICA_MAX_LAG_SECONDS", DEFAULT_MAX_LAG_SECONDS),
    )


def primary_reason_now(model) -> str | None:
    """Why a read of `model` here and now must go to the primary (None: the replica may
    serve it, if it is healthy)."""
    if not _report_reads.get():  # the common case, first and cheap
        return "not a report read"
    return primary_reason(
        app_label=model._meta.app_label,
        report_reads=True,
        in_atomic_block=connections[DEFAULT].in_atomic_block,
        wrote=_wrote.get(),
        replica_configured=REPLICA in settings.DATABASES,
    )


class ReplicaRouter:
    """DATABASE_ROUTERS entry: report reads to the replica when it may serve them."""

    def db_for_read(self, model, **hints) -> str:
        if primary_reason_now(model) is None and _replica_usable():
            return REPLICA
        return DEFAULT

    def db_for_write(self, model, **hints) -> str:
        if model._meta.app_label not in PRIMARY_ONLY_APPS and not _wrote.get():
            _wrote.set(True)
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The replica holds the primary's rows: objects from either may be related.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT
