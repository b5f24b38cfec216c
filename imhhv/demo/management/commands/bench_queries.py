"""The in-process half of `make bench-state` (bench/README.md): writes one JSON file with

1. the data sizes of the database (agencies, staff, families, visits ...);
2. the accounts the load test signs in as, per role: up to `--accounts` demo accounts,
   spread over the agencies, each with an API token and, for the roles that must use
   two-factor, a confirmed authenticator (TOTP) device whose key is in the file, so the
   load test signs in over HTTP with password and code like a person;
3. the endpoints measured (ENDPOINTS), with each account's own path (its family's chart,
   its team's fidelity page ...);
4. queries per request of each endpoint, counted once (after one warm-up request) with
   django.test.Client and CaptureQueriesContext, as the role's first account;
5. the statewide fidelity report over the last 12 months: `fidelity_report` for the state
   administrator (the use case the state page calls) against one hand-written SQL
   statement (`--sql`, bench/sql/state_fidelity.sql) on the same database, in the same
   run: one untimed run of each, then three timed runs alternating app and SQL (so drift
   in the machine's load hits both), medians and their ratio, and whether the five
   figures both compute (families, completed home visits, completed contacts, expected
   and covered weeks) agree. The SQL runs twice per round, with the server's settings
   and with JIT compilation off for its transaction (PostgreSQL's JIT costs this one
   statement ~0.6 s of compiling once the planner's estimate passes jit_above_cost); the
   ratio is against the faster, the best the hand-written SQL does.

Decisions:

- Every statement a request runs is counted, savepoints included: no outer transaction
  here, so a SAVEPOINT is a real round trip (unlike `benchmark`, which rolls back).
- The chart and visit form are of the account's active family with the most visits: a
  heavy real chart, not an average one.
- Home visitors are full-time ones with an active caseload; accounts are taken round-robin
  over the agencies, so 20 sessions do not all read one agency's rows.
- The command writes (authenticator devices, API tokens, sessions, audit events of the
  requests it makes), so it refuses a database whose name does not contain "bench"
  unless --force: it is for the throwaway database of bench/run-state.
"""

import json
import statistics
import time
from calendar import monthrange
from collections import defaultdict
from datetime import date, timedelta
from itertools import zip_longest
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from imhhv.accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from imhhv.accounts.models import Membership
from imhhv.agencies.models import Agency, State, Team
from imhhv.api.services import issue_token
from imhhv.audit.models import AuditEvent
from imhhv.core.roles import MFA_REQUIRED_ROLES, Role
from imhhv.demo.data import DEMO_PASSWORD
from imhhv.families.models import Enrollment, Family
from imhhv.visits.access import my_caseload
from imhhv.visits.fidelity import fidelity_report, period_from
from imhhv.visits.models import Visit, VisitPlan

