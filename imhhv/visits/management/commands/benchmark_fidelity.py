"""Time fidelity at agency scale and count the queries of the fidelity pages.

Builds, inside a transaction that is always rolled back, one agency of N home visitors
(default 15) x 15 families x 1 year of weekly visits, then times building the week facts
(rows per second), checking them (`verify_facts`) and the one fidelity use case
(`fidelity_report`) at the visitor, team, agency and state levels; then counts the
queries of the fidelity pages with 1 and with 10 teams. Refuses a database that holds
data. The statewide figures come from `make bench-state`.
"""

import random
import statistics
import time as clock
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.agencies.models import Agency, State, Team
from imhhv.core.roles import Role
from imhhv.families.models import Assignment, Enrollment, Family
from imhhv.visits import fidelity
from imhhv.visits.models import Catalogue, Visit

COMPONENT_WEIGHTS = {
    "developmental_guidance": 8,
    "infant_parent_psychotherapy": 7,
    "alliance": 6,
    "emotional_support": 6,
    "life_coping": 4,
    "material_needs": 3,
    "culturally_responsive": 3,
}


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Fidelity timings (one agency, one year of visits) and queries per fidelity page."

    def add_arguments(self, parser):
        parser.add_argument("--visitors", type=int, default=15)
        parser.add_argument("--families", type=int, default=15, help="families per home visitor")
        parser.add_argument("--weeks", type=int, default=52)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, **options):
        if Agency.objects.exists() or Family.objects.exists():
            raise CommandError(
                "The database is not empty: run this on a throwaway database (see make bench)."
            )
        if not Catalogue.objects.exists():
            raise CommandError("No fidelity catalogue: run the migrations first.")
        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        try:
            with transaction.atomic():
                self._run(options)
                raise Rollback
        except Rollback:
            self.stdout.write("Rolled back: the database is as it was.")

    def _build(self, *, visitors: int, families: int, weeks: int, teams: int, rng: random.Random):
        today = timezone.localdate()
        start = today - timedelta(weeks=weeks)
        state, _ = State.objects.get_or_create(code="MI", defaults={"name": "Michigan"})
        agency = Agency.objects.create(
            state=state, name=f"Bench CMH {rng.random():.6f}", county="Bench"
        )
        team_rows = [Team.objects.create(agency=agency, name=f"Team {i + 1}") for i in range(teams)]
        users = User.objects.bulk_create(
            User(username=f"bench{rng.random():.9f}", first_name="Bench", last_name=f"Visitor {i}")
            for i in range(visitors)
        )
        Membership.objects.bulk_create(
            Membership(
                user=u,
                role=Role.HOME_VISITOR,
                agency=agency,
                team=team_rows[i % teams],
                fte=Decimal("1.00"),
                start_date=start - timedelta(days=30),
            )
            for i, u in enumerate(users)
        )
        fams = Family.objects.bulk_create(
            Family(agency=agency, home_visitor=u, display_name=f"Bench family {i}-{j}")
            for i, u in enumerate(users)
            for j in range(families)
        )
        Enrollment.objects.bulk_create(Enrollment(family=f, enrolled_on=start) for f in fams)
        Assignment.objects.bulk_create(
            Assignment(family=f, home_visitor=f.home_visitor, start_date=start) for f in fams
        )
        catalogue = Catalogue.objects.order_by("-version").first()
        components = {c.code: c for c in catalogue.components.all()}
        codes, weights = zip(*COMPONENT_WEIGHTS.items(), strict=True)
        visits, chosen = [], []
        for f in fams:
            for week in range(weeks):
                if rng.random() < 0.15:
                    continue  # a missed week
                day = start + timedelta(weeks=week, days=rng.randint(0, 4))
                begin = timezone.make_aware(datetime.combine(day, time(rng.randint(9, 15))))
                minutes = max(30, int(rng.gauss(105, 15)))
                visits.append(
                    Visit(
                        family=f,
                        visitor=f.home_visitor,
                        scheduled_at=begin,
                        outcome="completed",
                        started_at=begin,
                        ended_at=begin + timedelta(minutes=minutes),
                        place="home" if rng.random() < 0.92 else "video",
                        catalogue=catalogue,
                        documented_at=begin,
                        signed_at=begin + timedelta(days=rng.choice([0, 1, 1, 4])),
                    )
                )
                chosen.append(set(rng.choices(codes, weights, k=rng.randint(2, 4))))
        Visit.objects.bulk_create(visits, batch_size=2000)
        through = Visit.components.through
        through.objects.bulk_create(
            (
                through(visit_id=v.pk, keycomponent_id=components[c].pk)
                for v, cs in zip(visits, chosen, strict=True)
                for c in cs
            ),
            batch_size=5000,
        )
        return agency, team_rows, users, len(visits)

    def _time(self, fn, repeat: int) -> tuple[float, object]:
        times, result = [], None
        for _ in range(repeat):
            begin = clock.perf_counter()
            result = fn()
            times.append((clock.perf_counter() - begin) * 1000)
        return statistics.median(times), result

    def _run(self, options):
        from imhhv.visits.facts import rebuild_facts, verify_facts

        rng = random.Random(2026)
        repeat = options["repeat"]
        agency, teams, users, n_visits = self._build(
            visitors=options["visitors"],
            families=options["families"],
            weeks=options["weeks"],
            teams=1,
            rng=rng,
        )
        today = timezone.localdate()
        out = self.stdout.write
        out(
            f"IMH-HV fidelity benchmark on {connection.vendor}: 1 agency, {len(users)} home "
            f"visitors x {options['families']} families, {options['weeks']} weeks: "
            f"{n_visits:,} visits. Median of {repeat} runs."
        )
        begin = clock.perf_counter()
        counts = rebuild_facts()
        seconds = clock.perf_counter() - begin
        rows = counts["family_rows"] + counts["visitor_rows"]
        out(
            f"  build the week facts: {rows:,} rows in {seconds * 1000:8.1f} ms "
            f"({rows / seconds:,.0f} rows/s, {n_visits / seconds:,.0f} visits/s)"
        )
        begin = clock.perf_counter()
        check = verify_facts()
        out(
            f"  verify_facts: {'equal' if check.ok else 'DIFFERENT'} to a recomputation, "
            f"{(clock.perf_counter() - begin) * 1000:8.1f} ms"
        )
        admin, supervisor, state_admin = self._staff(agency, teams)
        period = fidelity.period_from(today - timedelta(weeks=options["weeks"]), None, today=today)
        for label, user, level, unit in (
            ("visitor (one home visitor)", users[0], "visitor", users[0].pk),
            ("team (one team)", supervisor, "team", teams[0].pk),
            ("agency (its teams)", admin, "agency", agency.pk),
            ("state (every agency)", state_admin, "state", None),
        ):
            ms, report = self._time(
                lambda user=user, level=level, unit=unit: fidelity.fidelity_report(
                    user, level=level, unit_id=unit, period=period
                ),
                repeat,
            )
            out(f"  fidelity_report, {label:<28} {ms:8.1f} ms")
        summary = report.total
        share = summary["coverage"]["share"]
        out(f"  e.g. statewide weeks with a home visit {share:.0%}" if share is not None else "")
        self._queries(agency, teams, admin, supervisor)

    def _staff(self, agency, teams):
        def member(name, role, **where):
            user = User.objects.create(username=f"bench{name}{random.random():.9f}")
            Membership.objects.create(
                user=user,
                role=role,
                start_date=timezone.localdate() - timedelta(days=400),
                **where,
            )
            return user

        return (
            member("admin", Role.AGENCY_ADMIN, agency=agency),
            member("sup", Role.SUPERVISOR, agency=agency, team=teams[0]),
            member("state", Role.STATE_ADMIN),
        )

    def _queries(self, agency, teams, admin, supervisor):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=admin, name="bench", confirmed=True)
        counts = {}
        for n_teams in (1, 10):
            while len(Team.objects.filter(agency=agency)) < n_teams:
                Team.objects.create(agency=agency, name=f"Extra team {Team.objects.count()}")
            for label, user, path in (
                ("agency page (agency admin)", admin, "/visits/fidelity/agency/"),
                ("team page (supervisor)", supervisor, f"/visits/fidelity/team/{teams[0].pk}/"),
            ):
                client = Client()
                client.force_login(user)
                session = client.session
                now = timezone.now().isoformat()
                session["imhhv_started_at"] = session["imhhv_last_seen_at"] = now
                if user is admin:
                    session["otp_device_id"] = device.persistent_id
                session.save()
                client.get(path, secure=True)
                with CaptureQueriesContext(connection) as ctx:
                    status = client.get(path, secure=True).status_code
                if status != 200:
                    raise CommandError(f"{path} answered {status}")
                counts.setdefault(label, []).append(
                    sum(
                        not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
                        for q in ctx.captured_queries
                    )
                )
        self.stdout.write("Queries per fidelity page with 1 / 10 teams:")
        for label, (one, ten) in counts.items():
            self.stdout.write(f"  {label:<30} {one} / {ten}{'' if one == ten else '  GROWS'}")
