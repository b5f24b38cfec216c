"""Reads over many people: the agency's staff board, compliance per team, agency or state
(suppressed for the state), the learning-collaborative cohorts and the ninth evaluation
domain. One audit event each; the people come from `workforce.access`."""

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from imhhv.accounts import access as accounts_access
from imhhv.accounts.models import Membership, User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core import workforce as rules
from imhhv.core.suppression import share, suppress_count, suppress_records
from imhhv.workforce.access import (
    COMPLIANCE_LEVELS,
    agency_memberships_for,
    compliance_memberships,
    staff_readable_by,
)
from imhhv.workforce.models import (
    Cohort,
    CohortMember,
    Endorsement,
    StaffQuestionnaire,
)
from imhhv.workforce.queries.facts import StaffRecord, people_of, staff_records

# ---------------------------------------------------------------- the agency's staff board

EXPIRING_DAYS = 90


@dataclass
class BoardRow:
    membership: Membership
    record: StaffRecord
    expiring: list[tuple[str, date]]  # (what, when) within EXPIRING_DAYS, soonest first

    @property
    def staff(self) -> User:
        return self.membership.user


@dataclass
class StaffBoard:
    today: date
    rows: list[BoardRow]

    @property
    def expiring(self) -> list[tuple[BoardRow, str, date]]:
        """Every item due in the window, soonest first, across the staff."""
        items = [(row, what, when) for row in self.rows for what, when in row.expiring]
        return sorted(items, key=lambda item: (item[2], item[0].staff.last_name))


def _expiring(record: StaffRecord, renewals: list[int], today: date) -> list[tuple[str, date]]:
    """Requirements with a next due date in the window (license expiry, the waiver's and
    the CE fiscal year's end, a cohort's end, the supervision-hours window) and the
    endorsement's renewal (31 December of its renewal year)."""
    until = today + timedelta(days=EXPIRING_DAYS)
    items = [
        (rules.REQUIREMENT_LABELS.get(r.name, r.name), r.next_due)
        for r in record.requirements
        if r.next_due is not None and today <= r.next_due <= until
    ]
    items += [
        ("Endorsement renewal", date(year, 12, 31))
        for year in renewals
        if today <= date(year, 12, 31) <= until
    ]
    return sorted(items, key=lambda item: item[1])


def board_rows(memberships: list[Membership], today: date) -> list[BoardRow]:
    """Rows for memberships already found through access (a building block: no audit),
    in a fixed number of queries."""
    records = staff_records(people_of(memberships), today)
    renewals: dict[int, list[int]] = {}
    for user_id, year in Endorsement.objects.filter(
        user_id__in=list(records), renewal_year__isnull=False
    ).values_list("user_id", "renewal_year"):
        renewals.setdefault(user_id, []).append(year)
    return [
        BoardRow(
            m, records[m.user_id], _expiring(records[m.user_id], renewals.get(m.user_id, []), today)
        )
        for m in memberships
        if m.user_id in records
    ]


def agency_staff_board(user: User, today: date | None = None) -> StaffBoard:
    """The agency administrator's board: every home visitor and supervisor with each
    requirement's status, and what expires in the next 90 days. One read event."""
    if not accounts_access.administers_an_agency(user):
        record(
            action="workforce.staff_board.read",
            outcome=Outcome.DENIED,
            object_type="agency",
            details={"reason": "not an agency administrator"},
        )
        raise PermissionDenied("Only an agency administrator sees the agency's staff board.")
    today = today or timezone.localdate()
    memberships = list(
        agency_memberships_for(user).order_by("team__name", "user__last_name", "user__first_name")
    )
    board = StaffBoard(today, board_rows(memberships, today))
    record(
        action="workforce.staff_board.read",
        object_type="agency",
        object_id=user.membership.agency_id,
        details={"staff": len(board.rows)},
    )
    return board


# ---------------------------------------------------------------- compliance

QUALIFIED = "qualified"
SUPERVISED_WEEKLY = "supervised_weekly"
COMPLIANCE_COLUMNS = (*rules.REQUIREMENT_ORDER, QUALIFIED, SUPERVISED_WEEKLY)


@dataclass
class Cell:
    met: int | None  # None: suppressed
    of: int | None  # people the requirement applies to; None: suppressed
    suppressed: bool = False  # figures for the state: a rate goes through `share`

    @property
    def share(self) -> float | None:
        if self.suppressed:
            return share(self.met, self.of)
        return self.met / self.of if self.of and self.met is not None else None


@dataclass
class ComplianceRow:
    unit_id: int | None
    name: str
    staff: int | None
    cells: dict[str, Cell]


@dataclass
class Compliance:
    level: str
    today: date
    policy: str
    rows: list[ComplianceRow]
    total: ComplianceRow | None
    suppressed: bool  # small cells hidden (the state and evaluators)
    columns: tuple[str, ...] = COMPLIANCE_COLUMNS


