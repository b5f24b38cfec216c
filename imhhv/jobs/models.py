"""The queue's one table: a job is a row, and its status is the queue.

A job is `queued` until a worker claims it (`running`, with `locked_by` and a lease in
`locked_until`), then `done` with its `result` or, after its last attempt, `failed` with
its `error`. A retry puts it back to `queued` with a later `run_after`. Rows stay after
they finish: they are the history operators read.

Kwargs hold ids and dates only, never PHI (a name, a note, a date of birth): operators read
these rows, and they outlive the request that made them. `enqueue` refuses anything that is
not a small, flat JSON object of scalars; it cannot tell an id from a name, so the rest is
convention. Logs name a job by id and name only, never its kwargs or its error message.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Job(models.Model):
    name = models.CharField(max_length=100)
    queue = models.CharField(max_length=50, default="default")
    kwargs = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=3)
    run_after = models.DateTimeField()
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker holding the job ("hostname:pid") and until when: past `locked_until` the
    # worker is presumed dead and another may claim the job again.
    locked_by = models.CharField(max_length=255, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    # The last failure: exception type and message, cut short.
    error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    # Enqueuing the same key while a job with it is queued or running returns that job.
    unique_key = models.CharField(max_length=200, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The claim query: due jobs, oldest first (a queue filter, when given, is
            # applied on the way). Partial, so the index stays small however many finished
            # jobs accumulate.
            models.Index(
                fields=["run_after", "id"],
                condition=Q(status="queued"),
                name="job_claim_queued",
            ),
            # Expired leases (a worker that died): running jobs by lease end.
            models.Index(
                fields=["locked_until"], condition=Q(status="running"), name="job_claim_expired"
            ),
            models.Index(fields=["name", "status"], name="job_name_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unique_key"],
                condition=Q(status__in=["queued", "running"]),
                name="job_unique_key_while_pending",
            ),
            models.CheckConstraint(
                condition=Q(max_attempts__gte=1), name="job_max_attempts_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"job {self.pk} {self.name} ({self.status})"
