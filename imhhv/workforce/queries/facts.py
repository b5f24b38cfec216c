"""The core's `StaffFacts` for many people at once, in a fixed number of queries.

A building block, not a use case: it neither checks access nor audits. Callers pass
people they have already found through `imhhv.workforce.access` (a profile, a team
board, an agency board, the statewide compliance table) and write their own one audit
event. One query per table whatever the number of people (the boards' query counts must
not grow with the staff: tests assert it).

`StaffRecord` adds what a board shows beside the rule results: leave weeks and the
session days (for the weekly share and "supervised this week").

Training entries and sessions are read from three years back (the two-year supervision
window and a year beyond): the rules use nothing older, and the statewide table must not
read every session ever held.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import Min

from imhhv.accounts.models import Membership
from imhhv.core import workforce as rules
from imhhv.core.calendar import week_start
from imhhv.families.models import Assignment
from imhhv.workforce.models import (
    CohortMember,
    Coursework,
    Degree,
    Endorsement,
    Leave,
    License,
    SelfAssessment,
    SupervisionParticipant,
    TrainingEntry,
    Waiver,
)

SHARE_WEEKS = 12  # "over 12 weeks" on the boards and the profile


@dataclass(frozen=True)
class Person:
    """Who to judge: the user, the role that decides the requirements and its agency."""

    user_id: int
    role: str
    agency_id: int


@dataclass
class StaffRecord:
    person: Person
    facts: rules.StaffFacts
    leave_weeks: set[date]
    requirements: list[rules.Requirement]
    carry: tuple[bool, list[str]] | None  # home visitors only
    share: Fraction | None  # weeks with a session over the last SHARE_WEEKS full weeks
    this_week: bool | None  # a session this week so far; None when on leave all week
    last_week: bool | None = None  # a session in the week just over; None: on leave
    # The share's two counts over the last SHARE_WEEKS full weeks (weeks on leave aside).
    weeks_supervised: int = 0
    weeks_counted: int = 0

    @property
    def worst(self) -> str:
        return rules.worst(r.status for r in self.requirements)

    @property
    def qualified(self) -> bool:
        return rules.qualified(self.requirements)

    def status_of(self, name: str) -> str | None:
        return next((r.status for r in self.requirements if r.name == name), None)

    def monthly_hours(self, today: date, months: int = 6) -> list[tuple[date, Fraction]]:
        """Reflective supervision hours per calendar month, this month first."""
        out, first = [], today.replace(day=1)
        for _ in range(months):
            following = (first + timedelta(days=32)).replace(day=1)
            out.append((first, self.supervision_hours(first, following - timedelta(days=1))))
            first = (first - timedelta(days=1)).replace(day=1)
        return out

    def supervision_hours(self, start: date, end: date) -> Fraction:
        return sum((s.hours for s in self.facts.supervision if start <= s.day <= end), Fraction(0))


def weeks_on_leave(leaves) -> set[date]:
    """Mondays of weeks whose working days (Monday to Friday) are all on leave.

    `leaves` holds objects or pairs with a start and an end day."""
    weeks = set()
    for leave in leaves:
        start, end = (leave.start, leave.end) if hasattr(leave, "start") else leave
        monday = week_start(start)
        while monday <= end:
            if start <= monday and monday + timedelta(days=4) <= end:
                weeks.add(monday)
            monday += timedelta(days=7)
    return weeks


def _rows(source, ids: list[int], *fields: str, make) -> dict[int, list]:
    """{user id: [make(*values)]} from one query of `source` (a model or a queryset)."""
    rows = source.objects.all() if isinstance(source, type) else source
    out: dict[int, list] = defaultdict(list)
    for user_id, *values in rows.filter(user_id__in=ids).values_list("user_id", *fields):
        out[user_id].append(make(*values))
    return out


def people_of(memberships) -> list[Person]:
    """One `Person` per membership with a judged role (home visitor, supervisor)."""
    return [Person(m.user_id, m.role, m.agency_id) for m in memberships if m.role in rules.ROLES]


def staff_records(
    people: list[Person],
    today: date,
    policy: rules.WorkforcePolicy = rules.DEFAULT_POLICY,
    *,
    among=None,
    qualifications_only: bool = False,
) -> dict[int, StaffRecord]:
    """{user id: StaffRecord} for `people`, in a fixed number of queries.

    `among`, for a large set (the state's), is a query of the same people's user ids
    (`memberships.values("user_id")`): each read then filters by that subquery instead of
    sending hundreds of ids with every statement. `qualifications_only` judges only the
    qualifications (`rules.qualification_requirements`: what "qualified staff" needs) and
    skips the training ledger and the cohorts: the fidelity pages need no more."""
    if not people:
        return {}
    ids = among if among is not None else [p.user_id for p in people]
    starts = {
        (row["user_id"], row["agency_id"], row["role"]): row["first"]
        for row in Membership.objects.filter(user_id__in=ids, role__in=rules.ROLES)
        .values("user_id", "agency_id", "role")
        .annotate(first=Min("start_date"))
    }
    first_family = dict(
        Assignment.objects.filter(home_visitor_id__in=ids)
        .values("home_visitor_id")
        .annotate(first=Min("start_date"))
        .values_list("home_visitor_id", "first")
    )
    # Tuples, not model instances: the statewide table reads ~20,000 rows.
    degrees = _rows(Degree, ids, "level", "field", "institution", "year", make=rules.Degree)
    licenses = _rows(
        License, ids, "type", "issued_on", "expires_on", "number", "state", make=rules.License
    )
    endorsements = _rows(
        Endorsement,
        ids,
        "category",
        "status",
        "registered_on",
        "endorsed_on",
        make=rules.Endorsement,
    )
    waivers = _rows(Waiver, ids, "fiscal_year", "requested_on", "approved_on", make=rules.Waiver)
    assessments = {
        uid: rules.SelfAssessment(done, discussed)
        for uid, done, discussed in SelfAssessment.objects.filter(user_id__in=ids).values_list(
            "user_id", "completed_on", "discussed_on"
        )
    }
    coursework = dict(
        Coursework.objects.filter(user_id__in=ids).values_list("user_id", "psychotherapy")
    )
    # History the rules can use: the CE and endorsement years, the supervision window
    # (two years from registration) and a year beyond it; older rows stay out of the read.
    since = today - timedelta(days=policy.supervision_window_days + 365)
    training = (
        {}
        if qualifications_only
        else _rows(
            TrainingEntry.objects.filter(day__gte=since),
            ids,
            "day",
            "hours",
            "category",
            make=rules.TrainingEntry,
        )
    )
    cohorts = (
        {}
        if qualifications_only
        else _rows(
            CohortMember,
            ids,
            "cohort__start",
            "cohort__end",
            "completed_on",
            make=rules.Collaborative,
        )
    )
    leaves: dict[int, list] = defaultdict(list)
    for user_id, start, end in Leave.objects.filter(user_id__in=ids).values_list(
        "user_id", "start", "end"
    ):
        leaves[user_id].append((start, end))
    sessions: dict[int, list] = defaultdict(list)
    for user_id, day, minutes in SupervisionParticipant.objects.filter(
        user_id__in=ids, session__day__gte=since
    ).values_list("user_id", "session__day", "session__minutes"):
        # Minutes as an exact fraction of an hour (the rules sum with Fraction).
        sessions[user_id].append(rules.SupervisionSession(day, Fraction(minutes, 60)))

    this_week = week_start(today)
    weeks = [this_week - timedelta(weeks=n) for n in range(1, SHARE_WEEKS + 1)]
    out = {}
    for person in people:
        uid = person.user_id
        facts = rules.StaffFacts(
            role=person.role,
            role_started_on=starts.get((uid, person.agency_id, person.role), today),
            first_family_on=first_family.get(uid),
            degrees=degrees[uid],
            licenses=licenses[uid],
            endorsements=endorsements[uid],
            waivers=waivers[uid],
            self_assessment=assessments.get(uid),
            collaboratives=cohorts.get(uid, ()),
            training=training.get(uid, ()),
            supervision=sessions[uid],
            psychotherapy_coursework=coursework.get(uid),
        )
        leave_weeks = weeks_on_leave(leaves[uid])
        session_weeks = {week_start(s.day) for s in facts.supervision}
        out[uid] = StaffRecord(
            person=person,
            facts=facts,
            leave_weeks=leave_weeks,
            requirements=(
                rules.qualification_requirements(facts, today, policy)
                if qualifications_only
                else rules.requirements(facts, today, policy)
            ),
            carry=rules.may_carry_families(facts, today, policy)
            if person.role == rules.HOME_VISITOR
            else None,
            share=rules.weekly_supervision_share(
                [s.day for s in facts.supervision], weeks, leave_weeks
            ),
            this_week=None if this_week in leave_weeks else this_week in session_weeks,
            last_week=None if weeks[0] in leave_weeks else weeks[0] in session_weeks,
            weeks_supervised=len(set(weeks) - leave_weeks & session_weeks),
            weeks_counted=len(set(weeks) - leave_weeks),
        )
    return out
