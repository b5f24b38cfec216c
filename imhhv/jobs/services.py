"""The queue's writes: enqueue a job, and a worker's claim, complete and fail.

Claiming is where two workers must never take the same job, and it works differently on
the two databases:

- PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` (oldest due job first) in a transaction that
  also marks the row running. A job another worker is claiming is locked, so it is skipped,
  not waited for: any number of workers on any number of machines take distinct jobs.
- SQLite (no row locks): read a few candidate ids, then take one with a conditional
  `UPDATE … WHERE id = ? AND status = 'queued' AND run_after <= now` (or the expired-lease
  condition). SQLite runs one write at a time, so of two processes racing for a row the
  second finds the condition false and moves on to the next candidate.

A claim sets a lease (`locked_until`, the job's `lease` from the registry). A worker that
dies leaves its job `running`; once the lease has passed any worker may claim it again,
counting one more attempt, and a job whose last attempt ran out its lease is failed. A
slow worker that lost its lease cannot then overwrite the outcome: completing and failing
update the row only while it still holds it (same worker, same attempt), and write their
audit event only when they did. So each job is *run* at least once and usually once, and
*finished* (row and audit event) exactly once.

A failed attempt is retried after `retry_delay(attempts)` (`imhhv/jobs/backoff.py`) until
`max_attempts`; the last failure, or a `PermanentFailure`, ends the job `failed`. The row
keeps the exception's type and message; logs carry the job's id, name and the exception
type only (a message may quote data).

Audit: "job.enqueue" when a job is created (not when an idempotent enqueue returns an
existing one), "job.done" and "job.failed" when it finishes, object type "job". Workers run
outside a request, so the actor is the job's `created_by` (none for jobs an operator
enqueued without `--user`).

Every transaction here that writes starts with its write (the INSERT or the conditional
UPDATE), so on SQLite it takes the write lock at once instead of upgrading a read lock,
which SQLite refuses with "database is locked" when another writer is waiting.
"""

import inspect
import json
import logging
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from imhhv.audit.services import record
from imhhv.jobs.backoff import retry_delay
from imhhv.jobs.errors import BadJobArguments, PermanentFailure
from imhhv.jobs.models import Job, Status
from imhhv.jobs.registry import JobSpec, get_job, registered_jobs

log = logging.getLogger("imhhv.jobs")

MAX_KWARGS_BYTES = 2_000
MAX_STRING_LENGTH = 100
MAX_LIST_LENGTH = 1_000
MAX_RESULT_BYTES = 10_000
MAX_ERROR_LENGTH = 500
# How many candidates a SQLite claim tries before giving up for this round.
CANDIDATES = 10


class BadJobResult(PermanentFailure):
    """The job returned something that is not a small JSON object."""


# --- Enqueue ------------------------------------------------------------------------------


def enqueue(
    *,
    name: str,
    kwargs: dict[str, Any] | None = None,
    queue: str | None = None,
    run_after: datetime | None = None,
    max_attempts: int | None = None,
    unique_key: str | None = None,
    created_by: Any = None,
) -> Job:
    """Queue the job `name` with `kwargs` (ids and dates only) and return it.

    Runs in the caller's transaction: a job enqueued by a write that rolls back vanishes
    with it, and a worker sees it only once the caller commits. With `unique_key`, while a
    job with that key is queued or running, that job is returned instead of a new one.
    Queue and max attempts default to the job's registration.
    """
    spec = get_job(name)
    kwargs = _checked_kwargs(spec, kwargs or {})
    if max_attempts is not None and max_attempts < 1:
        raise BadJobArguments("max_attempts must be at least 1.")
    if created_by is not None and not getattr(created_by, "is_authenticated", False):
        created_by = None
    now = timezone.now()
    # Insert first (no read before the write, see the module docstring); the partial unique
    # constraint turns a second pending job with the same key into an IntegrityError.
    for _ in range(3):
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    name=name,
                    queue=queue or spec.queue,
                    kwargs=kwargs,
                    run_after=run_after or now,
                    created_at=now,
                    max_attempts=max_attempts or spec.max_attempts,
                    unique_key=unique_key or None,
                    created_by=created_by,
                )
                record(
                    action="job.enqueue",
                    object_type="job",
                    object_id=job.pk,
                    user=created_by,
                    details={"name": name, "queue": job.queue, "arguments": sorted(kwargs)},
                )
            return job
        except IntegrityError:
            if not unique_key:
                raise
            existing = pending_job_with_key(unique_key)
            if existing is not None:
                return existing
            # The job holding the key finished in between: try the insert again.
    raise RuntimeError(f"could not enqueue {name}: its unique key kept changing hands")


