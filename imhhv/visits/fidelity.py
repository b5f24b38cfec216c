"""Fidelity for real units, added up from the stored week facts.

Units and what belongs to them:

- a home visitor: the visits they made, and the weeks each family was both enrolled and
  assigned to them (so a transferred family counts for each visitor for their own weeks);
- a team: the sum of its current home visitors' figures (families counted once);
- an agency or the state: every family's visits and enrollment weeks.

Figures come from the week facts (`imhhv/visits/facts.py`, the family x week rows of
`imhhv.core.fidelity.weekly`) and their totals per agency and week and per visitor and
week, added up in SQL (GROUP BY agency, visitor, family or week): a bounded number of
queries per report whatever the number of units, families or visits. What no row can
hold is read raw and is small: the notes not signed yet (judged against today) and the
families enrolled in the period (from enrollments).

Reports cover whole weeks that are over (`period_from`): a week is the unit of the model's
promise, and a week still running would count as missed before it ends.
The week still running is shown apart (`FidelityReport.this_week`, "so far") when the
period ends with the last week that is over, and is never added into a figure.

A unit's parts are counted over their own chains, so they need not add up to the unit:
`FidelityReport.adds_up` puts every additive figure of the total beside the sum of the
parts and says why they differ (a family moved between teams counts for each; a family
with no home visitor on a team, or a visit by a supervisor, counts for the agency only).
Disengagement alerts are named here, from `families_visible_to` (`NamedAlert`), for
viewers inside an agency; the state sees counts only.

Staff columns (DOMAIN §4, issue 10): every row and total also carries "home visitors
supervised weekly" and "qualified staff" (`VisitorStaff` for a home visitor,
`StaffCounts` for a team, agency or the state), from the workforce app through
`imhhv.visits.hooks.visitor_staff` (workforce stands above visits and registers it; one
fixed set of queries for any number of home visitors): a home visitor is supervised
weekly when the share of the period's weeks with a session (weeks on leave and weeks
before the role started left out) reaches the policy's target
(`imhhv.core.workforce.supervised_weekly`); qualified is today's status. They are not
additive figures of a summary, so `adds_up` does not change. Outside an agency they go
through the one suppression rule with their totals (`public_staff`).

`fidelity_report(user, level=..., unit_id=..., period=...)` is the one use case: the
fidelity pages and `GET /api/v1/fidelity/` call it and only render what it returns, so
they agree by construction (which units, which capability, which period limit). It
writes its read event (or its denial) itself. Figures count over `fidelity_facts(user,
...)` (the scope of `fidelity_families`); families are named only from
`families_visible_to(user)`.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as datetime_time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from config.db import report_reads
from imhhv.accounts.models import Membership, User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core.calendar import week_start
from imhhv.core.fidelity import (
    Disengagement,
    FidelitySummary,
    WeekCoverage,
    public_figures,
    public_trend,
)
from imhhv.core.fidelity.weekly import (
    COMPONENT_TOTALS,
    TOTALS,
    add_totals,
    summary_from_totals,
    unsigned_timeliness,
    whole_weeks,
)
from imhhv.core.roles import Role
from imhhv.core.suppression import Line, share, suppress
from imhhv.families.access import families_visible_to
from imhhv.families.models import Assignment, Enrollment, Family
from imhhv.reference.holidays import holidays_between
from imhhv.visits import hooks
from imhhv.visits.access import (
    FIDELITY_LEVELS,
    FidelityUnit,
    fidelity_facts,
    fidelity_units_visible_to,
    my_caseload,
)
from imhhv.visits.hooks import VisitorStaff
from imhhv.visits.models import (
    AgencyWeekTotals,
    FamilyWeekFacts,
    Visit,
    VisitorWeekFacts,
    VisitorWeekTotals,
)

SUM_FIELDS = (*TOTALS, *COMPONENT_TOTALS)
STREAK_WEEKS = 3


def _sums() -> dict:
    return {
        **{f: Sum(f) for f in SUM_FIELDS},
        "min_minutes": Min("min_minutes"),
        "max_minutes": Max("max_minutes"),
    }


def _grouped(rows: QuerySet, key: str) -> dict:
    """Totals of `rows` per value of `key` (one GROUP BY query)."""
    return {
        row.pop(key): add_totals([row]) for row in rows.order_by().values(key).annotate(**_sums())
    }


def _weeks(rows: QuerySet, first: date, last: date) -> QuerySet:
    return rows.filter(week__gte=first, week__lte=week_start(last))


@dataclass
class Parts:
    """What a group of summaries is made of, keyed by unit (visitor, family, agency...)."""

    totals: dict = field(default_factory=dict)
    families: dict = field(default_factory=dict)
    disengaged: dict = field(default_factory=lambda: defaultdict(list))
    unsigned: dict = field(default_factory=lambda: defaultdict(list))
    # Per team: {family id: the team's home visitors who had the family in the period}
    # (`_team_parts`), to say how the rows add up (`_adds_up`).
    family_sets: dict = field(default_factory=dict)

    def summaries(
        self, keys: Iterable, period: "Period", today: date, days_off, *, empty=True
    ) -> dict:
        """A summary per key; with `empty=False`, None for a key without any data."""
        out = {}
        for key in keys:
            totals = self.totals.get(key)
            if not empty and totals is None and not self.families.get(key):
                out[key] = None
                continue
            totals = dict(totals or add_totals([]))
            totals["families"] = self.families.get(key, 0)
            overdue, pending = unsigned_timeliness(
                self.unsigned.get(key, ()),
                today=today,
                late_after_business_days=settings.DOCUMENTATION_DEADLINE_BUSINESS_DAYS,
                holidays=days_off,
            )
            alerts = sorted(
                self.disengaged.get(key, ()), key=lambda a: (-a.weeks_without_visit, a.family_id)
            )
            out[key] = summary_from_totals(
                totals,
                period.start,
                period.end,
                disengaged=tuple(alerts),
                overdue=overdue,
                pending=pending,
            )
        return out


def _current_enrollment(today: date):
    return Exists(
        Enrollment.objects.filter(family_id=OuterRef("family_id"), enrolled_on__lte=today).filter(
            Q(discharged_on__isnull=True) | Q(discharged_on__gt=today)
        )
    )


def _alerts(
    rows: QuerySet, key: str, today: date, *, visitor_chain: bool, threshold: int = STREAK_WEEKS
) -> dict:
    """Disengagement as of today (`imhhv.core.fidelity.weekly.disengaged_of`) per `key`."""
    rows = rows.filter(week=week_start(today), home_visits=0, streak_in__gte=threshold).filter(
        _current_enrollment(today)
    )
    if visitor_chain:
        rows = rows.filter(
            Exists(
                Assignment.objects.filter(
                    family_id=OuterRef("family_id"),
                    home_visitor_id=OuterRef("visitor_id"),
                    start_date__lte=today,
                ).filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
            )
        )
    alerts: dict = defaultdict(list)
    for k, family_id, streak, last in rows.order_by().values_list(
        key, "family_id", "streak_in", "last_home_visit"
    ):
        alerts[k].append(Disengagement(family_id, streak, last))
    return alerts


def _unsigned(visits: QuerySet, key: str, period: "Period") -> dict:
    """Visit days of completed visits of the period whose note is not signed, per `key`."""
    lo = timezone.make_aware(datetime.combine(period.start, datetime_time.min))
    hi = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), datetime_time.min))
    days: dict = defaultdict(list)
    tz = timezone.get_current_timezone()
    for k, started, scheduled in (
        visits.filter(outcome=Visit.Outcome.COMPLETED, signed_at__isnull=True)
        .filter(
            Q(started_at__gte=lo, started_at__lt=hi)
            | Q(started_at__isnull=True, scheduled_at__gte=lo, scheduled_at__lt=hi)
        )
        .order_by()
        .values_list(key, "started_at", "scheduled_at")
    ):
        days[k].append((started or scheduled).astimezone(tz).date())
    return days


def _visitor_parts(user: User, visitors, period: "Period", today: date, *, key="visitor_id"):
    """Per visitor (or, key="family_id", per family of one visitor) in `user`'s scope."""
    facts = _weeks(fidelity_facts(user, VisitorWeekFacts), period.start, period.end).filter(
        visitor_id__in=visitors
    )
    parts = Parts()
    if key == "visitor_id":
        parts.totals = _grouped(
            _weeks(fidelity_facts(user, VisitorWeekTotals), period.start, period.end).filter(
                visitor_id__in=visitors
            ),
            key,
        )
        parts.families = dict(
            facts.filter(enrolled_days__gt=0)
            .order_by()
            .values(key)
            .annotate(n=Count("family_id", distinct=True))
            .values_list(key, "n")
        )
    else:
        parts.totals = _grouped(facts, key)
        parts.families = dict.fromkeys(
            facts.filter(enrolled_days__gt=0).order_by().values_list(key, flat=True).distinct(), 1
        )
    parts.disengaged = _alerts(
        fidelity_facts(user, VisitorWeekFacts).filter(visitor_id__in=visitors),
        key,
        today,
        visitor_chain=True,
    )
    parts.unsigned = _unsigned(
        fidelity_facts(user, Visit, agency_field="family__agency_id").filter(
            visitor_id__in=visitors
        ),
        key,
        period,
    )
    return parts


