import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imhhv.audit.verify import (
    BadCheckpointFile,
    events_per_key,
    read_checkpoints,
    verify_audit_chain,
)


class Command(BaseCommand):
    help = (
        "Check the audit trail's keyed hash chain; exit non-zero naming the first broken "
        "event. With --checkpoint FILE, also check that the chain still extends every "
        "checkpoint in FILE (written by audit_checkpoint)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="JSON-lines file of checkpoints (from audit_checkpoint) the chain must extend",
        )

    def handle(self, *args, **options):
        checkpoints = []
        if options["checkpoint"]:
            try:
                checkpoints = read_checkpoints(Path(options["checkpoint"]))
            except BadCheckpointFile as error:
                raise CommandError(str(error)) from None
        started = time.perf_counter()
        checked, broken = verify_audit_chain(checkpoints=checkpoints)
        elapsed = time.perf_counter() - started
        if broken is not None:
            raise CommandError(
                f"Audit trail BROKEN at event {broken.seq}: {broken.reason} "
                f"({checked} events checked)."
            )
        against = f", extending {len(checkpoints)} checkpoints" if checkpoints else ""
        self.stdout.write(
            f"Audit trail intact: {checked} events checked in {elapsed:.2f} s{against}."
        )
        # Which keys are still needed to verify (a key can retire only with its events').
        per_key = ", ".join(f"{key_id or '(legacy)'}: {n}" for key_id, n in events_per_key())
        if per_key:
            self.stdout.write(f"Sealed with key ids {per_key}.")