BENCH_DEVICE = "bench"
HV, SUP, AA, SA, EV = (
    Role.HOME_VISITOR,
    Role.SUPERVISOR,
    Role.AGENCY_ADMIN,
    Role.STATE_ADMIN,
    Role.EVALUATOR,
)
# (id, label, role, URL name, URL kwargs from the account's params, query string, API?)
ENDPOINTS = (
    ("caseload", "Caseload", HV, "families:list", {}, "", False),
    # Search: part of a name, as typed. "map" matches the "Maple" families (1 in ~27) of
    # the account's scope; "demo" matches every family in it (all demo names begin so),
    # the longest result to page through.
    ("search_visitor", "Search: home visitor, q=map", HV, "families:list", {}, "q=map", False),
    ("search_agency", "Search: agency admin, q=map", AA, "families:list", {}, "q=map", False),
    ("search_agency_all", "Search: agency admin, q=demo", AA, "families:list", {}, "q=demo", False),
    ("api_search_agency", "API families ?q=map", AA, "api:families", {}, "q=map", True),
    ("chart", "Family chart", HV, "families:detail", {"pk": "family"}, "", False),
    ("visit_form", "Visit form (new)", HV, "visits:new", {"family_id": "family"}, "", False),
    ("my_week", "My week", HV, "visits:week", {}, "", False),
    (
        "fidelity_visitor",
        "Fidelity: visitor page",
        HV,
        "visits:fidelity_visitor",
        {"user_id": "user"},
        "",
        False,
    ),
    (
        "api_fidelity_visitor",
        "API fidelity level=visitor",
        HV,
        "api:fidelity",
        {},
        "level=visitor",
        True,
    ),
    ("home_visitor", "Home: home visitor", HV, "reports:home", {}, "", False),
    ("team_week", "Team week", SUP, "visits:team_week", {}, "", False),
    (
        "fidelity_team",
        "Fidelity: team page",
        SUP,
        "visits:fidelity_team",
        {"team_id": "team"},
        "",
        False,
    ),
    ("api_fidelity_team", "API fidelity level=team", SUP, "api:fidelity", {}, "level=team", True),
    ("home_supervisor", "Home: supervisor", SUP, "reports:home", {}, "", False),
    ("fidelity_agency", "Fidelity: agency page", AA, "visits:fidelity_agency", {}, "", False),
    (
        "api_fidelity_agency",
        "API fidelity level=agency",
        AA,
        "api:fidelity",
        {},
        "level=agency",
        True,
    ),
    ("home_agency_admin", "Home: agency admin", AA, "reports:home", {}, "", False),
    ("fidelity_state", "Fidelity: state page", SA, "visits:fidelity_state", {}, "", False),
    ("api_fidelity_state", "API fidelity level=state", SA, "api:fidelity", {}, "level=state", True),
    ("home_state_admin", "Home: state admin", SA, "reports:home", {}, "", False),
    ("home_evaluator", "Home: evaluator", EV, "reports:home", {}, "", False),
)
FIGURES = (
    "families",
    "completed_home_visits",
    "completed_contacts",
    "expected_weeks",
    "covered_weeks",
)


