import time
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from imhhv.accounts.models import User
from imhhv.accounts.services import create_staff
from imhhv.agencies.models import Agency
from imhhv.agencies.services import add_state_holiday
from imhhv.core.roles import Role
from imhhv.demo.data import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, seed
from imhhv.demo.data.state import STATE_AGENCIES, STATE_FAMILIES_PER_VISITOR, seed_state
from imhhv.demo.data.visits import seed_visits

PROPOSED_USERNAME = "proposed.visitor"
HOLIDAY_NAME = "Day after Thanksgiving (Michigan state holiday, demo)"


def _day_after_thanksgiving(year: int) -> date:
    november = date(year, 11, 1)
    thursday = november + timedelta(days=(3 - november.weekday()) % 7 + 21)
    return thursday + timedelta(days=1)


def _scale(value: str) -> int:
    if value == "state":
        return STATE_AGENCIES
    try:
        n = int(value)
    except ValueError:
        raise CommandError("--scale is 'state' or a number of agencies.") from None
    if not 1 <= n <= STATE_AGENCIES:
        raise CommandError(f"--scale N needs 1 <= N <= {STATE_AGENCIES}.")
    return n


class Command(BaseCommand):
    help = (
        "Create synthetic demo data: agencies, teams, staff in every role, families, "
        "referrals in every status. --scale state builds the statewide set."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="run even when DEMO_MODE and DEBUG are off"
        )
        parser.add_argument("--if-empty", action="store_true", help="do nothing if agencies exist")
        parser.add_argument(
            "--families-per-visitor",
            type=int,
            nargs=2,
            default=None,
            metavar=("LOW", "HIGH"),
            help="active families per full-time visitor (12 15; with --scale 15 20)",
        )
        parser.add_argument(
            "--scale",
            help="'state' (46 agencies, ~38,000 families, ~3 million visits) or N agencies "
            "of the statewide set",
        )
        parser.add_argument(
            "--years", type=int, default=6, help="with --scale: years of history (default 6)"
        )
        parser.add_argument(
            "--no-raw-copy",
            action="store_true",
            help="with --scale: skip timing a raw COPY of the visit rows for comparison",
        )

    def handle(self, *args, **options):
        # Demo mode is not debug mode: `make run` seeds with DEMO_MODE=1 and DEBUG off.
        if not (settings.DEBUG or settings.DEMO_MODE) and not options["force"]:
            raise CommandError(
                "seed_demo writes synthetic data; it runs only with DEMO_MODE=1 (as `make run` "
                "sets it) or DEBUG=1. Use --force if you really mean it."
            )
        if Agency.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data already present; nothing to do.")
                return
            raise CommandError(
                "The database already holds agencies; seed_demo runs on an empty one."
            )
        scale = options["scale"]
        agencies = _scale(scale) if scale is not None else None
        if options["years"] < 1:
            raise CommandError("--years needs at least 1.")
        default = STATE_FAMILIES_PER_VISITOR if agencies else (12, 15)
        low, high = options["families_per_visitor"] or default
        if not 0 <= low <= high:
            raise CommandError("--families-per-visitor needs 0 <= LOW <= HIGH.")
        started = time.perf_counter()
        if agencies:
            result = seed_state(
                agencies=agencies,
                years=options["years"],
                families_per_visitor=(low, high),
                progress=self.stderr,
                raw_copy=not options["no_raw_copy"],
            )
            self._extras()
            self._facts(workers=2)  # two processes on PostgreSQL (one on SQLite)
            visits = result.tables.get("visits_visit")
            self.stdout.write(result.report())
            self.stdout.write(
                f"Seeded {result.agencies} agencies, {result.users} users, "
                f"{result.active_families:,} active and {result.past_families:,} past families, "
                f"{visits.rows if visits else 0:,} visits; {result.workforce.summary()} in "
                f"{time.perf_counter() - started:.1f} s (all synthetic)."
            )
            return
        result = seed(families_per_visitor=(low, high))
        visits = seed_visits()
        self._extras()
        self._facts()
        took = time.perf_counter() - started
        self.stdout.write(
            f"Seeded {result.summary()}; {visits:,} visits in {took:.1f} s (all synthetic)."
        )

    def _facts(self, *, workers: int = 1) -> None:
        """The fidelity week facts of everything seeded (bulk rows skip the services that
        keep them), with progress lines and rows per second."""
        from imhhv.visits.facts import rebuild_facts

        started = time.perf_counter()
        last = [0.0]

        def progress(counts):
            now = time.perf_counter()
            if now - last[0] >= 10:
                last[0] = now
                self.stderr.write(
                    f"  week facts: {counts['families']:,} families, "
                    f"{counts['family_rows'] + counts['visitor_rows']:,} rows"
                )

        counts = rebuild_facts(progress=progress, workers=workers)
        took = time.perf_counter() - started
        rows = counts["family_rows"] + counts["visitor_rows"]
        self.stdout.write(
            f"Week facts: {rows:,} rows for {counts['families']:,} families in {took:.1f} s "
            f"({rows / took if took else 0:,.0f} rows/s)."
        )

    def _extras(self) -> None:
        """Content for two state pages, made through the services as the state
        administrator would (audited like any state action): a staff proposal waiting for
        the first agency, and a state-added holiday."""
        admin = User.objects.filter(username="state.admin").first()
        agency = Agency.objects.order_by("pk").first()
        if admin is None or agency is None:
            return
        create_staff(
            username=PROPOSED_USERNAME,
            first_name="Demo Proposed",
            last_name="Visitor",
            email=f"{PROPOSED_USERNAME}@{DEMO_EMAIL_DOMAIN}",
            password=DEMO_PASSWORD,
            role=Role.HOME_VISITOR,
            agency=agency,
            team=agency.teams.order_by("pk").first(),
            fte=Decimal("1.00"),
            start_date=timezone.localdate(),
            by=admin,
        )
        add_state_holiday(
            day=_day_after_thanksgiving(timezone.localdate().year), name=HOLIDAY_NAME, by=admin
        )