def _team_parts(
    user: User, members: list[Membership], period: "Period", today: date, per_visitor=None
) -> Parts:
    """Per team: the sum of its members' parts (`per_visitor`, read here unless the
    caller has them already), each family counted once."""
    team_of = {m.user_id: m.team_id for m in members}
    visitors = list(team_of)
    if per_visitor is None:
        per_visitor = _visitor_parts(user, visitors, period, today)
    parts = Parts()
    for visitor, totals in per_visitor.totals.items():
        team = team_of[visitor]
        parts.totals[team] = (
            add_totals([parts.totals[team], totals]) if team in parts.totals else totals
        )
    pairs = (
        _weeks(fidelity_facts(user, VisitorWeekFacts), period.start, period.end)
        .filter(visitor_id__in=visitors, enrolled_days__gt=0)
        .order_by()
        .values_list("visitor_id", "family_id")
        .distinct()
    )
    families: dict = defaultdict(lambda: defaultdict(set))
    for visitor, family in pairs:
        families[team_of[visitor]][family].add(visitor)
    parts.families = {team: len(ids) for team, ids in families.items()}
    parts.family_sets = {team: dict(ids) for team, ids in families.items()}
    for visitor, alerts in per_visitor.disengaged.items():
        longest = {a.family_id: a for a in parts.disengaged[team_of[visitor]]}
        for a in alerts:
            if (
                a.family_id not in longest
                or a.weeks_without_visit > longest[a.family_id].weeks_without_visit
            ):
                longest[a.family_id] = a
        parts.disengaged[team_of[visitor]] = list(longest.values())
    for visitor, days in per_visitor.unsigned.items():
        parts.unsigned[team_of[visitor]].extend(days)
    return parts


