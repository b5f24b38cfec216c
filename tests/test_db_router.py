"""Database settings, the pool and the replica router, without a replica.

The settings builder and the health bookkeeping are pure (an environment mapping in,
settings out; a clock passed in), tested here exhaustively. The router's decisions that
need no replica run on the suite's database (SQLite or PostgreSQL). Reads really served by
a streaming replica, and the fallbacks when it is stopped or lags, are in tests/replica/
(`make test-replica`, run by .ci/replica).
"""

import math
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, router

from config.db import (
    DEFAULT,
    LAG_SQL,
    PRIMARY_ONLY_APPS,
    REPLICA,
    ReplicaHealth,
    ReplicaRouter,
    database_settings,
    forget_writes,
    in_report_reads,
    lag_acceptable,
    primary_reason,
    primary_reason_now,
    report_reads,
)
from imhhv.agencies.models import State
from imhhv.audit import services as audit
from imhhv.audit.models import AuditEvent

SQLITE = "sqlite:////tmp/imhhv-router-test.sqlite3"
PG = "postgres://app@db.internal:5432/imhhv"
PG_REPLICA = "postgres://app@replica.internal:5432/imhhv"


@pytest.fixture(autouse=True)
def _no_writes_remembered():
    """The unit-of-work flag lives in this thread's context: no test leaves it set."""
    forget_writes()
    yield
    forget_writes()


def databases(**env):
    return database_settings(env, default_url=SQLITE)


# --- Settings ------------------------------------------------------------------------------


def test_sqlite_has_no_pool_and_keeps_conn_max_age():
    default = databases(CONN_MAX_AGE="60")[DEFAULT]
    assert default["ENGINE"] == "django.db.backends.sqlite3"
    assert "pool" not in default["OPTIONS"]
    assert default["CONN_MAX_AGE"] == 60
    assert list(databases()) == [DEFAULT]


def test_postgresql_is_pooled_with_sizes_for_sync_workers_and_no_persistent_connections():
    default = databases(DATABASE_URL=PG, CONN_MAX_AGE="600")[DEFAULT]
    assert default["ENGINE"] == "django.db.backends.postgresql"
    assert default["OPTIONS"]["pool"] == {
        "min_size": 1,
        "max_size": 4,
        "timeout": 10.0,
        "name": "imhhv-default",
    }
    # Django refuses a pool with persistent connections; the pool checks what it hands out.
    assert default["CONN_MAX_AGE"] == 0
    assert default["CONN_HEALTH_CHECKS"] is True


