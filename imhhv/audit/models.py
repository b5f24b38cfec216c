"""The audit trail: append-only, hash-chained events for every touch of PHI.

Rows are never updated or deleted by the application (the model refuses, and a database
trigger refuses too: UPDATE and DELETE on PostgreSQL and SQLite). `AuditHead` holds the
last sequence number and hash, so removing events from the end of the chain is noticed as
well. Each event is sealed with HMAC-SHA256 under the key named by `key_id` (see
`imhhv/core/hashchain.py`); `key_id` "" marks a legacy, unkeyed event.
"""

from django.db import models


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    DENIED = "denied", "Denied"
    FAILURE = "failure", "Failure"


HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "user_id",
    "username",
    "role",
    "agency_id",
    "object_type",
    "object_id",
    "action",
    "outcome",
    "request_id",
    "source_ip",
    "details",
)


def hashed_content(values: dict) -> dict:
    """The canonical content of an event from its stored values."""
    content = {name: values[name] for name in HASHED_FIELDS}
    content["occurred_at"] = values["occurred_at"].isoformat()
    return content


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, blank=True)
    agency_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=50)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    request_id = models.CharField(max_length=32, blank=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # Which configured key sealed the event ("" = legacy SHA-256, before keys existed).
    key_id = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["user", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.outcome}"

    def save(self, *args, **kwargs):
        # An invariant, not business logic: the trail is append-only.
        if not self._state.adding:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit events are append-only")

    def hashed_fields(self) -> dict:
        """The content the hash covers (everything but the hashes themselves)."""
        return hashed_content({name: getattr(self, name) for name in HASHED_FIELDS})


class AuditHead(models.Model):
    """One row: the sequence number and hash of the newest event (the chain's head)."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head at {self.seq}"
