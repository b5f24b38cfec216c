"""Queuing a job: checked arguments, one audit event, idempotency keys, the caller's transaction."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imhhv.jobs.errors import BadJobArguments, UnknownJob
from imhhv.jobs.models import Job, Status
from imhhv.jobs.registry import get_job
from imhhv.jobs.services import _checked_kwargs, enqueue
from tests.factories import UserFactory


def export_visits(*, agency_id: int, since: str, dry_run: bool = False):
    return {"rows": 0}


def takes_anything(**kwargs):
    return None


@pytest.fixture
def export_job(registered):
    registered("test.export", export_visits, queue="exports", max_attempts=5)
    return "test.export"


def test_enqueue_stores_the_job_with_its_registration_defaults(db, export_job, new_events):
    user = UserFactory()
    new_events.reset()
    job = enqueue(
        name=export_job, kwargs={"agency_id": 3, "since": date(2026, 1, 5)}, created_by=user
    )
    job = Job.objects.get(pk=job.pk)
    assert job.status == Status.QUEUED and job.attempts == 0
    assert (job.queue, job.max_attempts) == ("exports", 5)
    assert job.kwargs == {"agency_id": 3, "since": "2026-01-05"}
    assert job.run_after == job.created_at and job.created_by == user
    [event] = new_events()
    assert (event.action, event.object_type, event.object_id) == ("job.enqueue", "job", str(job.pk))
    assert event.username == user.username
    # The event names the job and its argument names, never their values.
    assert event.details == {
        "name": export_job,
        "queue": "exports",
        "arguments": ["agency_id", "since"],
    }


def test_enqueue_can_delay_a_job_and_override_the_defaults(db, export_job):
    later = timezone.now() + timedelta(hours=2)
    job = enqueue(
        name=export_job,
        kwargs={"agency_id": 1, "since": "2026-01-05"},
        queue="nightly",
        run_after=later,
        max_attempts=1,
    )
    assert (job.queue, job.run_after, job.max_attempts) == ("nightly", later, 1)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"agency_id": 3},  # a required argument missing
        {"agency_id": 3, "since": "2026-01-05", "family_name": "x"},  # one it does not take
        {"agency_id": 3, "since": "2026-01-05", "dry_run": {"nested": 1}},
        {"agency_id": 3, "since": "x" * 101},  # text, not an id or a date
        {"agency_id": [[1]], "since": "2026-01-05"},
        {"agency_id": object(), "since": "2026-01-05"},
    ],
)
def test_enqueue_refuses_arguments_the_job_cannot_take_and_writes_nothing(
    db, export_job, new_events, kwargs
):
    with pytest.raises(BadJobArguments) as refused:
        enqueue(name=export_job, kwargs=kwargs)
    assert not Job.objects.exists() and not new_events()
    # The message may name an argument, never quote its value.
    assert "xxxxx" not in refused.value.message


def test_enqueue_refuses_an_unknown_job(db, new_events):
    with pytest.raises(UnknownJob):
        enqueue(name="no.such.job")
    assert not Job.objects.exists() and not new_events()


def test_a_job_enqueued_in_a_transaction_that_rolls_back_vanishes_with_it(
    db, export_job, new_events
):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(name=export_job, kwargs={"agency_id": 1, "since": "2026-01-05"})
        raise RuntimeError("the write that needed the job failed")
    assert not Job.objects.exists() and not new_events()


def test_a_unique_key_returns_the_pending_job_instead_of_a_second(db, new_events):
    first = enqueue(name="audit.verify", unique_key="audit.verify:nightly")
    again = enqueue(name="audit.verify", unique_key="audit.verify:nightly")
    other = enqueue(name="audit.verify", unique_key="audit.verify:other")
    assert again.pk == first.pk and other.pk != first.pk
    assert Job.objects.count() == 2
    assert len(new_events(action="job.enqueue")) == 2
    # Still pending while running; once finished, the key is free again.
    Job.objects.filter(pk=first.pk).update(status=Status.RUNNING)
    assert enqueue(name="audit.verify", unique_key="audit.verify:nightly").pk == first.pk
    Job.objects.filter(pk=first.pk).update(status=Status.DONE)
    fresh = enqueue(name="audit.verify", unique_key="audit.verify:nightly")
    assert fresh.pk not in {first.pk, other.pk}
    assert len(new_events(action="job.enqueue")) == 3


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.dates(),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", max_size=20),
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.from_regex(r"\A[a-z_][a-z0-9_]{0,15}\Z"),
        st.one_of(scalars, st.lists(scalars, max_size=5)),
        max_size=8,
    )
)
def test_flat_arguments_of_ids_dates_and_flags_are_kept_as_json(registered, kwargs):
    registered("test.anything", takes_anything)
    stored = _checked_kwargs(get_job("test.anything"), kwargs)

    def as_json(value):
        if isinstance(value, list):
            return [as_json(item) for item in value]
        return value.isoformat() if isinstance(value, date) else value

    assert stored == {key: as_json(value) for key, value in kwargs.items()}