def _agency_parts(user: User, agencies, period: "Period", today: date) -> Parts:
    parts = Parts()
    parts.totals = _grouped(
        _weeks(fidelity_facts(user, AgencyWeekTotals), period.start, period.end).filter(
            agency_id__in=agencies
        ),
        "agency_id",
    )
    parts.families = dict(
        fidelity_facts(user, Enrollment, agency_field="family__agency_id")
        .filter(family__agency_id__in=agencies, enrolled_on__lte=period.end)
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gte=period.start))
        .order_by()
        .values("family__agency_id")
        .annotate(n=Count("family_id", distinct=True))
        .values_list("family__agency_id", "n")
    )
    parts.disengaged = _alerts(
        fidelity_facts(user, FamilyWeekFacts).filter(agency_id__in=agencies),
        "agency_id",
        today,
        visitor_chain=False,
    )
    parts.unsigned = _unsigned(
        fidelity_facts(user, Visit, agency_field="family__agency_id").filter(
            family__agency_id__in=agencies
        ),
        "family__agency_id",
        period,
    )
    return parts


def _merged(parts: Parts, keys: Iterable) -> Parts:
    """One part (key None) adding up `keys` (units that share no family)."""
    keys = list(keys)
    present = [parts.totals[k] for k in keys if k in parts.totals]
    total = Parts()
    if present:
        total.totals[None] = add_totals(present)
    total.families[None] = sum(parts.families.get(k, 0) for k in keys)
    total.disengaged[None] = [a for k in keys for a in parts.disengaged.get(k, ())]
    total.unsigned[None] = [d for k in keys for d in parts.unsigned.get(k, ())]
    return total


def _trend(rows: QuerySet, period: "Period") -> list[WeekCoverage]:
    by_week = {
        row["week"]: row
        for row in _weeks(rows, period.start, period.end)
        .order_by()
        .values("week")
        .annotate(
            expected=Sum("expected"),
            covered=Sum("covered"),
            planned=Sum("planned"),
            delivered=Sum("delivered"),
        )
    }
    out = []
    monday = period.start
    while monday <= period.end:
        row = by_week.get(monday, {})
        expected, covered = row.get("expected") or 0, row.get("covered") or 0
        out.append(
            WeekCoverage(
                monday,
                expected,
                covered,
                covered / expected if expected else None,
                row.get("planned") or 0.0,
                row.get("delivered") or 0,
            )
        )
        monday += timedelta(weeks=1)
    return out


def disengaged_families(
    user, *, today: date, threshold_weeks: int = STREAK_WEEKS
) -> list[tuple[Family, object]]:
    """The home visitor's own families (in their scope) without a completed home visit
    for `threshold_weeks` weeks: the alerts on My week, from this week's facts rows."""
    families = my_caseload(user).active()
    rows = fidelity_facts(user, VisitorWeekFacts).filter(
        visitor_id=user.pk, family_id__in=families.order_by().values("pk")
    )
    alerts = _alerts(rows, "visitor_id", today, visitor_chain=True, threshold=threshold_weeks)
    streaks = sorted(alerts.get(user.pk, ()), key=lambda a: (-a.weeks_without_visit, a.family_id))
    names = {f.pk: f for f in families.filter(pk__in=[a.family_id for a in streaks])}
    return [(names[s.family_id], s) for s in streaks if s.family_id in names]


# --- staff: "home visitors supervised weekly" and "qualified staff" (DOMAIN §4) -------


@dataclass(frozen=True)
class StaffCounts:
    """A unit's home visitors: `supervised_weekly` of the `judged` ones (those with a week
    to judge in the period) and `qualified` of all `home_visitors`."""

    home_visitors: int = 0
    judged: int = 0
    supervised_weekly: int = 0
    qualified: int = 0

    @classmethod
    def of(cls, staff: Iterable[VisitorStaff]) -> "StaffCounts":
        staff = list(staff)
        return cls(
            home_visitors=len(staff),
            judged=sum(1 for s in staff if s.supervised_weekly is not None),
            supervised_weekly=sum(1 for s in staff if s.supervised_weekly),
            qualified=sum(1 for s in staff if s.qualified),
        )

    def __add__(self, other: "StaffCounts") -> "StaffCounts":
        return StaffCounts(
            self.home_visitors + other.home_visitors,
            self.judged + other.judged,
            self.supervised_weekly + other.supervised_weekly,
            self.qualified + other.qualified,
        )

    @property
    def supervised_weekly_share(self) -> float | None:
        return self.supervised_weekly / self.judged if self.judged else None

    @property
    def qualified_share(self) -> float | None:
        return self.qualified / self.home_visitors if self.home_visitors else None


