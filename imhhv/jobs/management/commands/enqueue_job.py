import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from imhhv.core.errors import DomainError
from imhhv.jobs.services import enqueue, pending_job_with_key


def parse_arg(text: str) -> tuple[str, object]:
    """`key=value`: the value as JSON when it reads as a number, flag, null or list
    (`agency_id=3`, `dry_run=true`, `ids=[1,2]`), else the text (`since=2026-01-05`)."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise CommandError(f"--arg takes key=value, not {text!r}")
    try:
        value = json.loads(raw)
    except ValueError:
        return key, raw
    if isinstance(value, dict):
        return key, raw
    return key, value


class Command(BaseCommand):
    help = (
        "Queue a background job by name, for a worker to run. Arguments are ids, dates "
        "and flags only (never names or notes): --arg agency_id=3 --arg since=2026-01-05."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="the job's registered name, e.g. audit.verify")
        parser.add_argument(
            "--arg",
            dest="job_args",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="a keyword argument of the job (repeatable)",
        )
        parser.add_argument("--queue", help="queue to put it on (default: the job's own)")
        parser.add_argument(
            "--unique-key",
            help="if a job with this key is queued or running, report it instead of adding one",
        )
        parser.add_argument("--max-attempts", type=int, help="default: the job's own")
        parser.add_argument("--run-after", help="ISO datetime with offset; default now")
        parser.add_argument("--user", help="username of the person asking (for the audit trail)")

    def handle(self, *args, **options):
        kwargs = dict(parse_arg(text) for text in options["job_args"])
        run_after = None
        if options["run_after"]:
            run_after = parse_datetime(options["run_after"])
            if run_after is None or run_after.utcoffset() is None:
                raise CommandError("--run-after takes an ISO datetime with its UTC offset")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user {options['user']!r}")
        key = options["unique_key"]
        existing = pending_job_with_key(key) if key else None
        try:
            job = enqueue(
                name=options["name"],
                kwargs=kwargs,
                queue=options["queue"],
                run_after=run_after,
                max_attempts=options["max_attempts"],
                unique_key=key,
                created_by=user,
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        if existing is not None and existing.pk == job.pk:
            self.stdout.write(f"job {job.pk} {job.name} is already {job.status} (same key)")
        else:
            self.stdout.write(f"job {job.pk} {job.name} queued on {job.queue}")
