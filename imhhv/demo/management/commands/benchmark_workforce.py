"""`manage.py benchmark_workforce`: the figures issue 10 asks for, printed (not pass/fail).

1. Queries for the supervisor's team board (`reports.team_board.team_board`), the
   agency's staff board (`workforce.queries.agency_staff_board`) and the agency's
   compliance by team, with 5 and with 50 staff on one team, each person with a workforce
   record (degree, license, endorsement, training, weekly sessions): the counts must be
   equal.
2. The time to compute statewide compliance (`workforce.queries.compliance(state, "agency")`,
   the use case the state page and `GET /api/v1/compliance/?level=agency` call, with its
   suppression) and the ninth domain, for the demo data (`seed()`). With
   `--on-existing-data`, on the data already there instead: the statewide set of
   `seed_demo --scale state` (46 agencies, ~550 home visitors and supervisors, 26 weeks
   of supervision, two fiscal years of training). Median and max of `--repeat` runs.

Safety: everything is written inside one transaction that is rolled back at the end
(audit events included): on an empty database, like `benchmark`, or with
`--on-existing-data` on a database whose name contains "bench".
"""

import statistics
import time
from datetime import time as clock
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.agencies.models import Agency, State, Team
from imhhv.core import workforce as rules
from imhhv.core.roles import Role
from imhhv.reports.team_board import team_board
from imhhv.workforce import queries, services


class Rollback(Exception):
    pass


def _person(username: str, role: str, agency: Agency, team: Team | None) -> User:
    user = User.objects.create(username=username, first_name="Bench", last_name=username)
    start = timezone.localdate() - timedelta(days=400)
    Membership.objects.create(user=user, role=role, agency=agency, team=team, start_date=start)
    return user


def _record(admin: User, staff: User, n: int) -> None:
    """A plain workforce record: degree, license, endorsement, three training entries."""
    today = timezone.localdate()
    services.add_degree(by=admin, staff_id=staff.pk, level="master", field="Social work")
    services.add_license(
        by=admin,
        staff_id=staff.pk,
        type="LMSW",
        issued_on=today - timedelta(days=700),
        expires_on=today + timedelta(days=30 + 11 * n),
    )
    services.set_endorsement(
        by=admin,
        staff_id=staff.pk,
        category=rules.INFANT_FAMILY_SPECIALIST,
        status=rules.ENDORSED,
        endorsed_on=today - timedelta(days=200),
    )
    for k in range(3):
        services.add_training(
            by=admin,
            staff_id=staff.pk,
            day=today - timedelta(days=10 + 20 * k),
            title="Synthetic bench course",
            hours=2,
            category=rules.CHILDREN_MENTAL_HEALTH,
        )


def _counts(sup: User, admin: User) -> dict[str, int]:
    connection = connections[DEFAULT_DB_ALIAS]
    result = {}
    for name, call in (
        ("team board", lambda: team_board(User.objects.get(pk=sup.pk))),
        ("agency staff board", lambda: queries.agency_staff_board(User.objects.get(pk=admin.pk))),
        ("compliance by team", lambda: queries.compliance(User.objects.get(pk=admin.pk), "team")),
    ):
        call()  # warm up
        with CaptureQueriesContext(connection) as captured:
            call()
        result[name] = len(captured)
    return result


def _timed(call, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


class Command(BaseCommand):
    help = "Workforce benchmark figures (issue 10). Rolls everything back."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument(
            "--on-existing-data",
            action="store_true",
            help="Only time statewide compliance on the data present (a database whose "
            "name contains 'bench', e.g. seeded with `seed_demo --scale state`).",
        )

    def handle(self, *args, **options):
        existing = options["on_existing_data"]
        name = str(connections[DEFAULT_DB_ALIAS].settings_dict["NAME"])
        if existing and "bench" not in name:
            raise CommandError("--on-existing-data runs on a database named *bench* only.")
        if not existing and (Agency.objects.exists() or User.objects.exists()):
            raise CommandError("benchmark_workforce needs an empty (throwaway) database.")
        try:
            with transaction.atomic():
                if existing:
                    self._say(f"benchmark_workforce on the data of {name}")
                    self._measure("existing data", options["repeat"])
                else:
                    self._run(options["repeat"])
                raise Rollback
        except Rollback:
            pass
        self.stdout.write("(everything written was rolled back)")

    def _say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def _run(self, repeat: int) -> None:
        from imhhv.demo.data.seed import seed

        vendor = connections[DEFAULT_DB_ALIAS].vendor
        self._say(f"benchmark_workforce on {vendor}, {timezone.localdate()}")

        # 1. Query counts at 5 and 50 staff on one team (rolled back before part 2).
        point = transaction.savepoint()
        state = State.objects.create(name="Bench state", code="BS")
        agency = Agency.objects.create(state=state, name="Bench agency (synthetic)", county="X")
        team = Team.objects.create(agency=agency, name="Bench team")
        admin = _person("bench_admin", Role.AGENCY_ADMIN, agency, None)
        sup = _person("bench_sup", Role.SUPERVISOR, agency, team)
        visitors: list[User] = []
        self._say("\n1. Queries per call, one team (supervisor + home visitors):")
        for size in (5, 50):
            while len(visitors) + 1 < size:
                visitor = _person(f"bench_hv{len(visitors)}", Role.HOME_VISITOR, agency, team)
                _record(admin, visitor, len(visitors))
                visitors.append(visitor)
            for weeks_ago in range(1, 13):
                services.record_session(
                    by=sup,
                    day=timezone.localdate() - timedelta(weeks=weeks_ago),
                    started_at=clock(10, 0),
                    minutes=60,
                    format="group",
                    supervisee_ids=[v.pk for v in visitors],
                    supervisor_id=sup.pk,
                )
            counts = _counts(sup, admin)
            line = ", ".join(f"{name}: {n}" for name, n in counts.items())
            self._say(f"   {size:>3} staff: {line}")
        transaction.savepoint_rollback(point)

        # 2. Statewide compliance on the demo data (`--on-existing-data` for the state).
        self._say(f"\n2. Statewide compliance (median / max of {repeat} runs, ms):")
        seeded = seed()
        self._measure("demo data", repeat)
        self._say(f"      ({seeded.summary()})")

    def _measure(self, label: str, repeat: int) -> None:
        state_admin = (
            Membership.objects.active().filter(role=Role.STATE_ADMIN).select_related("user").first()
        ).user
        judged = Membership.objects.active().filter(role__in=rules.ROLES).count()
        agencies = Agency.objects.filter(teams__isnull=False).distinct().count()
        user = User.objects.get(pk=state_admin.pk)
        compliance_ms = _timed(lambda: queries.compliance(user, "agency"), repeat)
        domain_ms = _timed(lambda: queries.ninth_domain(user), repeat)
        self._say(
            f"   {label}: {judged} home visitors and supervisors at {agencies} agencies: "
            f"compliance {compliance_ms[0]:.0f} / {compliance_ms[1]:.0f}; ninth domain "
            f"{domain_ms[0]:.0f} / {domain_ms[1]:.0f}"
        )
