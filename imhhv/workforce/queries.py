"""Reads of the staff record and of reflective supervision, one call per use case.

`staff_profile` turns the person's rows into the core's `StaffFacts` and returns them
with the rule results; `sessions_for` lists sessions with notes only for the people in
each session. Each writes exactly one audit event (a denial is the access function's
one event); the audit names which sessions' notes were read, never their text.
"""

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from django.db.models import Q
from django.utils import timezone

from imhhv.accounts.access import governing_membership
from imhhv.accounts.models import User
from imhhv.audit.services import record
from imhhv.core import workforce as rules
from imhhv.workforce.access import get_staff_for_user, notes_for_sessions, sessions_listable_by
from imhhv.workforce.facts import Person, StaffRecord, staff_records
from imhhv.workforce.models import (
    CohortMember,
    Coursework,
    Degree,
    Endorsement,
    Leave,
    License,
    SelfAssessment,
    StaffQuestionnaire,
    SupervisionSession,
    TrainingEntry,
    Waiver,
)


@dataclass
class StaffProfile:
    staff: User
    role: str | None
    record: StaffRecord | None  # None when the person has no judged role
    degrees: list[Degree] = field(default_factory=list)
    licenses: list[License] = field(default_factory=list)
    endorsements: list[Endorsement] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    self_assessment: SelfAssessment | None = None
    coursework: Coursework | None = None
    training: list[TrainingEntry] = field(default_factory=list)
    leave: list[Leave] = field(default_factory=list)
    cohorts: list[CohortMember] = field(default_factory=list)
    questionnaires: list[StaffQuestionnaire] = field(default_factory=list)

    @property
    def facts(self) -> rules.StaffFacts | None:
        return self.record.facts if self.record else None

    @property
    def requirements(self) -> list[rules.Requirement]:
        return self.record.requirements if self.record else []

    @property
    def may_carry_families(self) -> tuple[bool, list[str]] | None:
        return self.record.carry if self.record else None

    @property
    def weekly_supervision_share(self) -> Fraction | None:
        return self.record.share if self.record else None


def staff_profile(user: User, staff_id: int) -> StaffProfile:
    """The person's workforce record and every requirement of their role, as `user` may
    read it (404/403 with one denial event otherwise); one read event."""
    staff = get_staff_for_user(user, staff_id)
    today = timezone.localdate()
    governing = governing_membership(staff)
    role = governing.role if governing is not None and governing.role in rules.ROLES else None
    record_ = None
    if role is not None:
        person = Person(staff.pk, role, governing.agency_id)
        record_ = staff_records([person], today)[staff.pk]
    profile = StaffProfile(
        staff=staff,
        role=role,
        record=record_,
        degrees=list(Degree.objects.filter(user=staff).order_by("-year", "pk")),
        licenses=list(License.objects.filter(user=staff).order_by("-expires_on", "pk")),
        endorsements=list(Endorsement.objects.filter(user=staff).order_by("category")),
        waivers=list(Waiver.objects.filter(user=staff).order_by("-fiscal_year")),
        self_assessment=SelfAssessment.objects.filter(user=staff).first(),
        coursework=Coursework.objects.filter(user=staff).first(),
        training=list(
            TrainingEntry.objects.filter(user=staff)
            .select_related("evidence")
            .defer("evidence__data")
            .order_by("-day", "-pk")
        ),
        leave=list(Leave.objects.filter(user=staff).order_by("-start")),
        cohorts=list(
            CohortMember.objects.filter(user=staff)
            .select_related("cohort")
            .order_by("-cohort__start")
        ),
        questionnaires=list(
            StaffQuestionnaire.objects.filter(user=staff)
            .select_related("instrument")
            .order_by("-day", "pk")
        ),
    )
    record(action="workforce.profile.read", target=staff, details={"role": role or ""})
    return profile


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
