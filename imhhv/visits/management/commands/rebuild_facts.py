"""`manage.py rebuild_facts [--since YYYY-MM-DD]`: recompute the fidelity week facts."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from imhhv.visits.facts import rebuild_facts


class Command(BaseCommand):
    help = (
        "Recompute the fidelity week facts and their totals from the raw visits, plans, "
        "enrollments and assignments (all families, or those changed on or after --since)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="YYYY-MM-DD: only what changed on or after it")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="processes sharing a full rebuild on PostgreSQL (not one transaction: "
            "run it while nobody writes)",
        )

    def handle(self, *args, **options):
        since = None
        if options["since"]:
            try:
                since = date.fromisoformat(options["since"])
            except ValueError:
                raise CommandError("--since needs a date as YYYY-MM-DD.") from None
        started = time.perf_counter()
        counts = rebuild_facts(since=since, workers=options["workers"])
        took = time.perf_counter() - started
        rows = counts["family_rows"] + counts["visitor_rows"]
        self.stdout.write(
            f"Rebuilt the week facts of {counts['families']:,} families: {rows:,} rows in "
            f"{took:.1f} s ({rows / took if took else 0:,.0f} rows/s)."
        )