def _visitor_staff(
    people: list[tuple[int, int]], period: "Period", today: date, *, among=None
) -> dict[int, VisitorStaff]:
    """{user id: VisitorStaff} for these home visitors ((user id, agency id) pairs) over
    the period's weeks, from the workforce app through `visits.hooks` (workforce stands
    above visits); `among` is the same people as a subquery, for every agency's many."""
    mondays = []
    monday = period.start
    while monday <= period.end:
        mondays.append(monday)
        monday += timedelta(weeks=1)
    return hooks.visitor_staff(people, mondays, today, among=among)


def _staff_by(members: Iterable[Membership], key: str, staff: dict[int, VisitorStaff]) -> dict:
    """StaffCounts per `key` of the memberships (team_id, agency_id)."""
    grouped: dict = defaultdict(list)
    for m in members:
        if m.user_id in staff:
            grouped[getattr(m, key)].append(staff[m.user_id])
    return defaultdict(StaffCounts, {k: StaffCounts.of(v) for k, v in grouped.items()})


def _people(members: Iterable[Membership]) -> list[tuple[int, int]]:
    seen, people = set(), []
    for m in members:
        if m.user_id not in seen:
            seen.add(m.user_id)
            people.append((m.user_id, m.agency_id))
    return people


def _agency_members_query(agency_ids: Iterable[int]):
    return Membership.objects.active().filter(
        role=Role.HOME_VISITOR, agency_id__in=list(agency_ids)
    )


def _agency_members(agency_ids: Iterable[int]) -> list[Membership]:
    """Active home visitors of these agencies (staff; every home visitor is on a team)."""
    return list(_agency_members_query(agency_ids).order_by("user_id", "pk"))


def _agency_staff(agency_ids: list[int], period: "Period", today: date):
    """Per agency, the staff figures of its home visitors (many: read by subquery)."""
    members = _agency_members(agency_ids)
    among = _agency_members_query(agency_ids).values("user_id")
    return _staff_by(
        members, "agency_id", _visitor_staff(_people(members), period, today, among=among)
    )


# Published with every statewide view: home visitors, then the two splits of them.
STAFF_FIELDS = (
    "home_visitors",
    "judged",
    "away",
    "supervised_weekly",
    "missed",
    "qualified",
    "unqualified",
)


def _staff_cells(c: StaffCounts) -> dict[str, int]:
    return {
        "home_visitors": c.home_visitors,
        "judged": c.judged,
        "away": c.home_visitors - c.judged,  # on leave for the whole period
        "supervised_weekly": c.supervised_weekly,
        "missed": c.judged - c.supervised_weekly,
        "qualified": c.qualified,
        "unqualified": c.home_visitors - c.qualified,
    }


def public_staff(rows: list[StaffCounts]) -> tuple[list[dict], dict]:
    """The rows' staff figures (one per agency, or per team of an agency) and their total
    (the state's, or the agency's: the sum of the rows), as they may be shown outside an
    agency: through `imhhv.core.suppression.suppress`,
    the one rule (counts of 1-10 hidden, complementary suppression).

    The published equations are given to it: in each row and in the total, home visitors
    = judged + on leave all period, judged = supervised weekly + missed, home visitors =
    qualified + not qualified; and each figure's column adds up to the total (always
    published, as for the fidelity figures: every view of the same units hides the same
    cells). So "n of m" never gives away a small count of those not supervised or not
    qualified. None marks a hidden figure; a share is shown only when both its counts
    are and `share` allows it.
    """
    total = sum(rows, StaffCounts())
    keys = [*range(len(rows)), "all"]
    cells = {k: _staff_cells(c) for k, c in zip(keys, [*rows, total], strict=True)}
    counts = {(f, k): cells[k][f] for k in keys for f in STAFF_FIELDS}
    lines = []
    for k in keys:
        lines += [
            Line(("home_visitors", k), [("judged", k), ("away", k)]),
            Line(("judged", k), [("supervised_weekly", k), ("missed", k)]),
            Line(("home_visitors", k), [("qualified", k), ("unqualified", k)]),
        ]
    for f in STAFF_FIELDS:
        lines.append(Line((f, "all"), [(f, r) for r in range(len(rows))]))
    hidden = suppress(counts, lines)

    def shown(k) -> dict:
        v = {f: None if (f, k) in hidden else counts[(f, k)] for f in STAFF_FIELDS}
        return {
            "home_visitors": v["home_visitors"],
            "judged": v["judged"],
            "supervised_weekly": v["supervised_weekly"],
            "qualified": v["qualified"],
            "supervised_weekly_share": None
            if v["missed"] is None
            else share(v["supervised_weekly"], v["judged"]),
            "qualified_share": None
            if v["unqualified"] is None
            else share(v["qualified"], v["home_visitors"]),
        }

    return [shown(r) for r in range(len(rows))], shown("all")