def pending_job_with_key(unique_key: str) -> Job | None:
    return Job.objects.filter(
        unique_key=unique_key, status__in=[Status.QUEUED, Status.RUNNING]
    ).first()


def _checked_kwargs(spec: JobSpec, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Kwargs as they will be stored: a flat, small JSON object the job function accepts.

    Dates and datetimes become ISO strings. Messages name arguments, never their values.
    """
    if not isinstance(kwargs, dict):
        raise BadJobArguments("Job arguments must be an object of named values.")
    cleaned = {}
    for key, value in kwargs.items():
        if not isinstance(key, str) or not key.isidentifier():
            raise BadJobArguments("Job argument names must be identifiers.")
        cleaned[key] = _checked_value(key, value)
    try:
        inspect.signature(spec.func).bind(**cleaned)
    except TypeError as error:
        raise BadJobArguments(f"Job {spec.name}: {error}.") from None
    if len(json.dumps(cleaned)) > MAX_KWARGS_BYTES:
        raise BadJobArguments(
            f"Job arguments must stay under {MAX_KWARGS_BYTES} bytes: pass ids, not data."
        )
    return cleaned


def _checked_value(key: str, value: Any) -> Any:
    if isinstance(value, list | tuple):
        if len(value) > MAX_LIST_LENGTH:
            raise BadJobArguments(f"Argument {key!r} has more than {MAX_LIST_LENGTH} items.")
        return [_checked_scalar(key, item) for item in value]
    return _checked_scalar(key, value)


def _checked_scalar(key: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        if len(value) > MAX_STRING_LENGTH:
            raise BadJobArguments(
                f"Argument {key!r} is longer than {MAX_STRING_LENGTH} characters: "
                "pass ids and dates, not text."
            )
        return value
    raise BadJobArguments(
        f"Argument {key!r} must be a number, string, date, flag or a list of them."
    )


# --- Claim --------------------------------------------------------------------------------


def claim(*, worker_id: str, queues: Sequence[str] | None = None) -> Job | None:
    """Take the oldest due job this worker can run (queued, or its lease expired); or None.

    Only jobs registered in this process are claimed, so a worker running older code leaves
    jobs it does not know to workers that do. Jobs whose last attempt ran out its lease are
    failed first.
    """
    now = timezone.now()
    fail_abandoned(now=now)
    names = list(registered_jobs())
    if not names:
        return None
    scope = Q(name__in=names)
    if queues:
        scope &= Q(queue__in=list(queues))
    # Abandoned jobs first: they were due before anything queued after them.
    for due in (_expired_lease(now), _queued_and_due(now)):
        if connection.features.has_select_for_update_skip_locked:
            job = _claim_skip_locked(scope & due, worker_id=worker_id, now=now)
        else:
            job = _claim_conditional_update(scope, due, worker_id=worker_id, now=now)
        if job is not None:
            log.info("job %s %s claimed (attempt %s)", job.pk, job.name, job.attempts)
            return job
    return None


def _queued_and_due(now: datetime) -> Q:
    return Q(status=Status.QUEUED, run_after__lte=now)


def _expired_lease(now: datetime) -> Q:
    return Q(status=Status.RUNNING, locked_until__lt=now, attempts__lt=F("max_attempts"))


def _claim_skip_locked(condition: Q, *, worker_id: str, now: datetime) -> Job | None:
    with transaction.atomic():
        job = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(condition)
            .order_by("run_after", "id")
            .first()
        )
        if job is None:
            return None
        job.status = Status.RUNNING
        job.attempts += 1
        job.locked_by = worker_id
        job.locked_until = now + get_job(job.name).lease
        job.started_at = now
        job.save(update_fields=["status", "attempts", "locked_by", "locked_until", "started_at"])
    return job


def _claim_conditional_update(scope: Q, due: Q, *, worker_id: str, now: datetime) -> Job | None:
    for pk, name in _candidates(scope & due):
        if _take(pk, name, due, worker_id=worker_id, now=now):
            return Job.objects.get(pk=pk)
    return None


def _candidates(condition: Q) -> list[tuple[int, str]]:
    """(id, name) of the first few jobs meeting `condition`, oldest first."""
    rows = Job.objects.filter(condition).order_by("run_after", "id").values_list("pk", "name")
    return list(rows[:CANDIDATES])


def _take(pk: int, name: str, due: Q, *, worker_id: str, now: datetime) -> bool:
    """Mark job `pk` running for this worker if it still meets `due`: true for one process.

    The whole condition is in the UPDATE's WHERE, so a job another worker took since it
    was read is left alone (0 rows).
    """
    taken = Job.objects.filter(due, pk=pk).update(
        status=Status.RUNNING,
        attempts=F("attempts") + 1,
        locked_by=worker_id,
        locked_until=now + get_job(name).lease,
        started_at=now,
    )
    return taken == 1


def fail_abandoned(*, now: datetime | None = None) -> int:
    """Fail running jobs whose last attempt ran out its lease; returns how many."""
    now = now or timezone.now()
    abandoned = Q(status=Status.RUNNING, locked_until__lt=now, attempts__gte=F("max_attempts"))
    failed = 0
    for job in Job.objects.filter(abandoned).select_related("created_by")[:100]:
        error = "LeaseExpired: the worker holding the last attempt stopped or ran past its lease"
        with transaction.atomic():
            updated = Job.objects.filter(abandoned, pk=job.pk).update(
                status=Status.FAILED, finished_at=now, locked_until=None, error=error
            )
            if updated:
                _record_finish(job, "job.failed", error_type="LeaseExpired")
        if updated:
            failed += 1
            log.warning("job %s %s failed: LeaseExpired", job.pk, job.name)
    return failed


# --- Finish -------------------------------------------------------------------------------


def _still_held(job: Job):
    """The job's row while this worker still holds this attempt (same worker, same try)."""
    return Job.objects.filter(
        pk=job.pk, status=Status.RUNNING, locked_by=job.locked_by, attempts=job.attempts
    )


def complete(job: Job, *, result: dict | None) -> bool:
    """Mark a claimed job done with `result`; False if this worker had lost it.

    Raises BadJobResult when the result is not a small JSON object (the caller fails the
    job with it).
    """
    result = _checked_result(result)
    now = timezone.now()
    user = job.created_by
    with transaction.atomic():
        updated = _still_held(job).update(
            status=Status.DONE, finished_at=now, locked_until=None, result=result
        )
        if updated:
            _record_finish(job, "job.done", user=user)
    if not updated:
        log.warning("job %s %s finished after losing its lease; outcome dropped", job.pk, job.name)
        return False
    job.status, job.finished_at, job.locked_until, job.result = Status.DONE, now, None, result
    return True


def fail(job: Job, *, error: BaseException) -> str | None:
    """Record a failed attempt: queued again after the back-off, or failed for good.

    Returns the job's new status, or None if this worker had lost the job.
    """
    text = describe(error)
    now = timezone.now()
    final = isinstance(error, PermanentFailure) or job.attempts >= job.max_attempts
    user = job.created_by
    with transaction.atomic():
        if final:
            status = Status.FAILED
            updated = _still_held(job).update(
                status=status, finished_at=now, locked_until=None, error=text
            )
            if updated:
                _record_finish(job, "job.failed", user=user, error_type=type(error).__name__)
        else:
            status = Status.QUEUED
            updated = _still_held(job).update(
                status=status,
                run_after=now + retry_delay(job.attempts),
                locked_by="",
                locked_until=None,
                error=text,
            )
    if not updated:
        log.warning("job %s %s failed after losing its lease; outcome dropped", job.pk, job.name)
        return None
    log.warning(
        "job %s %s attempt %s of %s failed: %s%s",
        job.pk,
        job.name,
        job.attempts,
        job.max_attempts,
        type(error).__name__,
        "" if final else " (will retry)",
    )
    job.refresh_from_db()
    return status


def describe(error: BaseException) -> str:
    """The exception's type and message, cut to MAX_ERROR_LENGTH (stored on the row)."""
    message = str(error)
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    if len(text) > MAX_ERROR_LENGTH:
        text = text[: MAX_ERROR_LENGTH - 1] + "…"
    return text


def _checked_result(result: Any) -> dict | None:
    if result is None:
        return None
    if not isinstance(result, dict):
        raise BadJobResult(f"a job returns a JSON object or None, not {type(result).__name__}")
    text = json.dumps(result, cls=DjangoJSONEncoder)
    if len(text) > MAX_RESULT_BYTES:
        raise BadJobResult(f"the result is over {MAX_RESULT_BYTES} bytes: keep counts, not rows")
    return json.loads(text)


def _record_finish(job: Job, action: str, *, user: Any = None, error_type: str = "") -> None:
    details = {"name": job.name, "attempts": job.attempts}
    if error_type:
        details["error_type"] = error_type
    record(
        action=action,
        object_type="job",
        object_id=job.pk,
        user=user if user is not None else job.created_by,
        details=details,
    )
