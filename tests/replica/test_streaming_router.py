"""The router against a real streaming replica (`.ci/replica` starts the two clusters).

Report reads (`report_reads()`) are served by the replica when it is up and close behind;
writes never go there; the primary serves when the replica is stopped or lags, with no
error, and the replica serves again once it is back.
"""

import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connections, router, transaction

from config.db import LAG_SQL, REPLICA, replica_health, report_reads
from imhhv.agencies.models import State
from imhhv.audit.models import AuditEvent
from tests.replica.conftest import _poll, new_request

pytestmark = [
    pytest.mark.replica,
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]


@contextmanager
def statements_on(alias: str):
    """The SQL each statement sent through `alias` starts with, across request boundaries
    (Django's own query log is emptied at every request start)."""
    sent: list[str] = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connections[alias].execute_wrapper(record):
        yield sent


def served_by(alias: str) -> tuple[bool, int]:
    """(in recovery, server port) of the server behind a connection alias."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
        in_recovery, port = cursor.fetchone()
    return in_recovery, port


def replica_port() -> int:
    return int(connections[REPLICA].settings_dict["PORT"])


def a_state(code: str) -> State:
    return State.objects.create(name=f"State {code}", code=code)


def report_read(code: str) -> tuple[str, bool]:
    """One report read: (the alias that served it, whether the state was found)."""
    with report_reads():
        query = State.objects.filter(code=code)
        return query.db, query.exists()


def test_a_write_on_the_primary_is_replayed_and_the_report_read_served_by_the_replica(
    cluster,
):
    a_state("RA")
    new_request()
    cluster.wait_replayed()

    with statements_on(REPLICA) as on_replica:
        alias, found = report_read("RA")

    assert (alias, found) == (REPLICA, True)
    assert any('"agencies_state"' in sql for sql in on_replica)
    assert served_by(alias) == (True, replica_port())
    # Outside report_reads() the same read is the primary's.
    assert State.objects.filter(code="RA").db == "default"
    assert served_by("default")[0] is False


def test_a_report_read_sees_what_the_replica_has_replayed_not_the_primary(cluster, settings):
    """Proof by staleness: with replay paused, a row written since is on the primary only,
    and a report read does not find it."""
    settings.REPLICA_MAX_LAG_SECONDS = 3600
    a_state("RB")
    cluster.wait_replayed()  # a replayed commit: the lag is measurable while paused
    cluster.pause_replay()
    a_state("RC")
    new_request()

    assert report_read("RB") == (REPLICA, True)
    assert report_read("RC") == (REPLICA, False)
    assert State.objects.filter(code="RC").exists()

    cluster.resume_replay()
    cluster.wait_replayed()
    assert report_read("RC") == (REPLICA, True)


def test_writes_never_go_to_the_replica(cluster):
    # The replica is read-only: a write sent there would fail with ReadOnlySqlTransaction.
    new_request()
    cluster.wait_replayed()
    with statements_on(REPLICA) as on_replica, report_reads():
        assert router.db_for_write(State) == "default"
        state = a_state("RD")
        state.name = "Renamed"
        state.save()
        State.objects.filter(code="RD").update(name="Updated")
        State.objects.get_or_create(code="RE", defaults={"name": "State RE"})
        State.objects.bulk_create([State(name="State RF", code="RF")])
        State.objects.filter(code="RF").delete()
        with transaction.atomic():
            State.objects.select_for_update().get(code="RD")

    written = {"INSERT", "UPDATE", "DELETE"}
    assert not [sql for sql in on_replica if sql.split()[0].upper() in written]
    assert State.objects.get(code="RD").name == "Updated"
    assert set(State.objects.values_list("code", flat=True)) == {"RD", "RE"}


def test_reads_after_a_write_or_in_a_transaction_or_of_primary_only_apps_stay_on_the_primary(
    cluster,
):
    a_state("RG")
    new_request()
    cluster.wait_replayed()
    assert report_read("RG") == (REPLICA, True)

    with report_reads():
        # Security and audit data are always read fresh.
        assert AuditEvent.objects.all().db == "default"
        with transaction.atomic():
            assert State.objects.all().db == "default"
        assert State.objects.all().db == REPLICA
        # Read-your-writes: once this unit of work wrote, its reads stay on the primary.
        a_state("RH")
        assert report_read("RH") == ("default", True)
    new_request()
    cluster.wait_replayed()
    assert report_read("RH") == (REPLICA, True)


def test_a_stopped_replica_falls_back_to_the_primary_without_error_and_serves_again(cluster):
    a_state("RI")
    new_request()
    cluster.wait_replayed()
    assert report_read("RI") == (REPLICA, True)

    cluster.stop_replica()
    new_request()
    started = time.monotonic()
    assert report_read("RI") == ("default", True)
    first_fallback = time.monotonic() - started
    started = time.monotonic()
    assert report_read("RI") == ("default", True)
    skipped = time.monotonic() - started
    # The first read waits for the connect timeout (1 s); within the back-off the replica
    # is not tried again.
    assert first_fallback < 5
    assert skipped < 0.5
    assert replica_health.state.down_until > time.monotonic()

    cluster.start_replica()
    cluster.wait_replayed()
    replica_health.reset()  # as when REPLICA_RETRY_SECONDS have passed
    new_request()
    assert report_read("RI") == (REPLICA, True)


def test_a_replica_that_dies_mid_request_fails_that_query_and_the_next_read_falls_back(
    cluster,
):
    a_state("RJ")
    new_request()
    cluster.wait_replayed()
    assert report_read("RJ") == (REPLICA, True)  # this request holds a replica connection

    cluster.stop_replica()
    with pytest.raises(OperationalError), report_reads():
        State.objects.filter(code="RJ").exists()
    assert report_read("RJ") == ("default", True)


def test_a_lagging_replica_falls_back_to_the_primary_and_serves_again_once_caught_up(
    cluster, settings
):
    settings.REPLICA_MAX_LAG_SECONDS = 1
    a_state("RK")
    cluster.wait_replayed()
    cluster.pause_replay()
    a_state("RL")
    new_request()
    _poll(lambda: (cluster.lag() or 0) > 1.5, timeout=15, what="the replay lag to pass 1.5 s")

    replica_health.reset()  # as when REPLICA_CHECK_SECONDS have passed
    assert report_read("RL") == ("default", True)
    assert "replay lag" in replica_health.state.reason

    cluster.resume_replay()
    cluster.wait_replayed()
    replica_health.reset()
    assert report_read("RL") == (REPLICA, True)


def test_the_health_check_runs_once_per_interval_not_once_per_read(cluster, settings):
    settings.REPLICA_CHECK_SECONDS = 60
    a_state("RM")
    new_request()
    cluster.wait_replayed()

    with statements_on(REPLICA) as on_replica:
        for _ in range(3):
            for _ in range(4):
                assert report_read("RM") == (REPLICA, True)
            new_request()  # the connection goes back to the pool and is fetched again

    checks = [sql for sql in on_replica if sql == LAG_SQL]
    reads = [sql for sql in on_replica if '"agencies_state"' in sql]
    assert (len(checks), len(reads), len(on_replica)) == (1, 12, 13)
