"""Real worker processes (`manage.py run_worker`) against the test's database.

On PostgreSQL they share pytest-django's test database; on SQLite a migrated file (see
`conftest.py`), since no other process can open the in-memory one.
"""

import re
import signal
from collections import Counter

from imhhv.audit.models import AuditEvent
from imhhv.jobs.models import Job, Status
from imhhv.jobs.services import enqueue
from imhhv.jobs.tests.conftest import LONG_AGO, manage, read_until, start_manage, stop
from tests.factories import UserFactory


def job_events(action):
    return list(AuditEvent.objects.filter(object_type="job", action=action).order_by("seq"))


def test_a_worker_process_runs_the_audit_check_and_stores_its_counts(worker_database):
    user = UserFactory(username="ops_lead")
    job = enqueue(name="audit.verify", run_after=LONG_AGO, created_by=user)

    ran = manage("run_worker", "--burst", database_url=worker_database)

    assert ran.returncode == 0, ran.stderr
    assert f"job {job.pk} audit.verify done" in ran.stdout
    assert "stopped after 1 job(s)" in ran.stdout
    job.refresh_from_db()
    assert job.status == Status.DONE and job.attempts == 1 and job.error == ""
    assert re.fullmatch(r".+:\d+", job.locked_by) and job.finished_at >= job.started_at
    [enqueued] = job_events("job.enqueue")
    [done] = job_events("job.done")
    assert enqueued.object_id == done.object_id == str(job.pk)
    # Outside a request, the worker's events name the person who queued the job.
    assert enqueued.username == done.username == "ops_lead"
    # It checked the whole chain as it stood before its own "done" event.
    checked = AuditEvent.objects.filter(seq__lt=done.seq).count()
    assert job.result["checked"] == checked >= 1
    assert job.result["checkpoints"] == 0
    assert sum(job.result["events_per_key"].values()) == checked


def test_two_worker_processes_run_each_of_20_jobs_exactly_once(worker_database):
    """Two workers at once over 20 jobs: each job is started by one worker, done once.

    On PostgreSQL this is SKIP LOCKED at work; on SQLite the conditional UPDATE. Each job
    holds its worker 0.3 s, so the two overlap and both take a share.
    """
    jobs = [
        enqueue(name="jobs.ping", kwargs={"hold_seconds": 0.3}, run_after=LONG_AGO)
        for _ in range(20)
    ]
    ids = {job.pk for job in jobs}
    workers = [start_manage("run_worker", "--burst", database_url=worker_database) for _ in "ab"]
    try:
        outputs = [worker.communicate(timeout=180) for worker in workers]
    finally:
        for worker in workers:
            stop(worker)
    for worker, (stdout, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr

    started = [
        {int(pk) for pk in re.findall(r"^job (\d+) jobs\.ping started", out, re.M)}
        for out, _ in outputs
    ]
    assert started[0].isdisjoint(started[1]) and started[0] | started[1] == ids
    assert all(started), "both workers took a share"

    rows = list(Job.objects.filter(pk__in=ids))
    assert {row.status for row in rows} == {Status.DONE}
    assert {row.attempts for row in rows} == {1}
    assert all(row.result["worker"] == row.locked_by for row in rows)
    assert len({row.locked_by for row in rows}) == 2
    assert Counter(e.object_id for e in job_events("job.done")) == {str(pk): 1 for pk in ids}
    assert Counter(e.object_id for e in job_events("job.enqueue")) == {str(pk): 1 for pk in ids}


def test_sigterm_lets_the_running_job_finish_then_the_worker_exits(worker_database):
    job = enqueue(name="jobs.ping", kwargs={"hold_seconds": 1}, run_after=LONG_AGO)
    waiting = enqueue(name="jobs.ping", run_after=LONG_AGO)
    worker = start_manage("run_worker", database_url=worker_database)
    try:
        read_until(worker, f"job {job.pk} jobs.ping started")
        worker.send_signal(signal.SIGTERM)
        stdout, stderr = worker.communicate(timeout=60)
    finally:
        stop(worker)
    assert worker.returncode == 0, stderr
    assert f"job {job.pk} jobs.ping done" in stdout and "stopped after 1 job(s)" in stdout
    job.refresh_from_db()
    assert job.status == Status.DONE
    # The worker left the next job for another worker rather than start it.
    assert Job.objects.get(pk=waiting.pk).status == Status.QUEUED


def test_an_idle_worker_stops_on_sigterm(worker_database):
    worker = start_manage("run_worker", "--poll-max", "600", database_url=worker_database)
    try:
        read_until(worker, "started (until stopped; queues: all;")
        worker.send_signal(signal.SIGTERM)
        stdout, stderr = worker.communicate(timeout=30)
    finally:
        stop(worker)
    assert worker.returncode == 0, stderr
    assert "stopped after 0 job(s)" in stdout