def _counts(records: list[StaffRecord]) -> dict[str, int]:
    """{column_met, column_of, staff} for one unit's records."""
    out = {"staff": len(records)}
    for column in COMPLIANCE_COLUMNS:
        out[f"{column}_met"] = out[f"{column}_of"] = 0
    for rec in records:
        statuses = {r.name: r.status for r in rec.requirements}
        statuses[QUALIFIED] = rules.MET if rec.qualified else rules.NOT_MET
        if rec.person.role == rules.HOME_VISITOR:
            weekly = rules.supervised_weekly(rec.share)
            if weekly is not None:  # no week to judge (all on leave): on neither side
                statuses[SUPERVISED_WEEKLY] = rules.MET if weekly else rules.NOT_MET
        for name, status in statuses.items():
            out[f"{name}_of"] += 1
            out[f"{name}_met"] += status == rules.MET
    return out


def _unit_of(level: str, membership: Membership) -> tuple[int, str]:
    if level == "team":
        return membership.team_id, membership.team.name
    if level == "agency":
        return membership.agency_id, membership.agency.name
    return 0, "Michigan"


def compliance(user: User, level: str, today: date | None = None) -> Compliance:
    """The share of staff meeting each requirement, per team, per agency or for the
    state (`access.compliance_memberships` says who may see which). No names: counts
    only. For the state and evaluators every count goes through the one suppression
    function (`imhhv.core.suppression.suppress_records`, with the total row): a unit's
    small counts and their complements are hidden. One `report.read` event."""
    if level not in COMPLIANCE_LEVELS:
        raise ValidationError({"level": [f"Choose one of {', '.join(COMPLIANCE_LEVELS)}."]})
    memberships = compliance_memberships(user, level)
    if memberships is None:
        record(
            action="workforce.compliance.read",
            outcome=Outcome.DENIED,
            object_type="report",
            object_id=level,
            details={"reason": "level not visible to this role"},
        )
        raise PermissionDenied("You cannot see workforce compliance at this level.")
    today = today or timezone.localdate()
    among = memberships.values("user_id")
    memberships = list(memberships.select_related("team", "agency"))
    records = staff_records(people_of(memberships), today, among=among)
    units: dict[int, tuple[str, list[StaffRecord]]] = {}
    for m in memberships:
        if m.user_id not in records:
            continue
        unit_id, name = _unit_of(level, m)
        units.setdefault(unit_id, (name, []))[1].append(records[m.user_id])
    ordered = sorted(units.items(), key=lambda kv: kv[1][0])
    counts = [_counts(recs) for _, (_, recs) in ordered]
    fields = ["staff"] + [f"{c}_{k}" for c in COMPLIANCE_COLUMNS for k in ("met", "of")]
    suppressed = user.can("view_state_reports")
    if suppressed:
        shown, totals = suppress_records(counts, fields, totals=True)
    else:
        shown = counts
        totals = {f: sum(c[f] for c in counts) for f in fields}

    def row(unit_id, name, values) -> ComplianceRow:
        return ComplianceRow(
            unit_id,
            name,
            values["staff"],
            {
                c: Cell(values[f"{c}_met"], values[f"{c}_of"], suppressed)
                for c in COMPLIANCE_COLUMNS
            },
        )

    rows = [row(uid, name, values) for (uid, (name, _)), values in zip(ordered, shown, strict=True)]
    total = row(None, "All", totals) if len(rows) > 1 or suppressed else None
    record(
        action="workforce.compliance.read",
        object_type="report",
        object_id=level,
        details={"units": len(rows), "staff": sum(c["staff"] for c in counts)},
    )
    return Compliance(level, today, rules.DEFAULT_POLICY.version, rows, total, suppressed)


# ---------------------------------------------------------------- learning collaborative


@dataclass
class CohortView:
    cohort: Cohort
    members: list[CohortMember]  # those whose records the reader may read
    enrolled: int  # every member, seen or not

    @property
    def in_progress(self) -> bool:
        return self.cohort.start <= timezone.localdate() <= self.cohort.end


