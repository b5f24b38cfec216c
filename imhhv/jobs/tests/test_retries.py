"""A failing job is retried on the back-off schedule and ends failed, keeping its error."""

import logging
from datetime import timedelta

import time_machine
from django.utils import timezone

from imhhv.jobs.errors import PermanentFailure
from imhhv.jobs.models import Job, Status
from imhhv.jobs.services import enqueue
from imhhv.jobs.worker import Worker


def export_that_fails(*, family_id: int):
    # A message that quotes data: it belongs on the row, never in a log.
    raise ValueError(f"family {family_id} has no caregiver named Jane Doe")


def export_that_cannot_succeed(*, family_id: int):
    raise PermanentFailure("the export template is missing")


def export_that_returns_rows(*, family_id: int):
    return {"rows": ["x" * 100] * 200}


def export_that_succeeds(*, family_id: int):
    return {"rows": 12}


def test_a_failing_job_retries_with_back_off_then_fails_with_its_error(
    db, registered, new_events, caplog
):
    registered("test.fails", export_that_fails, max_attempts=3)
    worker = Worker()
    caplog.set_level(logging.INFO, logger="imhhv.jobs")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        start = timezone.now()
        job = enqueue(name="test.fails", kwargs={"family_id": 4242})

        first = worker.run_once()
        assert (first.status, first.attempt, first.error_type) == ("queued", 1, "ValueError")
        job.refresh_from_db()
        assert job.status == Status.QUEUED and job.run_after == start + timedelta(seconds=30)
        assert job.error == "ValueError: family 4242 has no caregiver named Jane Doe"
        assert job.locked_by == "" and job.locked_until is None

        clock.shift(timedelta(seconds=29))
        assert worker.run_once() is None  # not due yet
        clock.shift(timedelta(seconds=1))
        assert worker.run_once().status == "queued"
        job.refresh_from_db()
        assert job.attempts == 2 and job.run_after == timezone.now() + timedelta(seconds=60)

        clock.shift(timedelta(seconds=60))
        last = worker.run_once()
        assert (last.status, last.attempt) == ("failed", 3)
        assert worker.run_once() is None  # failed for good: never claimed again
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.attempts == 3
    assert job.error == "ValueError: family 4242 has no caregiver named Jane Doe"
    assert job.finished_at == start + timedelta(seconds=90) and job.result is None
    [failed] = new_events(action="job.failed")
    assert failed.object_id == str(job.pk)
    assert failed.details == {"name": "test.fails", "attempts": 3, "error_type": "ValueError"}
    assert not new_events(action="job.done")
    # Logs name the job and the exception type: no kwargs, no message.
    assert f"job {job.pk} test.fails attempt 3 of 3 failed: ValueError" in caplog.text
    assert "4242" not in caplog.text and "Jane" not in caplog.text


def test_a_permanent_failure_is_not_retried(db, registered, new_events):
    registered("test.permanent", export_that_cannot_succeed, max_attempts=5)
    job = enqueue(name="test.permanent", kwargs={"family_id": 1})
    assert Worker().run_once().status == "failed"
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.attempts == 1
    assert job.error == "PermanentFailure: the export template is missing"
    assert len(new_events(action="job.failed")) == 1


def test_a_result_too_big_to_keep_fails_the_job(db, registered):
    registered("test.rows", export_that_returns_rows, max_attempts=3)
    job = enqueue(name="test.rows", kwargs={"family_id": 1})
    assert Worker().run_once().status == "failed"
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.error.startswith("BadJobResult: the result is over")


def test_a_retry_that_succeeds_is_done_once(db, registered, new_events):
    """The first attempt fails, the second succeeds: one job.done, no job.failed."""
    calls = []

    def flaky(*, family_id: int):
        calls.append(family_id)
        if len(calls) == 1:
            raise ConnectionError("the export store did not answer")
        return {"rows": 12}

    registered("test.flaky", flaky)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        job = enqueue(name="test.flaky", kwargs={"family_id": 9})
        assert Worker().run_once().status == "queued"
        clock.shift(timedelta(seconds=30))
        assert Worker().run_once().status == "done"
    job.refresh_from_db()
    assert job.status == Status.DONE and job.attempts == 2 and job.result == {"rows": 12}
    assert calls == [9, 9]
    assert len(new_events(action="job.done")) == 1 and not new_events(action="job.failed")
    assert Job.objects.count() == 1
