"""`manage.py explain_fidelity [--weeks 52]`: the query plans behind the fidelity reports.

Runs `fidelity_report` for the state (as the first state administrator) and for the
largest agency (as its administrator) over the last N whole weeks, captures every query,
and prints for each its time, the rows it returned and, on PostgreSQL, `EXPLAIN ANALYZE`'s
plan nodes and the indexes they use: the evidence behind the indexes of the week facts,
the visits and the enrollments. Read-only apart from the report's own audit events.
"""

import re
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imhhv.accounts.models import Membership
from imhhv.core.roles import Role
from imhhv.visits.fidelity import fidelity_report, period_from


class Command(BaseCommand):
    help = "Query plans and timings of the state and agency fidelity reports."

    def add_arguments(self, parser):
        parser.add_argument("--weeks", type=int, default=52)

    def handle(self, *args, **options):
        today = timezone.localdate()
        period = period_from(today - timedelta(weeks=options["weeks"]), None, today=today)
        state = Membership.objects.active().filter(role=Role.STATE_ADMIN).first()
        agency = (
            Membership.objects.active()
            .filter(role=Role.AGENCY_ADMIN)
            .annotate(n=Count("agency__families"))
            .order_by("-n")
            .first()
        )
        if state is None or agency is None:
            raise CommandError("No state or agency administrator: seed the database first.")
        for label, member, level, unit in (
            ("state", state, "state", None),
            ("agency", agency, "agency", agency.agency_id),
        ):
            fidelity_report(member.user, level=level, unit_id=unit, period=period)  # warm
            with CaptureQueriesContext(connection) as captured:
                begin = time.perf_counter()
                fidelity_report(member.user, level=level, unit_id=unit, period=period)
                took = (time.perf_counter() - begin) * 1000
            selects = [q for q in captured if q["sql"].lstrip().upper().startswith("SELECT")]
            self.stdout.write(
                f"\n{label} report, {period.start} to {period.end}: {took:.1f} ms, "
                f"{len(captured)} queries ({len(selects)} SELECT)"
            )
            for q in selects:
                self.stdout.write(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:110]}")
                if connection.vendor == "postgresql":
                    for line in self._plan(q["sql"]):
                        self.stdout.write(f"             {line}")

    def _plan(self, sql: str) -> list[str]:
        """The plan's node lines (with index names), shortened; the SQL is the captured
        text with its parameters already in place (Django's last_executed_query)."""
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}")
            lines = [row[0] for row in cursor.fetchall()]
        keep = re.compile(r"(Scan|Join|Aggregate|Sort|Hash|Nested Loop|Execution Time)")
        return [line.strip()[:110] for line in lines if keep.search(line)][:8]
