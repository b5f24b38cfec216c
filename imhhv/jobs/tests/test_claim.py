"""Claiming: oldest due job first, never one job by two workers, leases that expire."""

import re
import threading
from datetime import timedelta

import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imhhv.jobs import services
from imhhv.jobs.models import Job, Status
from imhhv.jobs.registry import get_job
from imhhv.jobs.services import claim, complete, enqueue


def test_the_oldest_due_job_is_claimed_first_and_a_future_one_waits(db):
    now = timezone.now()
    later = enqueue(name="jobs.ping", run_after=now + timedelta(minutes=5))
    second = enqueue(name="jobs.ping", run_after=now - timedelta(minutes=1))
    first = enqueue(name="jobs.ping", run_after=now - timedelta(minutes=2))
    with time_machine.travel(now, tick=False):
        taken = [claim(worker_id="host:1"), claim(worker_id="host:1"), claim(worker_id="host:1")]
    assert [job.pk if job else None for job in taken] == [first.pk, second.pk, None]
    job = Job.objects.get(pk=first.pk)
    assert job.status == Status.RUNNING and job.attempts == 1
    assert job.locked_by == "host:1" and job.started_at == now
    assert job.locked_until == now + get_job("jobs.ping").lease
    assert Job.objects.get(pk=later.pk).status == Status.QUEUED


def test_a_worker_takes_only_its_queues(db):
    nightly = enqueue(name="jobs.ping", queue="nightly")
    enqueue(name="jobs.ping", queue="default")
    assert claim(worker_id="w:1", queues=["exports"]) is None
    assert claim(worker_id="w:1", queues=["nightly"]).pk == nightly.pk


def test_a_job_this_worker_does_not_know_is_left_to_workers_that_do(db):
    """A worker still on older code must not claim (and fail) a job added since."""
    job = enqueue(name="jobs.ping")
    Job.objects.filter(pk=job.pk).update(name="reports.added_in_the_next_release")
    assert claim(worker_id="w:1") is None
    assert Job.objects.get(pk=job.pk).status == Status.QUEUED


def test_claims_skip_locked_rows_on_postgresql_and_update_conditionally_on_sqlite(db):
    job = enqueue(name="jobs.ping")
    with CaptureQueriesContext(connection) as queries:
        assert claim(worker_id="w:1").pk == job.pk
    sql = "\n".join(query["sql"] for query in queries.captured_queries)
    if connection.vendor == "postgresql":
        assert "FOR UPDATE SKIP LOCKED" in sql
    else:
        assert connection.vendor == "sqlite"
        # UPDATE … SET status = 'running' … WHERE status = 'queued' AND … AND id = <job>
        update = re.search(r'^UPDATE "jobs_job" SET .*$', sql, re.MULTILINE).group(0)
        where = update.split(" WHERE ", 1)[1]
        assert '"jobs_job"."status" = \'queued\'' in where
        assert f'"jobs_job"."id" = {job.pk}' in where


def test_a_job_another_worker_is_claiming_is_not_taken_twice(transactional_db):
    """The race itself, on each database's own mechanism.

    PostgreSQL: while another worker's transaction holds the oldest job's row, a claim skips
    it for the next one at once (SKIP LOCKED), neither waiting nor taking it too.
    SQLite: a worker that read a job as a candidate, and lost it to another worker before
    its UPDATE, finds the UPDATE's condition false and takes the next candidate.
    """
    oldest = enqueue(name="jobs.ping", run_after=timezone.now() - timedelta(minutes=2))
    next_one = enqueue(name="jobs.ping", run_after=timezone.now() - timedelta(minutes=1))
    if connection.vendor == "postgresql":
        locked, release = threading.Event(), threading.Event()

        def other_worker_mid_claim():
            try:
                with transaction.atomic():
                    Job.objects.select_for_update().get(pk=oldest.pk)
                    locked.set()
                    release.wait(30)
            finally:
                connection.close()

        other = threading.Thread(target=other_worker_mid_claim)
        other.start()
        try:
            assert locked.wait(30)
            taken = claim(worker_id="w:2")
        finally:
            release.set()
            other.join(30)
        assert taken.pk == next_one.pk
        assert Job.objects.get(pk=oldest.pk).status == Status.QUEUED
    else:
        now = timezone.now()
        due = services._queued_and_due(now)
        candidates = services._candidates(due)
        assert [pk for pk, _ in candidates] == [oldest.pk, next_one.pk]
        assert claim(worker_id="w:other").pk == oldest.pk  # between our read and our UPDATE
        assert not services._take(oldest.pk, "jobs.ping", due, worker_id="w:1", now=now)
        assert services._take(next_one.pk, "jobs.ping", due, worker_id="w:1", now=now)
        assert Job.objects.get(pk=oldest.pk).locked_by == "w:other"
        assert Job.objects.get(pk=next_one.pk).locked_by == "w:1"


def test_an_expired_lease_is_reclaimed_and_the_lost_worker_cannot_finish_it(db, new_events):
    lease = get_job("jobs.ping").lease
    with time_machine.travel(timezone.now(), tick=False) as clock:
        job = enqueue(name="jobs.ping", max_attempts=2)
        stalled = claim(worker_id="host-a:101")
        clock.shift(lease - timedelta(seconds=1))
        assert claim(worker_id="host-b:202") is None  # still held
        clock.shift(timedelta(seconds=2))
        taken = claim(worker_id="host-b:202")
        assert taken.pk == job.pk and taken.attempts == 2 and taken.locked_by == "host-b:202"
        assert taken.locked_until == timezone.now() + lease
        # The first worker wakes up: its outcome is dropped, with no audit event.
        assert complete(stalled, result={"worker": "host-a:101"}) is False
        assert complete(taken, result={"worker": "host-b:202"}) is True
    job.refresh_from_db()
    assert job.status == Status.DONE and job.result == {"worker": "host-b:202"}
    assert job.locked_until is None and job.locked_by == "host-b:202"
    [done] = new_events(action="job.done")
    assert done.object_id == str(job.pk) and done.details == {"name": "jobs.ping", "attempts": 2}


def test_a_last_attempt_that_ran_out_its_lease_fails_the_job(db, new_events):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        job = enqueue(name="jobs.ping", max_attempts=1)
        stalled = claim(worker_id="host-a:101")
        clock.shift(get_job("jobs.ping").lease + timedelta(seconds=1))
        assert claim(worker_id="host-b:202") is None
        assert services.fail_abandoned() == 0  # once only
        assert complete(stalled, result={}) is False
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.error.startswith("LeaseExpired:")
    assert job.finished_at is not None and job.attempts == 1
    [failed] = new_events(action="job.failed")
    assert failed.object_id == str(job.pk) and failed.details["error_type"] == "LeaseExpired"
    assert not new_events(action="job.done")
