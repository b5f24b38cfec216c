"""Benchmark figures (DESIGN.md, "Performance budgets"): printed, not pass/fail.

1. Queries per request for the home page, the caseload list, the waitlist (intake roles
   only), the family chart and the API family list and record, as a home visitor, a
   supervisor and an agency administrator, at each of `--sizes` active families per home
   visitor (demo data from `imhhv.demo.data.seed`, plus as many waiting referrals per
   agency as families per visitor, so the waitlist grows too), and whether the counts
   stay equal as caseloads grow.
2. p50 / p95 latency of the same requests, `--repeat` times each, at the largest size.
3. The time to rank a statewide waitlist of `--waitlist` referrals (children and risk
   factors included): `ranked_waitlist()` over every agency (database fetch + rank) and
   the pure `imhhv.core.waitlist.rank` on the same entries.
4. The time `verify_audit_chain()` takes over `--audit-events` audit events.

Safety: everything the command writes (demo data, sessions, tokens, audit events) is
written inside one transaction that is always rolled back at the end, whether it finishes
or fails; each size, the waitlist stage and the audit stage run in savepoints that are
rolled back too, so each starts from the same empty database. Audit events cannot be
deleted, so rollback is the only way they go. The command refuses to run on a database
that already holds agencies, users, families or audit events: its figures need an empty
database, and with DEBUG off a non-empty database is most likely a real one. Use a
throwaway database (`make bench` does).

Requests go through django.test.Client over HTTPS (as in production), signed in the way
the test suite's `login` fixture does; API requests carry a token from `issue_token`.
"""

import math
import random
import statistics
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from imhhv.accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from imhhv.accounts.models import Membership
from imhhv.agencies.models import Agency
from imhhv.api.services import issue_token
from imhhv.audit.models import AuditEvent, AuditHead
from imhhv.audit.services import seal_event
from imhhv.audit.verify import verify_audit_chain
from imhhv.core.hashchain import GENESIS
from imhhv.core.roles import Role
from imhhv.core.waitlist import rank
from imhhv.demo.data import add_waiting_referrals, seed
from imhhv.families.access import families_visible_to
from imhhv.families.models import Family, Referral
from imhhv.families.queries import ranked_waitlist, waiting_entries

ROLES = (
    (Role.HOME_VISITOR, "home visitor"),
    (Role.SUPERVISOR, "supervisor"),
    (Role.AGENCY_ADMIN, "agency admin"),
)
ALL_ROLES = tuple(role for role, _ in ROLES)
INTAKE_ROLES = (Role.SUPERVISOR, Role.AGENCY_ADMIN)  # capability manage_intake
# (label, path template, API?, roles) ; {family} is a family on the chosen home visitor's
# caseload (the one with the most history: see `_chart_family`).
REQUESTS = (
    ("GET /", "/", False, ALL_ROLES),
    ("GET /families/", "/families/", False, ALL_ROLES),
    ("GET /families/waitlist/", "/families/waitlist/", False, INTAKE_ROLES),
    ("GET /families/<id>/", "/families/{family}/", False, ALL_ROLES),
    ("GET /api/v1/families/", "/api/v1/families/", True, ALL_ROLES),
    ("GET /api/v1/families/<id>/", "/api/v1/families/{family}/", True, ALL_ROLES),
)
AUDIT_BATCH = 2000
WAITLIST_RUNS = 5  # ranked_waitlist() runs; the pure rank runs 4x as often