class Command(BaseCommand):
    help = (
        "Write the accounts, endpoints, queries per request and the statewide fidelity "
        "timing (app against hand-written SQL) of `make bench-state` to a JSON file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the JSON file to write")
        parser.add_argument(
            "--accounts", type=int, default=20, help="accounts per role at most (default 20)"
        )
        parser.add_argument(
            "--sql",
            default=str(Path(settings.BASE_DIR) / "bench" / "sql" / "state_fidelity.sql"),
            help="the hand-written statement for the statewide figures",
        )
        parser.add_argument(
            "--repeat", type=int, default=3, help="timed runs of the app and the SQL (default 3)"
        )
        parser.add_argument(
            "--months", type=int, default=12, help="the fidelity period, months up to today"
        )
        parser.add_argument(
            "--skip-fidelity", action="store_true", help="no app-against-SQL timing"
        )
        parser.add_argument(
            "--force", action="store_true", help="run on a database not named *bench*"
        )

    def handle(self, *args, **options):
        name = str(connection.settings_dict.get("NAME") or "")
        if "bench" not in name and not options["force"]:
            raise CommandError(
                f"bench_queries writes devices, tokens, sessions and audit events; database "
                f"{name!r} is not named like a bench database (use bench/run-state, or --force)."
            )
        if options["accounts"] < 1 or options["repeat"] < 1 or not 1 <= options["months"] <= 24:
            raise CommandError("--accounts and --repeat need at least 1, --months 1 to 24.")
        started = time.perf_counter()
        plan = {
            "database": {
                "vendor": connection.vendor,
                "name": name,
                "server_version": _server_version(),
                **self._sizes(),
            },
            "accounts": {},
            "endpoints": [],
        }
        self.stderr.write(f"bench_queries: data {plan['database']}")
        accounts = {
            role: self._accounts(role, options["accounts"]) for role in {e[2] for e in ENDPOINTS}
        }
        for role, rows in accounts.items():
            if not rows:
                raise CommandError(f"No usable {role} account: is the database seeded?")
            plan["accounts"][role.value] = [
                {k: v for k, v in row.items() if k != "user"} for row in rows
            ]
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            clients = {role: self._client(rows[0]) for role, rows in accounts.items()}
            for endpoint in ENDPOINTS:
                plan["endpoints"].append(self._endpoint(endpoint, accounts, clients))
        if not options["skip_fidelity"]:
            plan["fidelity"] = self._fidelity(
                Path(options["sql"]), accounts[SA][0]["user"], options["repeat"], options["months"]
            )
        plan["seconds"] = round(time.perf_counter() - started, 1)
        Path(options["out"]).write_text(json.dumps(plan, indent=2, default=str) + "\n")
        self.stderr.write(f"bench_queries: wrote {options['out']} in {plan['seconds']} s")

    # -- data and accounts -----------------------------------------------------------

    @staticmethod
    def _sizes() -> dict:
        staff = Membership.objects.active().values("user_id").distinct().count()
        return {
            "agencies": Agency.objects.count(),
            "teams": Team.objects.count(),
            "staff": staff,
            "home_visitors": Membership.objects.active().filter(role=HV).count(),
            "active_families": Family.objects.active().count(),
            "past_families": Family.objects.discharged().count(),
            "enrollments": Enrollment.objects.count(),
            "visits": Visit.objects.count(),
            "completed_visits": Visit.objects.completed().count(),
            "visit_plans": VisitPlan.objects.count(),
            "audit_events": AuditEvent.objects.count(),
        }

    def _accounts(self, role: Role, n: int) -> list[dict]:
        """Up to `n` accounts of `role`, round-robin over agencies (see module docstring)."""
        memberships = (
            Membership.objects.active()
            .filter(role=role, user__is_active=True)
            .select_related("user")
            .order_by("agency_id", "team_id", "user_id")
        )
        if role == HV:
            memberships = memberships.filter(fte=1)
        by_agency: dict[int | None, list[Membership]] = defaultdict(list)
        for m in memberships:
            by_agency[m.agency_id].append(m)
        ordered = [m for row in zip_longest(*by_agency.values()) for m in row if m is not None]
        rows = []
        for m in ordered:
            if len(rows) == n:
                break
            user = m.user
            params = {"user": user.pk, "team": m.team_id}
            if role == HV:
                family = (
                    my_caseload(user)
                    .active()
                    .annotate(n_visits=Count("visits"))
                    .order_by("-n_visits", "pk")
                    .first()
                )
                if family is None:
                    continue
                params["family"] = family.pk
            key, _ = issue_token(user=user)
            rows.append(
                {
                    "user": user,
                    "username": user.username,
                    "password": DEMO_PASSWORD,
                    "totp_key": self._device(user).key if role in MFA_REQUIRED_ROLES else None,
                    "token": key,
                    "params": params,
                }
            )
        return rows

    @staticmethod
    def _device(user) -> TOTPDevice:
        """A fresh confirmed authenticator for `user` (the one from a previous run goes)."""
        TOTPDevice.objects.filter(user=user, name=BENCH_DEVICE).delete()
        return TOTPDevice.objects.create(user=user, name=BENCH_DEVICE, confirmed=True)

    @staticmethod
    def _client(account: dict) -> Client:
        """A signed-in page client, past the two-factor step (as conftest's `login`)."""
        user = account["user"]
        client = Client()
        client.force_login(user)
        session = client.session
        now = timezone.now().isoformat()
        session[SESSION_STARTED] = now
        session[SESSION_LAST_SEEN] = now
        if account["totp_key"]:
            device = TOTPDevice.objects.get(user=user, name=BENCH_DEVICE)
            session["otp_device_id"] = device.persistent_id
        session.save()
        return client

    # -- queries per request ---------------------------------------------------------

    def _endpoint(self, endpoint, accounts, clients) -> dict:
        ident, label, role, url_name, kwargs, query, api = endpoint
        paths = []
        for account in accounts[role]:
            path = reverse(url_name, kwargs={k: account["params"][v] for k, v in kwargs.items()})
            paths.append(f"{path}?{query}" if query else path)
        first = accounts[role][0]
        client = Client() if api else clients[role]
        headers = {"Authorization": f"Token {first['token']}"} if api else None

        def get():
            return client.get(paths[0], secure=True, headers=headers)

        get()  # warm-up: caches (content types, templates) as in a running server
        began = time.perf_counter()
        with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as ctx:
            response = get()
        took = (time.perf_counter() - began) * 1000
        row = {
            "id": ident,
            "label": label,
            "role": role.value,
            "api": api,
            "paths": paths,
            "queries": len(ctx.captured_queries),
            "status": response.status_code,
            "in_process_ms": round(took, 1),
        }
        self.stderr.write(
            f"  {label:<30} {row['queries']:>4} queries  {response.status_code}  {took:,.0f} ms"
        )
        return row

    # -- the statewide report against SQL ---------------------------------------------

    def _fidelity(self, sql_path: Path, state_admin, repeat: int, months: int) -> dict:
        today = timezone.localdate()
        # The report's own period for "the last N months": whole weeks that are over
        # (period_from); the SQL computes the same figures for the same days.
        period = period_from(_months_before(today, months) + timedelta(days=1), None, today=today)
        start, end = period.start, period.end
        if connection.vendor != "postgresql":
            self.stderr.write("  statewide fidelity: skipped (the SQL is PostgreSQL's)")
            return {}
        sql = sql_path.read_text()
        params = {
            "state_ids": list(State.objects.values_list("pk", flat=True)),
            "start": start,
            "end": end,
            "tz": settings.TIME_ZONE,
        }

        def app() -> dict:
            report = fidelity_report(state_admin, level="state", period=period)
            return _app_figures(report.total)

        def hand_written(*, jit: bool = True) -> dict:
            with transaction.atomic(), connection.cursor() as cursor:
                if not jit:
                    cursor.execute("SET LOCAL jit = off")  # this transaction only
                cursor.execute(sql, params)
                columns = [c[0] for c in cursor.description]
                return dict(zip(columns, cursor.fetchone(), strict=True))

        runs = {
            "app": app,
            "sql": hand_written,
            "sql_jit_off": lambda: hand_written(jit=False),
        }
        figures = {name: run() for name, run in runs.items()}  # untimed: warm caches for all
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(repeat):
            for name, run in runs.items():
                began = time.perf_counter()
                run()
                times[name].append(round((time.perf_counter() - began) * 1000, 1))
        medians = {name: statistics.median(t) for name, t in times.items()}
        best = min(("sql", "sql_jit_off"), key=medians.get)
        differences = [
            f"{k}: app {figures['app'].get(k)} / SQL {figures['sql'].get(k)}"
            for k in FIGURES
            if figures["app"].get(k) != figures["sql"].get(k)
        ]
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            server_jit = cursor.fetchone()[0]
        result = {
            "period": {"start": start.isoformat(), "end": end.isoformat(), "months": months},
            "sql_file": str(sql_path.relative_to(settings.BASE_DIR))
            if sql_path.is_relative_to(settings.BASE_DIR)
            else str(sql_path),
            "server_jit": server_jit,
            "app_ms": times["app"],
            "sql_ms": times["sql"],
            "sql_jit_off_ms": times["sql_jit_off"],
            "app_median_ms": medians["app"],
            "sql_median_ms": medians["sql"],
            "sql_jit_off_median_ms": medians["sql_jit_off"],
            "sql_best": best,
            "ratio": round(medians["app"] / medians[best], 2) if medians[best] else None,
            "figures": {"app": figures["app"], "sql": figures["sql"]},
            "sql_variants_agree": figures["sql"] == figures["sql_jit_off"],
            "agree": not differences,
            "differences": differences,
        }
        self.stderr.write(
            f"  statewide fidelity {start}..{end}: app {medians['app']:,.0f} ms, SQL "
            f"{medians['sql']:,.0f} ms (jit {server_jit}) / {medians['sql_jit_off']:,.0f} ms "
            f"(jit off), ratio {result['ratio']}; figures "
            f"{'agree' if not differences else 'DIFFER: ' + '; '.join(differences)}"
        )
        return result


def _server_version() -> str:
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def _months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _app_figures(total) -> dict:
    """The five figures of the report's total: suppressed (a dict, as the state sees it;
    None where hidden) or a FidelitySummary."""
    if total is None:
        return {}
    if isinstance(total, dict):
        coverage = total.get("coverage") or {}
        return {
            "families": total.get("families"),
            "completed_home_visits": total.get("completed_home_visits"),
            "completed_contacts": total.get("completed_contacts"),
            "expected_weeks": coverage.get("expected_weeks"),
            "covered_weeks": coverage.get("covered_weeks"),
        }
    return {
        "families": total.families,
        "completed_home_visits": total.completed_home_visits,
        "completed_contacts": total.completed_contacts,
        "expected_weeks": total.coverage.expected_weeks,
        "covered_weeks": total.coverage.covered_weeks,
    }
