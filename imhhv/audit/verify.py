"""Checking the audit trail's hash chain against the stored events."""

from imhhv.audit.models import HASHED_FIELDS, AuditEvent, AuditHead, hashed_content
from imhhv.core.hashchain import ChainBreak, verify_chain


def verify_audit_chain(*, chunk_size: int = 5000) -> tuple[int, ChainBreak | None]:
    """(events checked, first break or None), walking every event in sequence order."""
    head = AuditHead.objects.filter(pk=1).first()
    rows = (
        AuditEvent.objects.order_by("seq")
        .values("prev_hash", "hash", *HASHED_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    events = ((r["seq"], r["prev_hash"], r["hash"], hashed_content(r)) for r in rows)
    return verify_chain(
        events,
        head_seq=head.seq if head else 0,
        head_hash=head.hash if head and head.seq else None,
    )
