import time

from django.core.management.base import BaseCommand, CommandError

from imhhv.audit.verify import verify_audit_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; exit non-zero naming the first broken event."

    def handle(self, *args, **options):
        started = time.perf_counter()
        checked, broken = verify_audit_chain()
        elapsed = time.perf_counter() - started
        if broken is not None:
            raise CommandError(
                f"Audit trail BROKEN at event {broken.seq}: {broken.reason} "
                f"({checked} events checked)."
            )
        self.stdout.write(f"Audit trail intact: {checked} events checked in {elapsed:.2f} s.")
