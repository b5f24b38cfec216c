"""Small builders for the workforce tests (synthetic values only)."""

from datetime import time, timedelta

from django.utils import timezone

from imhhv.workforce import services

NOTE = "Synthetic note: talked about pacing and a tired parent (test text)."


def yesterday():
    return timezone.localdate() - timedelta(days=1)


def session(by, supervisees, *, day=None, notes=NOTE, families=(), fmt=None, **kwargs):
    """A session led by `by` (yesterday 10:00, an hour) with `supervisees`."""
    ids = [s.pk for s in supervisees]
    return services.record_session(
        by=by,
        day=day or yesterday(),
        started_at=time(10, 0),
        minutes=60,
        format=fmt or ("group" if len(ids) > 1 else "individual"),
        supervisee_ids=ids,
        supervisor_id=kwargs.pop("supervisor_id", by.pk),
        families=families,
        notes=notes,
        **kwargs,
    )
