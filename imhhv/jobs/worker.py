"""The worker loop: claim a job, run its function, record the outcome; repeat.

One job at a time per process; run more processes (on this machine or others sharing the
database) for more throughput. When the queue is empty the worker polls again after a
pause that doubles from `poll_min` to `poll_max` and drops back as soon as it finds work.
`stop()` (the command wires SIGTERM and SIGINT to it) lets the current job finish, then the
loop ends; an idle worker stops at once.

A database that goes away (restart, failover) does not end the loop: the error is logged
by type, the connection dropped, and the worker tries again after the pause. A job
interrupted that way keeps its lease and is claimed again once it expires.
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import DatabaseError, close_old_connections, connection

from config.db import forget_writes
from imhhv.jobs import services
from imhhv.jobs.models import Job, Status
from imhhv.jobs.registry import get_job

log = logging.getLogger("imhhv.jobs")


def worker_id() -> str:
    """This process, as it appears in `locked_by`: hostname:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Outcome:
    job_id: int
    name: str
    attempt: int
    status: str  # done, queued (will retry), failed, or lost (another worker took over)
    seconds: float
    error_type: str = ""


class Worker:
    def __init__(
        self,
        *,
        queues: Sequence[str] | None = None,
        poll_min: float = 0.5,
        poll_max: float = 10.0,
        on_start: Callable[[Job], None] | None = None,
        on_finish: Callable[[Outcome], None] | None = None,
    ):
        self.id = worker_id()
        self.queues = list(queues or [])
        self.poll_min = poll_min
        self.poll_max = max(poll_max, poll_min)
        self.on_start = on_start or (lambda job: None)
        self.on_finish = on_finish or (lambda outcome: None)
        self._stopping = threading.Event()

    def stop(self) -> None:
        """Finish the current job (if any), then leave the loop."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self, *, burst: bool = False) -> int:
        """Run jobs until stopped (or, with `burst`, until none is due); returns how many."""
        ran = 0
        pause = self.poll_min
        while not self.stopping:
            try:
                if not connection.in_atomic_block:  # (a caller's transaction: keep it)
                    close_old_connections()
                outcome = self.run_once()
            except DatabaseError as error:
                if burst:
                    raise
                log.warning("worker %s: database error %s; retrying", self.id, type(error).__name__)
                connection.close()
                outcome = None
            if outcome is not None:
                ran += 1
                pause = self.poll_min
                continue
            if burst:
                break
            self._stopping.wait(pause)
            pause = min(pause * 2, self.poll_max)
        return ran

    def run_once(self) -> Outcome | None:
        """Claim one due job and run it; None when nothing is due."""
        job = services.claim(worker_id=self.id, queues=self.queues)
        if job is None:
            return None
        return self.execute(job)

    def execute(self, job: Job) -> Outcome:
        """Run a claimed job's function and record how it went."""
        forget_writes()  # a new unit of work: the last job's writes pin no read of this one
        self.on_start(job)
        started = time.monotonic()
        error: BaseException | None = None
        try:
            result = get_job(job.name).func(**job.kwargs)
        except Exception as raised:
            error = raised
        else:
            try:
                if not services.complete(job, result=result):
                    return self._outcome(job, "lost", started)
            except services.BadJobResult as bad:
                error = bad
        if error is None:
            return self._outcome(job, Status.DONE, started)
        _drop_broken_connection()
        status = services.fail(job, error=error)
        return self._outcome(job, status or "lost", started, error_type=type(error).__name__)

    def _outcome(self, job: Job, status: str, started: float, error_type: str = "") -> Outcome:
        outcome = Outcome(
            job_id=job.pk,
            name=job.name,
            attempt=job.attempts,
            status=str(status),
            seconds=time.monotonic() - started,
            error_type=error_type,
        )
        self.on_finish(outcome)
        return outcome


def _drop_broken_connection() -> None:
    """A job whose database error broke the connection must not take the bookkeeping down
    with it: drop the connection so recording the failure opens a fresh one."""
    if connection.connection is None or connection.in_atomic_block:
        return
    if connection.errors_occurred and not connection.is_usable():
        connection.close()