# --- the period -----------------------------------------------------------------------

DEFAULT_WEEKS = 12
# Two years including a leap day: [1 Jan 2024, 31 Dec 2025] is 730 days apart; a period
# may be up to 731 days apart (732 days long). The one limit for pages and API.
MAX_PERIOD_DAYS = 731


@dataclass(frozen=True)
class Period:
    start: date
    end: date


def default_period(today: date) -> Period:
    """The last 12 whole weeks that are over: Monday 12 weeks before this week's, to the
    Sunday before it."""
    return period_from(None, None, today=today)


def period_from(start: date | None, end: date | None, *, today: date) -> Period:
    """The period the person asked for, defaults filled in, as whole weeks that are over:
    from the Monday of `start`'s week to the Sunday of `end`'s, or of the last week
    before today's if `end`'s week is not over. ValidationError (keyed by the field at
    fault) if it ends before it starts, is longer than two years, or holds no week that
    is over yet."""
    last_over = week_start(today) - timedelta(days=1)
    end = min(end or last_over, last_over)
    start = start or week_start(end) - timedelta(weeks=DEFAULT_WEEKS - 1)
    if start > end:
        if start > last_over:
            raise ValidationError(
                {"start": ["A report covers weeks that are over: choose an earlier start."]}
            )
        raise ValidationError({"end": ["The end must be on or after the start."]})
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationError({"start": ["A period is at most two years."]})
    return Period(*whole_weeks(start, end))


