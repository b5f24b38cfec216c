"""`manage.py verify_facts`: do the stored week facts equal a recomputation? Exit 1 if not."""

import time

from django.core.management.base import BaseCommand, CommandError

from imhhv.visits.facts import verify_facts


class Command(BaseCommand):
    help = (
        "Compare the fidelity week facts (up to this week) with a recomputation from the "
        "raw rows, and every totals row with the sum of its facts."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        result = verify_facts()
        took = time.perf_counter() - started
        if not result.ok:
            shown = ", ".join(str(f) for f in result.mismatched_families[:10])
            raise CommandError(
                f"The week facts differ: {len(result.mismatched_families)} families"
                f"{f' (ids {shown}…)' if shown else ''}, {result.mismatched_totals} totals rows. "
                "Run `python manage.py rebuild_facts` to repair."
            )
        self.stdout.write(
            f"Week facts verified: {result.rows:,} rows of {result.families:,} families equal "
            f"a recomputation from the raw rows, and every total the sum of its facts "
            f"({took:.1f} s)."
        )
