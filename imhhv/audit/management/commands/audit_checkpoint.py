"""Export the audit chain's head as a checkpoint, for an external append-only store.

One JSON line: {"seq", "hash", "key_id", "taken_at"}. Appended to --output FILE, or printed
to stdout (to pipe into a write-once bucket, syslog or a ticket). `verify_audit
--checkpoint FILE` later fails if the chain no longer extends any of them. Taking a
checkpoint writes no audit event: it reads no PHI, and a periodic job would otherwise grow
the trail on an idle system.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imhhv.audit.verify import current_checkpoint


class Command(BaseCommand):
    help = "Print (or append to FILE) the audit chain's current seq and hash as one JSON line."

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="FILE", help="append the checkpoint to FILE")

    def handle(self, *args, **options):
        line = json.dumps(current_checkpoint(), sort_keys=True)
        if options["output"]:
            try:
                with Path(options["output"]).open("a") as out:
                    out.write(line + "\n")
            except OSError as error:
                raise CommandError(
                    f"cannot write checkpoint to {options['output']}: {error.strerror}"
                ) from None
        else:
            self.stdout.write(line)