def parse_period(params, *, today: date) -> Period:
    """`?start=&end=` (YYYY-MM-DD, both optional) as a Period; ValidationError if bad."""
    values: dict[str, date | None] = {}
    for name in ("start", "end"):
        raw = (params.get(name) or "").strip()
        try:
            values[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            raise ValidationError({name: ["Enter a date as YYYY-MM-DD."]}) from None
    return period_from(values["start"], values["end"], today=today)


# --- the report -----------------------------------------------------------------------


@dataclass(frozen=True)
class NamedAlert:
    """A disengagement alert as a page shows it. `name` (and `family_id`, for the link to
    the chart) only when the viewer may open the family today (`families_visible_to`);
    otherwise both are None and the alert carries no identifier at all."""

    family_id: int | None
    name: str | None
    weeks_without_visit: int
    last_visit: date | None


@dataclass(frozen=True)
class Figure:
    """One additive figure of a report: the total, and the sum of its rows."""

    label: str
    total: int
    rows: int

    @property
    def difference(self) -> int:
        return self.total - self.rows


@dataclass(frozen=True)
class AddsUp:
    """How the rows of a report add up to its total: every additive figure both ways,
    and, where they differ, why, in sentences the page and the API show as they are.

    Rows and total are counted from different chains on purpose (a team counts its home
    visitors' weeks with each family; an agency counts each family's weeks once), so a
    difference is not an error, but it must never be left for the reader to puzzle out.
    """

    rows_label: str  # "teams", "home visitors", "families"
    figures: tuple[Figure, ...]
    reasons: tuple[str, ...]

    @property
    def adds_up(self) -> bool:
        return all(f.difference == 0 for f in self.figures)


@dataclass
class FidelityRow:
    unit: FidelityUnit  # a part of the report's unit, or one unit of the level
    # None: no data in the period. Outside an agency, the suppressed figures (a dict of
    # the same shape, `imhhv.core.fidelity.public`) instead of the summary.
    summary: FidelitySummary | dict | None
    alerts: tuple[NamedAlert, ...] = ()  # the summary's disengagement alerts, named
    # Reflective supervision and qualification: a home visitor's `VisitorStaff`, a team's,
    # agency's or the state's `StaffCounts` (outside an agency, `public_staff`'s dict of
    # the same names); None for a family.
    staff: "VisitorStaff | StaffCounts | dict | None" = None


@dataclass
class FidelityReport:
    """What a fidelity page or the API shows.

    With a `unit`: its `total`, its parts in `rows` (a home visitor's families, a team's
    home visitors, an agency's teams, the state's agencies) and its weekly `trend`.
    Without: one row per unit of `level` the person may see (the API's list).
    `identifiable` is False for figures shown outside an agency (no family ids).

    `this_week`: when the period ends with the last week that is over, the current week
    so far (a week that is not over), shown beside the trend and marked as such, never
    added into a figure. `alerts`: the total's disengagement alerts, named for viewers
    who may open the families (none outside an agency: counts only). `adds_up`: how the
    rows add up to the total (a unit's report inside an agency). `staff`: the unit's
    "supervised weekly" and "qualified staff" figures (`VisitorStaff` for a home visitor,
    `StaffCounts` above; each row carries its own).
    """

    level: str
    period: Period
    unit: FidelityUnit | None
    total: FidelitySummary | dict | None
    rows: list[FidelityRow]
    trend: list[WeekCoverage] | list[dict] = field(default_factory=list)
    identifiable: bool = True
    this_week: WeekCoverage | dict | None = None
    alerts: tuple[NamedAlert, ...] = ()
    adds_up: AddsUp | None = None
    staff: "VisitorStaff | StaffCounts | dict | None" = None


# The additive figures of a summary, compared between a report's rows and its total.
ADDITIVE = (
    ("Families", lambda s: s.families),
    ("Home visits", lambda s: s.completed_home_visits),
    ("Other contacts", lambda s: s.completed_contacts),
    ("Weeks a home visit was expected", lambda s: s.coverage.expected_weeks),
    ("Weeks with a home visit", lambda s: s.coverage.covered_weeks),
    ("Disengagement alerts", lambda s: len(s.disengaged)),
)


def _figures(total: FidelitySummary | None, parts: Iterable) -> dict[str, Figure]:
    present = [s for s in parts if s is not None]
    return {
        label: Figure(label, get(total) if total is not None else 0, sum(get(s) for s in present))
        for label, get in ADDITIVE
    }


def _families(n: int) -> str:
    return f"{n} family" if n == 1 else f"{n} families"


def _agency_adds_up(total, team_summaries, family_sets: dict) -> AddsUp:
    """The agency's teams against the agency. The agency counts every family of the
    agency and each family's week once; a team counts the weeks its current home
    visitors had each family. What falls between is named: families that moved between
    teams (counted by each), families with no home visitor on a team, visits by staff
    who are not a team's home visitors now, weeks split by a transfer."""
    figures = _figures(total, team_summaries)
    teams_of: dict[int, int] = defaultdict(int)
    for families in family_sets.values():
        for family_id in families:
            teams_of[family_id] += 1
    moved = sum(1 for n in teams_of.values() if n > 1)
    no_team = figures["Families"].total - len(teams_of)
    reasons = []
    if moved:
        reasons.append(
            f"{_families(moved)} moved between teams in this period: each team counts "
            "the family for its own weeks, the agency counts it once."
        )
    if no_team > 0:
        reasons.append(
            f"{_families(no_team)} had no home visitor on a team in this period (not "
            "assigned, or with a supervisor, a home visitor without a team or staff who "
            "have left): the agency counts them, no team does."
        )
    if figures["Home visits"].difference or figures["Other contacts"].difference:
        reasons.append(
            "Visits made by staff who are not home visitors on a team now (a supervisor, "
            "a home visitor without a team, staff who moved or left) count for the "
            "agency, not for a team."
        )
    if (
        figures["Weeks a home visit was expected"].difference
        or figures["Weeks with a home visit"].difference
    ):
        reasons.append(
            "A team counts a family's week when one of its home visitors had the family "
            "for 4 days or more of it; a week with no home visitor on a team, or split "
            "by a transfer, counts for the agency only."
        )
    if figures["Disengagement alerts"].difference:
        reasons.append(
            "A team raises an alert when the family's home visitor today is on the team "
            "and has not made a home visit for 3 weeks or more; the agency raises it "
            "after 3 weeks without a home visit by anyone."
        )
    return _adds_up("teams", figures, reasons)


def _team_adds_up(total, visitor_summaries, families: dict) -> AddsUp:
    """The team's home visitors against the team: the team's figures are their sums,
    except that a family two of them had in the period counts once for the team."""
    figures = _figures(total, visitor_summaries)
    shared = sum(1 for visitors in families.values() if len(visitors) > 1)
    reasons = []
    if shared:
        reasons.append(
            f"{_families(shared)} had more than one of the team's home visitors in this "
            "period (a transfer): each home visitor counts the family for their own "
            "weeks, the team counts it once."
        )
    if figures["Disengagement alerts"].difference:
        reasons.append("A family on two home visitors' lists raises one alert for the team.")
    return _adds_up("home visitors", figures, reasons)


def _visitor_adds_up(total, family_summaries, hidden: int) -> AddsUp:
    """A home visitor's families against their total: families the viewer cannot open
    today (transferred since, for example) count in the total but are not listed."""
    figures = _figures(total, family_summaries)
    reasons = []
    if hidden:
        reasons.append(
            f"{_families(hidden)} that had this home visitor in the period and cannot be "
            "opened by you today (transferred since, for example) count in the totals "
            "but are not listed."
        )
    return _adds_up("families", figures, reasons)


def _adds_up(rows_label: str, figures: dict[str, Figure], reasons: list[str]) -> AddsUp:
    result = AddsUp(rows_label, tuple(figures.values()), tuple(reasons))
    if not result.adds_up and not reasons:  # never a difference without a word
        reasons.append(f"The {rows_label} are counted over their own weeks with each family.")
        result = AddsUp(rows_label, result.figures, tuple(reasons))
    return result


def _named(user: User, summaries: Iterable) -> dict[int, str]:
    """Names of the families alerted in `summaries` that `user` may open today: from
    `families_visible_to`, the one way to name a family (one query, none if no alert)."""
    ids = {d.family_id for s in summaries if s is not None for d in s.disengaged}
    if not ids:
        return {}
    return dict(
        families_visible_to(user).filter(pk__in=sorted(ids)).values_list("pk", "display_name")
    )


def _alerts_of(summary, names: dict[int, str]) -> tuple[NamedAlert, ...]:
    if summary is None:
        return ()
    return tuple(
        NamedAlert(
            d.family_id if d.family_id in names else None,
            names.get(d.family_id),
            d.weeks_without_visit,
            d.last_visit,
        )
        for d in summary.disengaged
    )


def _trend_and_this_week(
    rows: QuerySet, period: Period, today: date
) -> tuple[list[WeekCoverage], WeekCoverage | None]:
    """The period's weekly trend and, when the period ends with the last week that is
    over, this week so far (else None): one query for both. This week is shown apart and
    marked as not over; it is never part of a figure of the period."""
    monday = week_start(today)
    if period.end != monday - timedelta(days=1):
        return _trend(rows, period), None
    weeks = _trend(rows, Period(period.start, monday + timedelta(days=6)))
    return weeks[:-1], weeks[-1]


def _deny(level: str, unit_id, reason: str, *, not_found: bool) -> None:
    record(
        action="fidelity.read",
        outcome=Outcome.DENIED,
        object_type=level,
        object_id=unit_id if unit_id is not None else "",
        details={"reason": reason},
    )
    if not_found:
        raise Http404("No such unit.")
    raise PermissionDenied(f"Your role cannot see fidelity at the {level} level.")


def _team_members(team_ids: Iterable[int]) -> list[Membership]:
    """Active home visitors of these teams (staff, not people served)."""
    return list(
        Membership.objects.active()
        .filter(role=Role.HOME_VISITOR, team_id__in=list(team_ids))
        .select_related("user")
        .order_by("user__last_name", "user_id")
    )


@report_reads()
def fidelity_report(
    user: User, *, level: str, unit_id: int | None = None, period: Period
) -> FidelityReport:
    """The fidelity of one unit (`unit_id`) or of every unit of `level` `user` may see.

    Its reads may be served by a read replica (`config.db.report_reads`; a few seconds
    behind at most, else the primary); its audit event is written to the primary.

    A level with no visible unit is a 403; a unit outside them a 404, like a missing one
    (both audited). One `fidelity.read` event per call, naming the families whose rows
    were shown.
    """
    if level not in FIDELITY_LEVELS:
        raise ValidationError({"level": [f"Choose one of {', '.join(FIDELITY_LEVELS)}."]})
    units = fidelity_units_visible_to(user, level)
    if not units:
        _deny(level, unit_id, "level not visible to this role", not_found=False)
    if unit_id is not None:
        chosen = [u for u in units if u.id == unit_id]
        if not chosen:
            _deny(level, unit_id, "not found or out of scope", not_found=True)
        units = chosen
    today = timezone.localdate()
    # Whole weeks, whatever the caller built (`period_from` is the one rule).
    period = Period(*whole_weeks(period.start, period.end))
    start, end = period.start, period.end
    identifiable = not user.can("view_state_reports")
    unit = units[0] if unit_id is not None else None
    named_families: list[int] = []
    this_week: WeekCoverage | None = None
    adds_up: AddsUp | None = None
    alerts: tuple[NamedAlert, ...] = ()
    staff: VisitorStaff | StaffCounts | dict | None = None

    days_off = holidays_between(start - timedelta(days=7), today + timedelta(days=31))

    if level == "visitor":
        ids = [u.id for u in units]
        by_visitor = _visitor_parts(user, ids, period, today).summaries(
            ids, period, today, days_off
        )
        visitor_staff = _visitor_staff([(u.id, u.agency_id) for u in units], period, today)
        if unit is None:
            rows = [FidelityRow(u, by_visitor[u.id], staff=visitor_staff.get(u.id)) for u in units]
            total, trend = None, []
        else:
            per_family = _visitor_parts(user, [unit.id], period, today, key="family_id")
            summaries = per_family.summaries(
                set(per_family.totals) | set(per_family.families), period, today, days_off
            )
            # Names only for families the viewer may see today: a family transferred
            # away or left behind at another agency still counts, but is not listed.
            visible = dict(
                families_visible_to(user)
                .filter(pk__in=list(summaries))
                .values_list("pk", "display_name")
            )
            rows = [
                FidelityRow(FidelityUnit("family", fid, visible[fid], unit.agency_id), summary)
                for fid, summary in sorted(summaries.items(), key=lambda kv: visible.get(kv[0], ""))
                if fid in visible
            ]
            named_families = sorted(visible)
            total = by_visitor[unit.id]
            staff = visitor_staff.get(unit.id)
            adds_up = _visitor_adds_up(
                total, [r.summary for r in rows], len(set(summaries) - set(visible))
            )
            trend, this_week = _trend_and_this_week(
                fidelity_facts(user, VisitorWeekTotals).filter(visitor_id=unit.id), period, today
            )
    elif level == "team":
        # The teams are visible to the user, so are their home visitors
        # (`visitors_visible_to` is the same set).
        members = _team_members(u.id for u in units)
        ids = [m.user_id for m in members]
        per_visitor = _visitor_parts(user, ids, period, today)  # read once for both
        team_parts = _team_parts(user, members, period, today, per_visitor)
        by_team = team_parts.summaries([u.id for u in units], period, today, days_off)
        visitor_staff = _visitor_staff(_people(members), period, today)
        team_staff = _staff_by(members, "team_id", visitor_staff)
        if unit is None:
            rows = [FidelityRow(u, by_team[u.id], staff=team_staff[u.id]) for u in units]
            total, trend = None, []
        else:
            by_visitor = per_visitor.summaries(ids, period, today, days_off)
            rows = [
                FidelityRow(
                    FidelityUnit("visitor", m.user_id, m.user.display_name(), unit.agency_id),
                    by_visitor[m.user_id],
                    staff=visitor_staff.get(m.user_id),
                )
                for m in members
            ]
            total = by_team[unit.id]
            staff = team_staff[unit.id]
            adds_up = _team_adds_up(
                total, [r.summary for r in rows], team_parts.family_sets.get(unit.id, {})
            )
            trend, this_week = _trend_and_this_week(
                fidelity_facts(user, VisitorWeekTotals).filter(visitor_id__in=ids), period, today
            )
    elif level == "agency":
        ids = [u.id for u in units]
        parts = _agency_parts(user, ids, period, today)
        by_agency = parts.summaries(ids, period, today, days_off, empty=False)
        if unit is None:
            agency_staff = _agency_staff(ids, period, today)
            rows = [FidelityRow(u, by_agency[u.id], staff=agency_staff[u.id]) for u in units]
            total, trend = None, []
        else:
            from imhhv.agencies.models import Team

            teams = list(Team.objects.filter(agency_id=unit.id).order_by("name", "pk"))
            members = _team_members(t.pk for t in teams)
            team_parts = _team_parts(user, members, period, today)
            by_team = team_parts.summaries([t.pk for t in teams], period, today, days_off)
            visitor_staff = _visitor_staff(_people(members), period, today)
            team_staff = _staff_by(members, "team_id", visitor_staff)
            rows = [
                FidelityRow(
                    FidelityUnit("team", t.pk, t.name, unit.id),
                    by_team[t.pk],
                    staff=team_staff[t.pk],
                )
                for t in teams
            ]
            total = by_agency[unit.id]
            # Every home visitor is on a team: the agency is the sum of its teams.
            staff = sum((team_staff[t.pk] for t in teams), StaffCounts())
            if identifiable:  # figures shown outside an agency are suppressed: no sums
                adds_up = _agency_adds_up(total, [r.summary for r in rows], team_parts.family_sets)
            trend, this_week = _trend_and_this_week(
                fidelity_facts(user, AgencyWeekTotals).filter(agency_id=unit.id), period, today
            )
    else:
        from imhhv.agencies.models import Agency

        agencies = list(Agency.objects.filter(state_id__in=[u.id for u in units]).order_by("name"))
        ids = [a.pk for a in agencies]
        parts = _agency_parts(user, ids, period, today)
        by_agency = parts.summaries(ids, period, today, days_off, empty=False)
        agency_staff = _agency_staff(ids, period, today)
        rows = [
            FidelityRow(
                FidelityUnit("agency", a.pk, a.name, a.pk),
                by_agency[a.pk],
                staff=agency_staff[a.pk],
            )
            for a in agencies
        ]
        unit = unit or units[0]
        total = _merged(parts, ids).summaries([None], period, today, days_off)[None]
        staff = sum((r.staff for r in rows), StaffCounts())
        trend, this_week = _trend_and_this_week(
            fidelity_facts(user, AgencyWeekTotals).filter(agency_id__in=ids), period, today
        )

    if not identifiable and level in ("agency", "state"):
        # Shown outside an agency: every count and rate through the one suppression rule.
        figures, total = public_figures([r.summary for r in rows], total)
        for row, shown in zip(rows, figures, strict=True):
            row.summary = shown
        public = public_trend([*trend, *([this_week] if this_week is not None else [])])
        if this_week is not None:
            trend, this_week = public[:-1], public[-1]
        else:
            trend = public
        # The staff figures likewise, as one table with its total (the agency's for its
        # teams, the state's for its agencies), whether or not the view shows the total.
        shown_staff, shown_total = public_staff([r.staff for r in rows])
        for row, shown in zip(rows, shown_staff, strict=True):
            row.staff = shown
        staff = shown_total if staff is not None else None
    else:
        # Families named or listed by id (disengagement alerts) are named in the event.
        shown = [total, *(r.summary for r in rows)]
        named_families = sorted(
            set(named_families)
            | {d.family_id for s in shown if s is not None for d in s.disengaged}
        )
        names = _named(user, shown)
        alerts = _alerts_of(total, names)
        for row in rows:
            row.alerts = _alerts_of(row.summary, names)
    details = {"start": start.isoformat(), "end": end.isoformat(), "units": len(rows)}
    if named_families:
        details["family_ids"] = named_families
    record(
        action="fidelity.read",
        object_type=level,
        object_id=unit.id if unit is not None and unit_id is not None else "",
        details=details,
    )
    return FidelityReport(
        level, period, unit, total, rows, trend, identifiable, this_week, alerts, adds_up, staff
    )
