"""A draft: what one person typed into one form for one record, kept on the server.

`data` holds the form's fields as a QueryDict gives them (`{"note": ["..."], "components":
["a", "b"]}`), so a draft binds a Django form exactly as the submitted POST would. Drafts are
PHI (a half-written visit note is clinical text): only their author reads them
(`imhhv.drafts.access`), every read and write is audited, and they are deleted when the
record is saved or after `DRAFT_RETENTION_DAYS` (the `drafts.purge` job).
"""

from django.conf import settings
from django.db import models


class Draft(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The agency of the author's membership when the draft was saved: a person who moves to
    # another agency does not carry the first agency's PHI with them (access.py).
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    form = models.CharField(max_length=40)
    record_key = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "form", "record_key"], name="draft_one_per_user_form_record"
            )
        ]

    def __str__(self) -> str:  # ids only: never the content
        return f"draft {self.pk} ({self.form} {self.record_key})"
