"""Reads of one person's record and of reflective supervision: the staff profile, the
sessions (notes and themes only for the people in each), a certificate, the session
form's choices. One audit event each."""

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from imhhv.accounts import access as accounts_access
from imhhv.accounts.access import governing_membership
from imhhv.accounts.models import Membership, User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core import workforce as rules
from imhhv.families.access import families_visible_to
from imhhv.workforce.access import (
    get_staff_for_user,
    notes_for_sessions,
    sessions_listable_by,
    team_memberships_for,
)
from imhhv.workforce.models import (
    CohortMember,
    Coursework,
    Degree,
    Endorsement,
    Leave,
    License,
    SelfAssessment,
    StaffInstrument,
    StaffQuestionnaire,
    SupervisionParticipant,
    SupervisionSession,
    TrainingEntry,
    TrainingEvidence,
    Waiver,
)
from imhhv.workforce.queries.facts import Person, StaffRecord, staff_records, weeks_on_leave


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
    # Choices for the record's forms, read with the profile (its one event): the
    # supervisors of the person's agency now (for "discussed with"; staff names, no
    # family's data) and the agency's staff questionnaires (a name and a score range).
    supervisors: list[User] = field(default_factory=list)
    instruments: list[StaffInstrument] = field(default_factory=list)

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
    agency_id = governing.agency_id if governing is not None else None
    profile = StaffProfile(
        supervisors=list(
            User.objects.filter(
                memberships__in=Membership.objects.active().filter(
                    agency_id=agency_id, role=rules.SUPERVISOR
                )
            )
            .exclude(pk=staff.pk)
            .distinct()
            .order_by("last_name", "first_name")
        )
        if agency_id
        else [],
        instruments=list(StaffInstrument.objects.filter(agency_id=agency_id).order_by("name"))
        if agency_id
        else [],
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
    themes: str | None = None  # likewise


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
        .prefetch_related("participants__user", "families_discussed")
        .order_by("-day", "-started_at", "-pk")
    )
    notes = notes_for_sessions(user, [s.pk for s in sessions])
    rows = [
        SessionRow(
            session,
            sorted(p.user_id for p in session.participants.all()),
            len(session.families_discussed.all()),
            *notes.get(session.pk, (None, None)),
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


# ---------------------------------------------------------------- small reads for forms


def training_evidence(user: User, staff_id: int, entry_id: int) -> TrainingEvidence:
    """The evidence file of one of the person's training entries (404 otherwise; the
    person found through access first). One read event naming the entry."""
    staff = get_staff_for_user(user, staff_id)
    evidence = (
        TrainingEvidence.objects.filter(entry_id=entry_id, entry__user=staff).first()
        if isinstance(entry_id, int) and 1 <= entry_id <= accounts_access.MAX_ID
        else None
    )
    if evidence is None:
        record(
            action="workforce.evidence.read",
            outcome=Outcome.DENIED,
            object_type="trainingentry",
            object_id=str(entry_id)[:40],
            details={"reason": "not found", "staff": staff.pk},
        )
        raise Http404("No evidence file found.")
    record(
        action="workforce.evidence.read",
        object_type="trainingentry",
        object_id=entry_id,
        details={"staff": staff.pk, "bytes": evidence.size},
    )
    return evidence


@dataclass
class SessionChoices:
    """Whom `user` may name in a session they record, and the families each carries."""

    supervisees: list[User]
    families: dict[int, list[tuple[int, str]]]  # supervisee id -> [(family id, name)]


def session_choices(user: User) -> SessionChoices:
    """For the session form: the home visitors of the team `user` supervises (and
    `user` for an external consultation) and the families each carries that `user` may
    see. One `family.list` event naming the families offered."""
    if not (user.is_authenticated and user.can("supervise")):
        record(
            action="workforce.session.choices",
            outcome=Outcome.DENIED,
            object_type="supervisionsession",
            details={"reason": "missing capability supervise"},
        )
        raise PermissionDenied("Only a supervisor records reflective supervision.")
    visitors = [m.user for m in team_memberships_for(user).order_by("user__last_name")]
    ids = [v.pk for v in visitors]
    families: dict[int, list[tuple[int, str]]] = {pk: [] for pk in ids}
    for pk, name, visitor_id in (
        families_visible_to(user)
        .filter(home_visitor_id__in=ids)
        .active()
        .order_by("display_name")
        .values_list("pk", "display_name", "home_visitor_id")
    ):
        families[visitor_id].append((pk, name))
    record(
        action="family.list",
        object_type="family",
        details={"view": "session_form", "ids": sorted(p for f in families.values() for p, _ in f)},
    )
    return SessionChoices([user, *visitors], families)


def own_supervision(user: User, first: date, last: date) -> tuple[set[date], set[date]]:
    """The days of `user`'s own sessions (as a supervisee) from `first` to `last`, and
    the Mondays of weeks they were on leave all week: a building block for the caller's
    page about oneself (My week), which writes the one audit event. Two queries."""
    if not user.is_authenticated:
        return set(), set()
    days = set(
        SupervisionParticipant.objects.filter(
            user_id=user.pk, session__day__gte=first, session__day__lte=last
        ).values_list("session__day", flat=True)
    )
    leave = weeks_on_leave(
        Leave.objects.filter(user_id=user.pk, start__lte=last, end__gte=first).values_list(
            "start", "end"
        )
    )
    return days, leave
