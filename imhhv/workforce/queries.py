"""Reads of the staff record and of reflective supervision, one call per use case.

`staff_profile` turns the person's rows into the core's `StaffFacts` and returns them
with the rule results; `sessions_for` lists sessions with notes only for the people in
each session. Each writes exactly one audit event (a denial is the access function's
one event); the audit names which sessions' notes were read, never their text.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import Q
from django.utils import timezone

from imhhv.accounts.access import governing_membership
from imhhv.accounts.models import Membership, User
from imhhv.audit.services import record
from imhhv.core import workforce as rules
from imhhv.core.calendar import week_start
from imhhv.families.models import Assignment
from imhhv.workforce.access import get_staff_for_user, notes_for_sessions, sessions_listable_by
from imhhv.workforce.models import (
    Degree,
    Endorsement,
    Leave,
    License,
    SelfAssessment,
    SupervisionSession,
    TrainingEntry,
    Waiver,
)

SHARE_WEEKS = 12


@dataclass
class StaffProfile:
    staff: User
    role: str | None
    facts: rules.StaffFacts | None
    requirements: list[rules.Requirement]
    may_carry_families: tuple[bool, list[str]] | None
    weekly_supervision_share: Fraction | None  # over the last SHARE_WEEKS full weeks
    degrees: list[Degree] = field(default_factory=list)
    licenses: list[License] = field(default_factory=list)
    endorsements: list[Endorsement] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    self_assessment: SelfAssessment | None = None
    training: list[TrainingEntry] = field(default_factory=list)
    leave: list[Leave] = field(default_factory=list)


def _role_and_start(staff: User) -> tuple[str | None, date | None]:
    """The role that decides the requirements (the governing membership's) and the day
    the person started in it at that agency (the earliest such membership)."""
    governing = governing_membership(staff)
    if governing is None or governing.role not in rules.ROLES:
        return None, None
    first = (
        Membership.objects.filter(user=staff, agency_id=governing.agency_id, role=governing.role)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    return governing.role, first


def weeks_on_leave(leaves: list[Leave]) -> set[date]:
    """Mondays of weeks whose working days (Monday to Friday) are all on leave."""
    weeks = set()
    for leave in leaves:
        monday = week_start(leave.start)
        while monday <= leave.end:
            if leave.start <= monday and monday + timedelta(days=4) <= leave.end:
                weeks.add(monday)
            monday += timedelta(days=7)
    return weeks


def _facts(staff: User, role: str, started: date, rows: dict) -> rules.StaffFacts:
    first_family = (
        Assignment.objects.filter(home_visitor=staff)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    assessment = rows["self_assessment"]
    sessions = SupervisionSession.objects.filter(participants__user=staff).values_list(
        "day", "minutes"
    )
    return rules.StaffFacts(
        role=role,
        role_started_on=started,
        first_family_on=first_family,
        degrees=[rules.Degree(d.level, d.field, d.institution, d.year) for d in rows["degrees"]],
        licenses=[
            rules.License(lic.type, lic.issued_on, lic.expires_on, lic.number, lic.state)
            for lic in rows["licenses"]
        ],
        endorsements=[
            rules.Endorsement(e.category, e.status, e.registered_on, e.endorsed_on)
            for e in rows["endorsements"]
        ],
        waivers=[
            rules.Waiver(w.fiscal_year, w.requested_on, w.approved_on) for w in rows["waivers"]
        ],
        self_assessment=rules.SelfAssessment(assessment.completed_on, assessment.discussed_on)
        if assessment
        else None,
        training=[rules.TrainingEntry(t.day, t.hours, t.category) for t in rows["training"]],
        # Minutes as an exact fraction of an hour (the rules sum with Fraction).
        supervision=[rules.SupervisionSession(day, Fraction(m, 60)) for day, m in sessions],
    )


def staff_profile(user: User, staff_id: int) -> StaffProfile:
    """The person's workforce record and every requirement of their role, as `user` may
    read it (404/403 with one denial event otherwise); one read event."""
    staff = get_staff_for_user(user, staff_id)
    today = timezone.localdate()
    rows = {
        "degrees": list(Degree.objects.filter(user=staff).order_by("-year", "pk")),
        "licenses": list(License.objects.filter(user=staff).order_by("-expires_on", "pk")),
        "endorsements": list(Endorsement.objects.filter(user=staff).order_by("category")),
        "waivers": list(Waiver.objects.filter(user=staff).order_by("-fiscal_year")),
        "self_assessment": SelfAssessment.objects.filter(user=staff).first(),
        "training": list(TrainingEntry.objects.filter(user=staff).order_by("-day", "-pk")),
        "leave": list(Leave.objects.filter(user=staff).order_by("-start")),
    }
    role, started = _role_and_start(staff)
    facts = requirements = carry = share = None
    if role is not None:
        facts = _facts(staff, role, started, rows)
        requirements = rules.requirements(facts, today)
        carry = rules.may_carry_families(facts, today) if role == rules.HOME_VISITOR else None
        this_week = week_start(today)
        weeks = [this_week - timedelta(weeks=n) for n in range(1, SHARE_WEEKS + 1)]
        share = rules.weekly_supervision_share(
            [s.day for s in facts.supervision], weeks, weeks_on_leave(rows["leave"])
        )
    record(action="workforce.profile.read", target=staff, details={"role": role or ""})
    return StaffProfile(
        staff=staff,
        role=role,
        facts=facts,
        requirements=requirements or [],
        may_carry_families=carry,
        weekly_supervision_share=share,
        **rows,
    )


@dataclass
class SessionRow:
    session: SupervisionSession
    supervisee_ids: list[int]
    family_count: int
    notes: str | None  # None unless the reader is in the session


def sessions_for(
    user: User,
    *,
    staff_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[SessionRow]:
    """Sessions `user` may see, newest first: with `staff_id`, that person's (as
    supervisor or supervisee; the person found through access, 404/403 otherwise).

    Notes are filled in only where `user` is the supervisor or a participant
    (`access.notes_for_sessions`); one read event lists the sessions whose notes were read.
    """
    sessions = sessions_listable_by(user)
    if staff_id is not None:
        staff = get_staff_for_user(user, staff_id)
        mine = SupervisionSession.objects.filter(participants__user=staff).values("pk")
        sessions = sessions.filter(Q(pk__in=mine) | Q(supervisor=staff))
    if start is not None:
        sessions = sessions.filter(day__gte=start)
    if end is not None:
        sessions = sessions.filter(day__lte=end)
    sessions = list(
        sessions.select_related("supervisor")
        .prefetch_related("participants", "families_discussed")
        .order_by("-day", "-started_at", "-pk")
    )
    notes = notes_for_sessions(user, [s.pk for s in sessions])
    rows = [
        SessionRow(
            session,
            sorted(p.user_id for p in session.participants.all()),
            len(session.families_discussed.all()),
            notes.get(session.pk),
        )
        for session in sessions
    ]
    notes_read = sorted(notes)
    record(
        action="workforce.sessions.read",
        object_type="user",
        object_id=staff_id if staff_id is not None else "",
        details={"count": len(rows), "notes_read": notes_read},
    )
    return rows