def test_pool_sizes_come_from_the_environment():
    pool = databases(DATABASE_URL=PG, DB_POOL_MIN="2", DB_POOL_MAX="10")[DEFAULT]["OPTIONS"]["pool"]
    assert (pool["min_size"], pool["max_size"]) == (2, 10)


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DB_POOL_MIN": "5", "DB_POOL_MAX": "2"}, "larger than DB_POOL_MAX"),
        ({"DB_POOL_MAX": "0"}, "at least 1"),
        ({"DB_POOL_MIN": "-1"}, "at least 0"),
        ({"DB_POOL_MAX": "many"}, "whole number"),
        ({"DATABASE_REPLICA_URL": PG_REPLICA, "REPLICA_CONNECT_TIMEOUT": "soon"}, "seconds"),
        ({"DATABASE_REPLICA_URL": PG_REPLICA, "REPLICA_CONNECT_TIMEOUT": "-1"}, "seconds"),
    ],
)
def test_bad_values_are_refused_with_the_name_of_the_variable(env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        databases(DATABASE_URL=PG, **env)


def test_db_pool_0_turns_the_pool_off_and_conn_max_age_applies():
    default = databases(DATABASE_URL=PG, DB_POOL="0", CONN_MAX_AGE="60")[DEFAULT]
    assert "pool" not in default["OPTIONS"]
    assert default["CONN_MAX_AGE"] == 60


def test_the_replica_alias_has_the_primarys_options_a_short_connect_and_no_test_database():
    dbs = databases(DATABASE_URL=PG + "?sslmode=require", DATABASE_REPLICA_URL=PG_REPLICA)
    replica = dbs[REPLICA]
    assert (replica["HOST"], replica["NAME"]) == ("replica.internal", "imhhv")
    assert replica["OPTIONS"]["sslmode"] == "require"
    assert replica["OPTIONS"]["connect_timeout"] == 1
    assert replica["OPTIONS"]["pool"] == {
        "min_size": 1,
        "max_size": 4,
        "timeout": 1.0,
        "name": "imhhv-replica",
    }
    assert (replica["CONN_MAX_AGE"], replica["CONN_HEALTH_CHECKS"]) == (0, True)
    # pytest-django makes no test database for it: it reads through to default's.
    assert replica["TEST"] == {"MIRROR": DEFAULT}
    # The primary's own options are not changed by the replica's.
    assert "connect_timeout" not in dbs[DEFAULT]["OPTIONS"]
    assert dbs[DEFAULT]["OPTIONS"]["pool"]["name"] == "imhhv-default"


def test_the_replica_connect_timeout_is_whole_seconds_for_libpq_and_exact_for_the_pool():
    replica = databases(
        DATABASE_URL=PG, DATABASE_REPLICA_URL=PG_REPLICA, REPLICA_CONNECT_TIMEOUT="2.5"
    )[REPLICA]
    assert replica["OPTIONS"]["connect_timeout"] == 3
    assert replica["OPTIONS"]["pool"]["timeout"] == 2.5


def test_an_unpooled_primary_has_an_unpooled_replica():
    replica = databases(
        DATABASE_URL=PG, DATABASE_REPLICA_URL=PG_REPLICA, DB_POOL="off", CONN_MAX_AGE="30"
    )[REPLICA]
    assert "pool" not in replica["OPTIONS"]
    assert replica["CONN_MAX_AGE"] == 30


@pytest.mark.parametrize(
    "primary, replica", [(SQLITE, PG_REPLICA), (PG, "sqlite:////tmp/replica.sqlite3")]
)
def test_a_replica_needs_postgresql_on_both_sides(primary, replica):
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL"):
        databases(DATABASE_URL=primary, DATABASE_REPLICA_URL=replica)


def test_the_lag_query_is_the_documented_one():
    assert LAG_SQL == (
        "SELECT pg_is_in_recovery(), "
        "CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
        "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
    )


# --- Which database may serve a read -------------------------------------------------------

ALLOWED = {
    "app_label": "visits",
    "report_reads": True,
    "in_atomic_block": False,
    "wrote": False,
    "replica_configured": True,
}


def test_a_report_read_outside_a_transaction_before_any_write_may_use_the_replica():
    assert primary_reason(**ALLOWED) is None


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"report_reads": False}, "not a report read"),
        ({"app_label": "audit"}, "primary-only app"),
        ({"app_label": "sessions"}, "primary-only app"),
        ({"app_label": "accounts"}, "primary-only app"),
        ({"in_atomic_block": True}, "inside a transaction"),
        ({"wrote": True}, "this unit of work wrote"),
        ({"replica_configured": False}, "no replica configured"),
    ],
)
def test_every_other_read_goes_to_the_primary(change, reason):
    assert primary_reason(**{**ALLOWED, **change}) == reason


def test_security_and_audit_data_are_primary_only():
    assert {"audit", "sessions", "auth", "accounts", "axes", "otp_totp", "jobs"} <= (
        PRIMARY_ONLY_APPS
    )
    assert not {"families", "visits", "reports", "agencies"} & PRIMARY_ONLY_APPS


@pytest.mark.parametrize(
    "in_recovery, lag, usable",
    [
        (True, 0.0, True),
        (True, 30.0, True),
        (True, 30.5, False),
        (True, None, False),  # nothing replayed yet: unknown, so not used
        (False, 0.0, False),  # a promoted or mistaken server is not a replica
    ],
)
def test_lag_acceptable(in_recovery, lag, usable):
    assert lag_acceptable(in_recovery, lag, 30.0) is usable


# --- Health bookkeeping (the clock is an argument) -----------------------------------------


def test_a_healthy_check_holds_for_the_check_interval_then_the_replica_is_checked_again():
    health = ReplicaHealth()
    assert health.decide(100.0, check_seconds=5) == "probe"
    assert health.probed(100.0, in_recovery=True, lag_seconds=0.2, max_lag=30) is True
    assert health.decide(104.9, check_seconds=5) == "use"
    assert health.decide(105.0, check_seconds=5) == "probe"


def test_a_lagging_replica_is_skipped_until_the_next_check():
    health = ReplicaHealth()
    assert health.probed(100.0, in_recovery=True, lag_seconds=45.0, max_lag=30) is False
    assert health.state.reason == "replay lag 45.0s over 30s"
    assert health.decide(104.0, check_seconds=5) == "skip"
    assert health.decide(105.0, check_seconds=5) == "probe"
    assert health.probed(105.0, in_recovery=True, lag_seconds=0.0, max_lag=30) is True
    assert health.decide(106.0, check_seconds=5) == "use"


def test_a_failed_replica_is_skipped_for_the_back_off_even_past_the_check_interval():
    health = ReplicaHealth()
    health.probed(100.0, in_recovery=True, lag_seconds=0.0, max_lag=30)
    health.failed(101.0, retry_seconds=10, reason="OperationalError on the replica")
    assert health.decide(101.0, check_seconds=5) == "skip"
    assert health.decide(110.9, check_seconds=5) == "skip"
    assert health.decide(111.0, check_seconds=5) == "probe"
    assert health.state.lag_seconds is None


