"""Jobs of the jobs app itself: the audit chain check, and a ping for operators.

Other apps declare theirs in their own `jobs.py` (found by `JobsConfig.ready`).
"""

import time
from datetime import timedelta
from pathlib import Path

from imhhv.audit.verify import (
    BadCheckpointFile,
    events_per_key,
    read_checkpoints,
    verify_audit_chain,
)
from imhhv.jobs.errors import PermanentFailure
from imhhv.jobs.registry import job
from imhhv.jobs.worker import worker_id

PING_HOLD_MAX_SECONDS = 10.0


class AuditChainBroken(PermanentFailure):
    """The chain does not verify: trying again gives the same answer, so fail at once."""


@job("audit.verify", lease=timedelta(hours=2))
def verify_audit(*, checkpoint: str | None = None) -> dict:
    """What `manage.py verify_audit [--checkpoint FILE]` checks, off the request path.

    A broken chain (or an unreadable checkpoint file, read on the worker's machine) fails
    the job with the first broken event in its error, like the command's exit status.
    """
    checkpoints = []
    if checkpoint:
        try:
            checkpoints = read_checkpoints(Path(checkpoint))
        except BadCheckpointFile as error:
            raise PermanentFailure(str(error)) from None
    started = time.perf_counter()
    checked, broken = verify_audit_chain(checkpoints=checkpoints)
    if broken is not None:
        raise AuditChainBroken(
            f"broken at event {broken.seq}: {broken.reason} ({checked} events checked)"
        )
    return {
        "checked": checked,
        "checkpoints": len(checkpoints),
        "events_per_key": dict(events_per_key()),
        "seconds": round(time.perf_counter() - started, 3),
    }


@job("jobs.ping", lease=timedelta(minutes=1), max_attempts=1)
def ping(*, hold_seconds: float = 0) -> dict:
    """A health check: `enqueue_job jobs.ping` and see a worker finish it, and which one.

    `hold_seconds` (at most 10) keeps the worker busy that long: enough to watch SIGTERM
    let a job finish before the worker exits, or several workers share a burst.
    """
    hold = min(max(float(hold_seconds), 0.0), PING_HOLD_MAX_SECONDS)
    if hold:
        time.sleep(hold)
    return {"worker": worker_id(), "held_seconds": hold}
