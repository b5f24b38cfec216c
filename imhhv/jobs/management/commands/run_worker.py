import signal
import threading

from django.core.management.base import BaseCommand

from imhhv.jobs.registry import registered_jobs
from imhhv.jobs.worker import Outcome, Worker


class Command(BaseCommand):
    help = (
        "Run background jobs from the database queue, one at a time. Start as many workers "
        "as needed, on any machine that reaches the database. By default the worker runs "
        "until SIGTERM or Ctrl-C, which let the current job finish first; --burst runs "
        "until no job is due, then exits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--burst",
            "--once",
            dest="burst",
            action="store_true",
            help="run every due job, then exit (for cron and tests)",
        )
        parser.add_argument(
            "--queue",
            dest="queues",
            action="append",
            metavar="NAME",
            help="take jobs only from this queue (repeatable; default: every queue)",
        )
        parser.add_argument(
            "--poll-max",
            type=float,
            default=10.0,
            metavar="SECONDS",
            help="longest pause between polls of an empty queue (default 10)",
        )

    def handle(self, *args, **options):
        worker = Worker(
            queues=options["queues"],
            poll_max=options["poll_max"],
            on_start=self.started,
            on_finish=self.finished,
        )
        # Handlers first: a SIGTERM right after the start line must already stop cleanly.
        previous = {}
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                previous[signum] = signal.signal(signum, lambda *_: worker.stop())
        try:
            queues = ", ".join(worker.queues) or "all"
            mode = "burst" if options["burst"] else "until stopped"
            self.stdout.write(
                f"worker {worker.id} started ({mode}; queues: {queues}; "
                f"jobs: {', '.join(registered_jobs())})"
            )
            ran = worker.run(burst=options["burst"])
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write(f"worker {worker.id} stopped after {ran} job(s)")

    def started(self, job):
        self.stdout.write(
            f"job {job.pk} {job.name} started (attempt {job.attempts} of {job.max_attempts})"
        )

    def finished(self, outcome: Outcome):
        error = f": {outcome.error_type}" if outcome.error_type else ""
        self.stdout.write(
            f"job {outcome.job_id} {outcome.name} {outcome.status}{error} "
            f"in {outcome.seconds:.2f} s"
        )
