"""Optimistic locking: the one helper every edit of a versioned record goes through.

A form or API call carries the `version` the person saw. `claim_version` bumps the row's
version only if it still equals that one (one UPDATE, so two concurrent saves cannot both
win) and raises `StaleEdit` otherwise: nothing is written and the caller keeps the typed
text to merge. `expected_version=None` (a service call without a form, e.g. a command)
bumps unconditionally.
"""

from django.db import models
from django.db.models import F

from imhhv.core.errors import StaleEdit


def claim_version(instance: models.Model, expected_version: int | None) -> int:
    """Bump `instance`'s version in the database (and on the instance); StaleEdit if stale."""
    rows = type(instance)._default_manager.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1):
        raise StaleEdit
    instance.version = rows.model._default_manager.filter(pk=instance.pk).values_list(
        "version", flat=True
    )[0]
    return instance.version
