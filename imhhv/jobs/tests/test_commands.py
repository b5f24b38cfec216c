"""The operators' commands: `enqueue_job NAME --arg key=value`, `run_worker --burst --queue`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from imhhv.jobs.models import Job, Status
from imhhv.jobs.services import enqueue
from tests.factories import UserFactory


def export_visits(*, agency_id: int, since: str, dry_run: bool = False, ids: list | None = None):
    return {"agency_id": agency_id, "dry_run": dry_run}


@pytest.fixture
def export_job(registered):
    registered("test.export", export_visits, queue="exports")
    return "test.export"


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_enqueue_job_reads_ids_flags_and_dates_from_its_arguments(db, export_job, new_events):
    user = UserFactory(username="ops_lead")
    out = run(
        "enqueue_job",
        export_job,
        "--arg",
        "agency_id=3",
        "--arg",
        "since=2026-01-05",
        "--arg",
        "dry_run=true",
        "--arg",
        "ids=[4, 5]",
        "--user",
        "ops_lead",
    )
    job = Job.objects.get()
    assert out == f"job {job.pk} test.export queued on exports\n"
    assert job.kwargs == {"agency_id": 3, "since": "2026-01-05", "dry_run": True, "ids": [4, 5]}
    assert job.created_by == user
    [event] = new_events(action="job.enqueue")
    assert event.username == "ops_lead"


def test_enqueue_job_with_a_pending_key_reports_the_job_already_there(db):
    first = run("enqueue_job", "audit.verify", "--unique-key", "nightly-audit")
    again = run("enqueue_job", "audit.verify", "--unique-key", "nightly-audit")
    job = Job.objects.get()
    assert first == f"job {job.pk} audit.verify queued on default\n"
    assert again == f"job {job.pk} audit.verify is already queued (same key)\n"


def test_enqueue_job_takes_a_start_time_and_attempts(db):
    run(
        "enqueue_job",
        "audit.verify",
        "--queue",
        "nightly",
        "--run-after",
        "2030-01-01T02:00:00-05:00",
        "--max-attempts",
        "1",
    )
    job = Job.objects.get()
    assert (job.queue, job.max_attempts) == ("nightly", 1)
    assert job.run_after.isoformat() == "2030-01-01T07:00:00+00:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no.such.job"], "No job is registered under the name 'no.such.job'."),
        (["test.export", "--arg", "agency_id"], "--arg takes key=value"),
        (["test.export", "--arg", "agency_id=3"], "missing a required argument: 'since'"),
        (["audit.verify", "--user", "nobody_here"], "no active user 'nobody_here'"),
        (["audit.verify", "--run-after", "tomorrow"], "--run-after takes an ISO datetime"),
        (["audit.verify", "--run-after", "2030-01-01T02:00"], "with its UTC offset"),
        (["audit.verify", "--max-attempts", "0"], "max_attempts must be at least 1"),
    ],
)
def test_enqueue_job_refuses_with_a_clear_message(db, export_job, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run("enqueue_job", *args)
    assert not Job.objects.exists()


def test_run_worker_burst_runs_the_due_jobs_of_its_queues_and_exits(db, export_job):
    nightly = enqueue(name="audit.verify", queue="nightly")
    export = enqueue(name=export_job, kwargs={"agency_id": 3, "since": "2026-01-05"})
    out = run("run_worker", "--burst", "--queue", "nightly")
    assert f"job {nightly.pk} audit.verify started (attempt 1 of 3)" in out
    assert f"job {nightly.pk} audit.verify done in" in out
    assert "stopped after 1 job(s)" in out
    assert Job.objects.get(pk=export.pk).status == Status.QUEUED

    out = run("run_worker", "--once")
    assert f"job {export.pk} test.export done in" in out
    assert Job.objects.get(pk=export.pk).result == {"agency_id": 3, "dry_run": False}