def cohorts_for(user: User) -> list[CohortView]:
    """The state's learning-collaborative cohorts with attendance: every cohort and
    member for the state office; elsewhere the cohorts one's readable staff are in,
    listing those members only. One read event."""
    readable = staff_readable_by(user).values("pk")
    statewide = user.is_authenticated and user.can("manage_staff_statewide")
    cohorts = (
        Cohort.objects.all()
        if statewide
        else Cohort.objects.filter(members__user_id__in=readable).distinct()
    )
    enrolled = (
        CohortMember.objects.filter(cohort=OuterRef("pk"))
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    cohorts = list(cohorts.annotate(enrolled=Coalesce(Subquery(enrolled), 0)).order_by("-start"))
    members = CohortMember.objects.filter(cohort__in=cohorts).select_related("user")
    if not statewide:
        members = members.filter(user_id__in=readable)
    by_cohort: dict[int, list[CohortMember]] = {}
    for member in members.order_by("user__last_name", "user__first_name"):
        by_cohort.setdefault(member.cohort_id, []).append(member)
    views = [CohortView(c, by_cohort.get(c.pk, []), c.enrolled) for c in cohorts]
    record(
        action="workforce.cohorts.read",
        object_type="cohort",
        details={"cohorts": len(views), "members": sum(len(v.members) for v in views)},
    )
    return views


# ---------------------------------------------------------------- the ninth domain


@dataclass
class DomainRow:
    agency_id: int | None
    name: str
    home_visitors: int | None
    qualified: int | None
    supervised_weekly: int | None
    hours_per_visitor_month: float | None  # mean supervision dose; None when suppressed


@dataclass
class QuestionnaireFigure:
    instrument: str
    time_point: str
    n: int | None
    mean: float | None


@dataclass
class NinthDomain:
    """The state evaluation's therapist / therapy / reflective supervision domain."""

    fiscal_year: int
    rows: list[DomainRow]
    total: DomainRow
    questionnaires: list[QuestionnaireFigure]


def ninth_domain(user: User, fiscal_year: int | None = None) -> NinthDomain:
    """Per agency, for a fiscal year: home visitors, how many are qualified and
    supervised weekly (counts suppressed as everywhere for the state), the supervision
    dose (hours per home visitor per month, shown only where the home visitors are not
    a small cell), and staff questionnaire scores (mean per instrument and time point,
    shown from 11 people). For the state and evaluators only. One `report.read` event."""
    if not (user.is_authenticated and user.can("view_state_reports")):
        record(
            action="workforce.ninth_domain.read",
            outcome=Outcome.DENIED,
            object_type="report",
            details={"reason": "missing capability view_state_reports"},
        )
        raise PermissionDenied("Only the state and evaluators see this domain.")
    today = timezone.localdate()
    fy = fiscal_year or rules.fiscal_year(today)
    start, end = rules.fiscal_year_start(fy), min(rules.fiscal_year_end(fy), today)
    if start > today:
        raise ValidationError({"fiscal_year": ["Choose a fiscal year that has begun."]})
    judged = Membership.objects.active().filter(role=rules.HOME_VISITOR)
    visitors = list(judged.select_related("agency").order_by("agency__name"))
    # Qualified, the weekly share and the hours: no training ledger needed.
    records = staff_records(
        people_of(visitors), today, among=judged.values("user_id"), qualifications_only=True
    )
    months = Fraction((end - start).days + 1) / Fraction("30.4375")  # mean month length
    agencies: dict[int, dict] = {}
    for m in visitors:
        rec = records[m.user_id]
        unit = agencies.setdefault(
            m.agency_id,
            {
                "name": m.agency.name,
                "home_visitors": 0,
                "qualified": 0,
                "supervised_weekly": 0,
                "hours": Fraction(0),
            },
        )
        unit["home_visitors"] += 1
        unit["qualified"] += rec.qualified
        unit["supervised_weekly"] += bool(rules.supervised_weekly(rec.share))
        unit["hours"] += rec.supervision_hours(start, end)
    ids = sorted(agencies, key=lambda a: agencies[a]["name"])
    fields = ["home_visitors", "qualified", "supervised_weekly"]
    shown, totals = suppress_records([agencies[a] for a in ids], fields, totals=True)

    def dose(n_shown, hours, n) -> float | None:
        return round(float(hours / n / months), 2) if n_shown and n else None

    rows = [
        DomainRow(
            a,
            agencies[a]["name"],
            s["home_visitors"],
            s["qualified"],
            s["supervised_weekly"],
            dose(s["home_visitors"], agencies[a]["hours"], agencies[a]["home_visitors"]),
        )
        for a, s in zip(ids, shown, strict=True)
    ]
    all_n = sum(agencies[a]["home_visitors"] for a in ids)
    total = DomainRow(
        None,
        "All agencies",
        totals["home_visitors"],
        totals["qualified"],
        totals["supervised_weekly"],
        dose(totals["home_visitors"], sum((agencies[a]["hours"] for a in ids), Fraction(0)), all_n),
    )
    labels = dict(StaffQuestionnaire.TimePoint.choices)
    figures = [
        QuestionnaireFigure(
            row["instrument__name"],
            labels.get(row["time_point"], row["time_point"]),
            suppress_count(row["n"]),
            round(float(row["mean"]), 2) if suppress_count(row["n"]) else None,
        )
        for row in StaffQuestionnaire.objects.filter(day__range=(start, end))
        .values("instrument__name", "time_point")
        .annotate(n=Count("user_id", distinct=True), mean=Avg("score"))
        .order_by("instrument__name", "time_point")
    ]
    record(
        action="workforce.ninth_domain.read",
        object_type="report",
        object_id=f"FY{fy}",
        details={"agencies": len(rows)},
    )
    return NinthDomain(fy, rows, total, figures)