def test_reset_forgets_the_last_check():
    health = ReplicaHealth()
    health.failed(100.0, retry_seconds=10, reason="refused")
    health.reset()
    assert health.decide(100.0, check_seconds=5) == "probe"
    assert health.state.down_until == -math.inf


def test_the_replica_going_out_of_use_is_logged_once_without_data(caplog):
    health = ReplicaHealth()
    health.probed(100.0, in_recovery=True, lag_seconds=0.0, max_lag=30)
    with caplog.at_level("WARNING", logger="imhhv.db"):
        health.probed(105.0, in_recovery=False, lag_seconds=0.0, max_lag=30)
        health.failed(110.0, retry_seconds=10, reason="OperationalError on the replica")
    assert [r.getMessage() for r in caplog.records] == [
        "Replica not used for report reads: not in recovery (not a standby)"
    ]


# --- report_reads() ------------------------------------------------------------------------


def test_report_reads_is_a_context_manager_and_a_decorator_that_nests_and_restores():
    assert not in_report_reads()
    with report_reads():
        assert in_report_reads()
        with report_reads():
            assert in_report_reads()
        assert in_report_reads()
    assert not in_report_reads()

    @report_reads()
    def report():
        return in_report_reads()

    assert report() is True
    assert report() is True  # the decorator makes a fresh context each call
    assert not in_report_reads()

    with pytest.raises(ValueError), report_reads():
        raise ValueError("the report failed")
    assert not in_report_reads()


def test_report_reads_belongs_to_its_thread():
    seen = []
    with report_reads():
        thread = threading.Thread(target=lambda: seen.append(in_report_reads()))
        thread.start()
        thread.join()
    assert seen == [False]


# --- The router on the suite's database ----------------------------------------------------


def test_the_router_is_installed_and_migrations_run_only_on_default():
    assert settings.DATABASE_ROUTERS == ["config.db.ReplicaRouter"]
    assert router.allow_migrate(DEFAULT, "visits") is True
    assert router.allow_migrate(REPLICA, "visits") is False
    assert ReplicaRouter().allow_migrate(REPLICA, "audit") is False


def test_objects_from_the_primary_and_the_replica_may_be_related():
    ours, theirs, foreign = State(), State(), State()
    ours._state.db, theirs._state.db, foreign._state.db = DEFAULT, REPLICA, "elsewhere"
    assert ReplicaRouter().allow_relation(ours, theirs) is True
    assert ReplicaRouter().allow_relation(ours, foreign) is None


@pytest.mark.django_db
def test_reads_outside_report_reads_and_writes_everywhere_go_to_default():
    assert State.objects.all().db == DEFAULT
    assert primary_reason_now(State) == "not a report read"
    with report_reads():
        assert router.db_for_write(State) == DEFAULT
        state = State.objects.create(name="Write Test", code="WT")
        assert state._state.db == DEFAULT
        # A django_db test runs inside a transaction: the primary serves.
        assert primary_reason_now(State) == "inside a transaction"
        assert State.objects.filter(pk=state.pk).db == DEFAULT
        assert primary_reason_now(AuditEvent) == "primary-only app"


@pytest.mark.django_db(transaction=True)
def test_a_write_pins_the_unit_of_work_to_the_primary_until_the_next_request(client):
    no_replica = None if REPLICA in settings.DATABASES else "no replica configured"
    with report_reads():
        assert primary_reason_now(State) == no_replica
        assert State.objects.all().db == DEFAULT  # no replica here, or a mirror: default
        # Writing the audit event a read use case writes does not pin its reads.
        audit.record(action="report.read", object_type="report")
        assert primary_reason_now(State) == no_replica
        State.objects.create(name="Pin Test", code="PT")
        assert primary_reason_now(State) == "this unit of work wrote"
    with report_reads():
        assert primary_reason_now(State) == "this unit of work wrote"

    client.get("/")  # a request: request_started and request_finished start afresh

    with report_reads():
        assert primary_reason_now(State) == no_replica


@pytest.mark.django_db
def test_postgresql_connections_come_from_the_pool_and_sqlite_has_none():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    if connection.vendor == "postgresql":
        assert connection.pool is not None
        assert connection.connection._pool is connection.pool
        assert connection.settings_dict["CONN_MAX_AGE"] == 0
    else:
        assert connection.vendor == "sqlite"
        assert "pool" not in connection.settings_dict["OPTIONS"]


@pytest.mark.django_db
def test_a_configured_replica_is_a_test_mirror_of_default():
    if REPLICA in settings.DATABASES:
        # .ci/replica runs this module with DATABASE_REPLICA_URL set: no second test
        # database (none could be made on a read-only standby).
        assert settings.DATABASES[REPLICA]["TEST"]["MIRROR"] == DEFAULT
        assert connections[REPLICA].settings_dict["NAME"] == connection.settings_dict["NAME"]
    else:
        assert REPLICA not in connections