class Command(BaseCommand):
    help = (
        "Print query counts per request, request latency and audit-chain verification time "
        "on an empty database. Everything written is rolled back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            type=int,
            nargs="+",
            default=[15, 150],
            metavar="N",
            help="families per home visitor to measure query counts at (default 15 150); "
            "latency is measured at the largest",
        )
        parser.add_argument(
            "--repeat", type=int, default=30, help="requests per latency figure (default 30)"
        )
        parser.add_argument(
            "--waitlist",
            type=int,
            default=5000,
            help="waiting referrals in the statewide waitlist to rank (default 5000; 0 skips)",
        )
        parser.add_argument(
            "--audit-events",
            type=int,
            default=100_000,
            help="audit events to verify (default 100000; 0 skips)",
        )

    def handle(self, *args, **options):
        sizes = sorted(set(options["sizes"]))
        repeat = options["repeat"]
        audit_events = options["audit_events"]
        waitlist = options["waitlist"]
        if not sizes or sizes[0] < 1:
            raise CommandError("--sizes needs one or more positive numbers.")
        if repeat < 1 or audit_events < 0 or waitlist < 0:
            raise CommandError(
                "--repeat must be at least 1, --waitlist and --audit-events at least 0."
            )
        self._refuse_unless_empty()

        connection = connections[DEFAULT_DB_ALIAS]
        db_name = connection.settings_dict.get("NAME")
        self.stdout.write(
            f"IMH-HV benchmark on {connection.vendor} ({db_name}), "
            f"DEBUG {'on (queries logged: timings a little high)' if settings.DEBUG else 'off'}. "
            "All data is synthetic and rolled back at the end."
        )
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ALLOWED_HOSTS=hosts), transaction.atomic():
            try:
                counts = {}
                latency = None
                self.stdout.write("Data (imhhv.demo.data.seed, rolled back after each size):")
                for size in sizes:
                    with transaction.atomic():
                        try:
                            counts[size], lat = self._measure_size(
                                size, repeat if size == sizes[-1] else 0
                            )
                            latency = lat or latency
                        finally:
                            transaction.set_rollback(True)
                self._print_counts(sizes, counts)
                self._print_latency(sizes[-1], repeat, latency)
                if waitlist:
                    with transaction.atomic():
                        try:
                            self._waitlist(waitlist)
                        finally:
                            transaction.set_rollback(True)
                if audit_events:
                    with transaction.atomic():
                        try:
                            self._audit(audit_events)
                        finally:
                            transaction.set_rollback(True)
            finally:
                transaction.set_rollback(True)
        self.stdout.write("Rolled back: the database is as it was.")

    # -- safety ----------------------------------------------------------------------

    def _refuse_unless_empty(self):
        held = [
            name
            for name, model in (
                ("agencies", Agency),
                ("users", get_user_model()),
                ("families", Family),
                ("audit events", AuditEvent),
            )
            if model.objects.exists()
        ]
        if held:
            why = (
                "DEBUG is off and the database is not empty"
                if not settings.DEBUG
                else "the database is not empty"
            )
            raise CommandError(
                f"benchmark refuses to run: {why} (it holds {', '.join(held)}). "
                "Run it on an empty, migrated throwaway database, e.g. `make bench`."
            )

    # -- queries and latency ---------------------------------------------------------

    def _measure_size(self, size: int, repeat: int):
        result = seed(families_per_visitor=(size, size))
        extra = add_waiting_referrals(size * result.agencies)
        hv_m = (
            Membership.objects.active()
            .filter(role=Role.HOME_VISITOR, fte=1)
            .select_related("user", "team", "agency")
            .order_by("pk")
            .first()
        )
        users = {
            Role.HOME_VISITOR: hv_m.user,
            Role.SUPERVISOR: Membership.objects.active()
            .filter(role=Role.SUPERVISOR, team=hv_m.team)
            .order_by("pk")
            .first()
            .user,
            Role.AGENCY_ADMIN: Membership.objects.active()
            .filter(role=Role.AGENCY_ADMIN, agency=hv_m.agency)
            .order_by("pk")
            .first()
            .user,
        }
        family = self._chart_family(hv_m.user)
        seen = ", ".join(
            f"{label} {families_visible_to(users[role]).active().count()}" for role, label in ROLES
        )
        waiting = Referral.objects.waiting().filter(agency=hv_m.agency).count()
        self.stdout.write(
            f"  {size} active families per visitor: {result.summary()}, "
            f"+{extra} waiting referrals; active families in view of {seen}; "
            f"{waiting} waiting at the agency; chart of a family with {family.n_caregivers} "
            f"caregivers, {family.n_children} children, {family.n_episodes} episodes, "
            f"{family.n_assignments} assignments, {family.n_consents} consents"
        )
        clients = {role: self._clients(user) for role, user in users.items()}
        counts = {}
        samples = {}
        connection = connections[DEFAULT_DB_ALIAS]
        for label, template, api, roles in REQUESTS:
            path = template.format(family=family.pk)
            for role in roles:
                web, headers = clients[role]
                client = web if not api else Client()

                def get(client=client, path=path, api=api, headers=headers):
                    return client.get(path, secure=True, headers=headers if api else None)

                get()  # warm-up: caches (content types, templates) as in a running server
                with CaptureQueriesContext(connection) as ctx:
                    response = get()
                statements = [q["sql"] for q in ctx.captured_queries]
                counts[label, role] = (
                    sum(not _is_savepoint(sql) for sql in statements),
                    response.status_code,
                )
                if repeat:
                    times = []
                    for _ in range(repeat):
                        start = time.perf_counter()
                        get()
                        times.append((time.perf_counter() - start) * 1000)
                    samples[label, role] = times
        return counts, samples

    @staticmethod
    def _chart_family(home_visitor):
        """The visitor's active family with the most history (transfers, children, ...)."""
        return (
            Family.objects.active()
            .filter(home_visitor=home_visitor)
            .annotate(
                n_assignments=Count("assignments", distinct=True),
                n_children=Count("children", distinct=True),
                n_caregivers=Count("caregivers", distinct=True),
                n_episodes=Count("enrollments", distinct=True),
                n_consents=Count("consents", distinct=True),
            )
            .order_by("-n_assignments", "-n_episodes", "-n_children", "-n_caregivers", "pk")
            .first()
        )

    def _clients(self, user):
        """A signed-in page client (as conftest's `login`) and API token headers."""
        client = Client()
        client.force_login(user)
        session = client.session
        now = timezone.now().isoformat()
        session[SESSION_STARTED] = now
        session[SESSION_LAST_SEEN] = now
        if user.mfa_required:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
            session["otp_device_id"] = device.persistent_id
        session.save()
        key, _ = issue_token(user=user)
        return client, {"Authorization": f"Token {key}"}

    def _print_counts(self, sizes, counts):
        sizes_label = " / ".join(str(s) for s in sizes)
        between = " and ".join(filter(None, [", ".join(map(str, sizes[:-1])), str(sizes[-1])]))
        self.stdout.write("")
        self.stdout.write(
            f"Queries per request (active families per visitor: {sizes_label}; "
            "savepoint statements not counted; - = not that role's page)"
        )
        self.stdout.write(self._row("request", [label for _, label in ROLES]))
        grows = []
        odd = []
        for label, _, _, roles in REQUESTS:
            cells = []
            for role, role_label in ROLES:
                if role not in roles:
                    cells.append("-")
                    continue
                per_size = [counts[s][label, role] for s in sizes]
                cells.append(
                    " / ".join(
                        str(n) if status == 200 else f"{n}({status})" for n, status in per_size
                    )
                )
                numbers = [n for n, _ in per_size]
                if len(set(numbers)) > 1:
                    grows.append(f"{label} as {role_label}: {' -> '.join(map(str, numbers))}")
                odd += [
                    f"{label} as {role_label} answered {status} at {s}"
                    for s, (_, status) in zip(sizes, per_size, strict=True)
                    if status != 200
                ]
            self.stdout.write(self._row(label, cells))
        if grows:
            self.stdout.write(
                f"Verdict: query counts are NOT equal between {between} families per visitor; "
                "these grow:"
            )
            for line in grows:
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write(
                f"Verdict: query counts are equal between {between} families per visitor."
            )
        for line in odd:
            self.stdout.write(f"  not 200: {line}")

    def _print_latency(self, size, repeat, samples):
        self.stdout.write("")
        self.stdout.write(
            f"Latency in ms, p50 / p95 of {repeat} requests each, {size} families per visitor"
        )
        self.stdout.write(self._row("request", [label for _, label in ROLES]))
        for label, _, _, roles in REQUESTS:
            cells = []
            for role, _ in ROLES:
                if role not in roles:
                    cells.append("-")
                    continue
                times = sorted(samples[label, role])
                cells.append(f"{_rank(times, 0.50):.1f} / {_rank(times, 0.95):.1f}")
            self.stdout.write(self._row(label, cells))

    @staticmethod
    def _row(first: str, cells) -> str:
        return f"  {first:<28}" + "".join(f"{cell:>16}" for cell in cells)

    # -- statewide waitlist ----------------------------------------------------------

    def _waitlist(self, n: int):
        """Build `n` waiting referrals across the agencies, then time ranking them."""
        start = time.perf_counter()
        seed(families_per_visitor=(0, 0), intake=False)  # agencies and staff only
        add_waiting_referrals(n)
        built = time.perf_counter() - start
        agency_ids = list(Agency.objects.values_list("pk", flat=True))
        waiting = Referral.objects.waiting().count()
        children = Referral.objects.waiting().filter(children__isnull=False).distinct().count()
        risks = Referral.risk_factors.through.objects.filter(
            referral__status=Referral.Status.ELIGIBLE
        ).count()
        today = timezone.localdate()
        connection = connections[DEFAULT_DB_ALIAS]
        ranked_waitlist(agency_ids=agency_ids, today=today)  # warm-up
        with CaptureQueriesContext(connection) as ctx:
            rows, priority = ranked_waitlist(agency_ids=agency_ids, today=today)
        queries = sum(not _is_savepoint(q["sql"]) for q in ctx.captured_queries)
        fetch_and_rank = []
        for _ in range(WAITLIST_RUNS):
            start = time.perf_counter()
            ranked_waitlist(agency_ids=agency_ids, today=today)
            fetch_and_rank.append((time.perf_counter() - start) * 1000)
        first_page = []
        for _ in range(WAITLIST_RUNS):
            start = time.perf_counter()
            ranked_waitlist(agency_ids=agency_ids, today=today, limit=50)
            first_page.append((time.perf_counter() - start) * 1000)
        # The same entries ranked_waitlist ranks.
        entries = waiting_entries(agency_ids)
        pure = []
        for _ in range(WAITLIST_RUNS * 4):
            shuffled = entries[:]
            random.Random(len(pure)).shuffle(shuffled)
            start = time.perf_counter()
            ordered = rank(shuffled, today=today, priority=priority)
            pure.append((time.perf_counter() - start) * 1000)
        same = [e.referral_id for e in ordered] == [r.referral.pk for r in rows]
        self.stdout.write("")
        self.stdout.write(
            f"Statewide waitlist: {waiting:,} waiting referrals in {len(agency_ids)} agencies "
            f"({children:,} with a child born, {risks:,} risk factor links), built in "
            f"{built:.1f} s (setup); priority {', '.join(priority) or '(referral id only)'}."
        )
        self.stdout.write(
            f"  ranked_waitlist(every agency), database fetch + rank: median "
            f"{statistics.median(fetch_and_rank):.0f} ms (min {min(fetch_and_rank):.0f}, "
            f"max {max(fetch_and_rank):.0f}) of {WAITLIST_RUNS} runs; {queries} queries; "
            f"{len(rows):,} rows"
        )
        self.stdout.write(
            f"  ranked_waitlist(every agency, first 50 loaded for display): median "
            f"{statistics.median(first_page):.0f} ms (min {min(first_page):.0f}, "
            f"max {max(first_page):.0f}) of {WAITLIST_RUNS} runs"
        )
        self.stdout.write(
            f"  imhhv.core.waitlist.rank on {len(entries):,} entries: median "
            f"{statistics.median(pure):.1f} ms (min {min(pure):.1f}, max {max(pure):.1f}) of "
            f"{len(pure)} runs on shuffled input; same order as ranked_waitlist: "
            f"{'yes' if same else 'NO'}"
        )

    # -- audit chain -----------------------------------------------------------------

    def _audit(self, n: int):
        """Append `n` valid events fast (bulk), then time verify_audit_chain()."""
        head = AuditHead.objects.filter(pk=1).first()
        seq, prev = (head.seq, head.hash) if head and head.seq else (0, GENESIS)
        rng = random.Random(2026)
        base = timezone.now() - timedelta(days=90)
        start = time.perf_counter()
        batch = []
        for i in range(n):
            seq += 1
            kind = i % 10
            details: dict = {}
            action, object_type, object_id = "family.read", "family", str(rng.randint(1, 8000))
            if kind == 0:
                ids = [rng.randint(1, 8000) for _ in range(50)]
                action, object_type, object_id = "family.list", "family", ""
                details = {"count": 50, "ids": ids, "page": 1}
            elif kind == 8:
                action, object_type, object_id = "login", "", ""
            elif kind == 9:
                details = {"via": "api"}
            event = AuditEvent(
                seq=seq,
                occurred_at=base + timedelta(milliseconds=37 * i),
                user_id=None,
                username=f"hv.demo.{i % 600}",
                role=Role.HOME_VISITOR.value,
                agency_id=1 + i % 46,
                object_type=object_type,
                object_id=object_id,
                action=action,
                outcome="success",
                request_id=f"{rng.getrandbits(128):032x}",
                source_ip=f"10.{i % 46}.{(i // 46) % 256}.{i % 250 + 1}",
                details=details,
                prev_hash=prev,
            )
            prev = seal_event(event)  # keyed, as record() seals it
            batch.append(event)
            if len(batch) == AUDIT_BATCH:
                AuditEvent.objects.bulk_create(batch)
                batch = []
        if batch:
            AuditEvent.objects.bulk_create(batch)
        AuditHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": prev})
        built = time.perf_counter() - start

        start = time.perf_counter()
        checked, broken = verify_audit_chain()
        took = time.perf_counter() - start
        verdict = "intact" if broken is None else f"BROKEN at #{broken.seq}: {broken.reason}"
        self.stdout.write("")
        self.stdout.write(
            f"Audit chain: {n:,} events built and bulk-inserted in {built:.1f} s (setup)."
        )
        self.stdout.write(
            f"  verify_audit_chain(): {checked:,} events in {took:.2f} s = "
            f"{checked / took if took else 0:,.0f} events/s; chain {verdict}"
        )


def _is_savepoint(sql: str) -> bool:
    # The benchmark runs inside a transaction, so each atomic() in the app issues
    # SAVEPOINT / RELEASE SAVEPOINT where production would BEGIN / COMMIT (not counted).
    return sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO"))


def _rank(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    index = max(0, math.ceil(fraction * len(sorted_values)) - 1)
    return sorted_values[index]
