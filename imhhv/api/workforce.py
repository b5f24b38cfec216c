"""Workforce: the staff record (profile with every requirement's rule result, and the
ledgers: training, licenses, leave, waivers), reflective supervision sessions, the state's
learning-collaborative cohorts, and the figures (compliance per team, agency or state; the
agency's staff board; the supervisor's team board; the state evaluation's ninth domain).

Adapters only: each endpoint checks the input's shape, then makes the one call the page
makes too (`imhhv.workforce.queries`, `imhhv.workforce.services`,
`imhhv.reports.team_board`), which finds the person through `imhhv.workforce.access`,
writes the one audit event (a refusal is its one denied event) and raises what
`imhhv.api.common`'s handler maps: a ValidationError is a 400 with field errors,
PermissionDenied a 403, Http404 a 404.

Whose records: oneself always; a supervisor the home visitors of their own team; the
agency administrator the agency's staff; the state office every agency's. Asking for
someone else without a staff capability is a 403; with one, a person out of reach is a
404, like missing. A write to a staff record is refused before its body is read (the
same access function, `get_staff_for_user(..., write=True)`, then the service). The
cohorts are the state's: only the state office writes them (403 for anyone else), and a
cohort or member id that does not exist is a 400 on `cohort` / `member`, as the service
answers.

Session notes reach only the people in the session: `notes` is in a session's answer
only when the caller is its supervisor or one of its supervisees, and absent for everyone
else (an agency administrator, the state, a colleague), whatever their role.
"""

from django.core.exceptions import ValidationError
from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from imhhv.accounts.policies import SIGNED_IN, capability
from imhhv.api.common import BAD_INPUT, FORBIDDEN, NOT_FOUND, PolicyAPIView, bad_input, validated
from imhhv.core import workforce as rules
from imhhv.reports.team_board import team_board
from imhhv.workforce import queries, services
from imhhv.workforce.access import COMPLIANCE_LEVELS, get_staff_for_user
from imhhv.workforce.models import Endorsement, License, SupervisionSession, TrainingEntry
from imhhv.workforce.queries.facts import SHARE_WEEKS

MAX_ID = 2**31 - 1
MAX_LIST = 50  # supervisees or families named in one session
FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 2000, 2100
COUNT_MAX = 32767  # sessions and calls in a cohort (a small positive integer)

# Errors a write can answer besides its success: no workforce write has a 409.
WRITES = {400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND}
READ = {403: FORBIDDEN, 404: NOT_FOUND}

COLUMN_LABELS = {
    **rules.REQUIREMENT_LABELS,
    queries.QUALIFIED: "Qualified staff",
    queries.SUPERVISED_WEEKLY: "Home visitors supervised weekly",
}
STATUS_HELP = f"{rules.MET}, {rules.DUE_SOON} or {rules.NOT_MET}."


def _share(fraction) -> float | None:
    return round(float(fraction), 4) if fraction is not None else None


def writable(request, pk: int) -> None:
    """Refuse a write to someone out of reach before the body is looked at: 404 or 403,
    one denied event (the service checks again, silently when allowed)."""
    get_staff_for_user(request.user, pk, write=True)


def _person(user) -> dict:
    return {"id": user.pk, "name": user.display_name()}


# --- shared shapes --------------------------------------------------------------------------


class PersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RequirementOut(serializers.Serializer):
    name = serializers.CharField(help_text="The requirement's code (imhhv.core.workforce).")
    label = serializers.CharField()
    status = serializers.CharField(help_text=STATUS_HELP)
    reason = serializers.CharField()
    next_due = serializers.DateField(allow_null=True)


def _requirement(r: rules.Requirement) -> dict:
    return {
        "name": r.name,
        "label": rules.REQUIREMENT_LABELS.get(r.name, r.name),
        "status": r.status,
        "reason": r.reason,
        "next_due": r.next_due,
    }


class CarryOut(serializers.Serializer):
    ok = serializers.BooleanField()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why not yet (empty when ok)."
    )


def _carry(carry) -> dict | None:
    return {"ok": carry[0], "reasons": list(carry[1])} if carry is not None else None


class RecordOut(serializers.Serializer):
    """What the rules say of one person today (home visitors and supervisors)."""

    worst = serializers.CharField(help_text=f"The lowest status: {STATUS_HELP}")
    qualified = serializers.BooleanField(
        help_text="Every qualification (degree, license, coursework, endorsement or "
        "waiver) met or due soon."
    )
    requirements = RequirementOut(many=True)
    may_carry_families = CarryOut(
        allow_null=True,
        help_text="Home visitors: whether a family may be assigned without an override.",
    )
    weekly_supervision_share = serializers.FloatField(
        allow_null=True,
        help_text=f"Share of the last {SHARE_WEEKS} full weeks with a reflective supervision "
        "session, weeks fully on leave left out; null when no week is left to count.",
    )
    supervised_this_week = serializers.BooleanField(
        allow_null=True, help_text="null when on leave all week."
    )


def _record(record) -> dict:
    return {
        "worst": record.worst,
        "qualified": record.qualified,
        "requirements": [_requirement(r) for r in record.requirements],
        "may_carry_families": _carry(record.carry),
        "weekly_supervision_share": _share(record.share),
        "supervised_this_week": record.this_week,
    }


# --- the staff profile and its ledgers ----------------------------------------------------


class DegreeOut(serializers.Serializer):
    id = serializers.IntegerField()
    level = serializers.CharField()
    field = serializers.CharField()
    institution = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)


class LicenseOut(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    number = serializers.CharField()
    state = serializers.CharField()
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()


class EndorsementOut(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    mentor_track = serializers.CharField()
    status = serializers.CharField()
    registered_on = serializers.DateField(allow_null=True)
    endorsed_on = serializers.DateField(allow_null=True)
    number = serializers.CharField()
    renewal_year = serializers.IntegerField(allow_null=True)


class WaiverOut(serializers.Serializer):
    id = serializers.IntegerField()
    fiscal_year = serializers.IntegerField(help_text="October to September, named by its end.")
    requested_on = serializers.DateField()
    approved_on = serializers.DateField(allow_null=True)


class SelfAssessmentOut(serializers.Serializer):
    completed_on = serializers.DateField(allow_null=True)
    discussed_on = serializers.DateField(allow_null=True)
    discussed_with = serializers.IntegerField(
        source="discussed_with_id", allow_null=True, help_text="The supervisor's user id."
    )
    gaps = serializers.CharField()
    resources = serializers.CharField()
    follow_up = serializers.CharField()


class CourseworkOut(serializers.Serializer):
    psychotherapy = serializers.BooleanField()
    description = serializers.CharField()
    recorded_on = serializers.DateField()


class EvidenceOut(serializers.Serializer):
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    url = serializers.CharField(help_text="Where the file is downloaded (the staff page).")


class TrainingOut(serializers.Serializer):
    id = serializers.IntegerField()
    day = serializers.DateField()
    title = serializers.CharField()
    provider = serializers.CharField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=2)
    category = serializers.ChoiceField(choices=TrainingEntry.CATEGORY_CHOICES)
    booster = serializers.BooleanField(help_text="A learning-collaborative booster session.")
    evidence = EvidenceOut(allow_null=True)


def _training(entry, *, fresh: bool = False) -> dict:
    evidence = None if fresh else getattr(entry, "evidence", None)
    return {
        "id": entry.pk,
        "day": entry.day,
        "title": entry.title,
        "provider": entry.provider,
        "hours": entry.hours,
        "category": entry.category,
        "booster": entry.booster,
        "evidence": {
            "filename": evidence.filename,
            "content_type": evidence.content_type,
            "size": evidence.size,
            "url": reverse("workforce:evidence", args=[entry.user_id, entry.pk]),
        }
        if evidence is not None
        else None,
    }


class LeaveOut(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()


class CohortBriefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    instruction_sessions = serializers.IntegerField()
    coaching_calls = serializers.IntegerField()


class MembershipOut(serializers.Serializer):
    """One person's place in a cohort, with the attendance so far."""

    id = serializers.IntegerField(help_text="The cohort member id (PATCH cohort-members).")
    cohort = CohortBriefOut()
    instruction_attended = serializers.IntegerField()
    coaching_attended = serializers.IntegerField()
    completed_on = serializers.DateField(allow_null=True)


class QuestionnaireOut(serializers.Serializer):
    instrument = serializers.CharField(source="instrument.name")
    time_point = serializers.CharField()
    day = serializers.DateField()
    score = serializers.DecimalField(max_digits=6, decimal_places=2)


class ProfileOut(serializers.Serializer):
    staff = PersonOut()
    role = serializers.CharField(
        allow_null=True, help_text="home_visitor or supervisor; null: no requirements apply."
    )
    record = RecordOut(allow_null=True, help_text="null when no requirements apply.")
    degrees = DegreeOut(many=True)
    licenses = LicenseOut(many=True)
    endorsements = EndorsementOut(many=True)
    waivers = WaiverOut(many=True)
    self_assessment = SelfAssessmentOut(allow_null=True)
    coursework = CourseworkOut(allow_null=True)
    training = TrainingOut(many=True)
    leave = LeaveOut(many=True)
    cohorts = MembershipOut(many=True)
    questionnaires = QuestionnaireOut(many=True)


CATEGORY_LABELS = dict(Endorsement.CATEGORY_CHOICES)


def _endorsement(row) -> dict:
    return {
        "id": row.pk,
        "category": row.category,
        "category_label": CATEGORY_LABELS.get(row.category, row.category),
        "mentor_track": row.mentor_track,
        "status": row.status,
        "registered_on": row.registered_on,
        "endorsed_on": row.endorsed_on,
        "number": row.number,
        "renewal_year": row.renewal_year,
    }


def _cohort_place(member, cohort) -> dict:
    return {
        "id": member.pk,
        "cohort": cohort,
        "instruction_attended": member.instruction_attended,
        "coaching_attended": member.coaching_attended,
        "completed_on": member.completed_on,
    }


def _profile(profile: queries.StaffProfile) -> dict:
    return {
        "staff": _person(profile.staff),
        "role": profile.role,
        "record": _record(profile.record) if profile.record else None,
        "degrees": profile.degrees,
        "licenses": profile.licenses,
        "endorsements": [_endorsement(e) for e in profile.endorsements],
        "waivers": profile.waivers,
        "self_assessment": profile.self_assessment,
        "coursework": profile.coursework,
        "training": [_training(t) for t in profile.training],
        "leave": profile.leave,
        "cohorts": [_cohort_place(m, m.cohort) for m in profile.cohorts],
        "questionnaires": profile.questionnaires,
    }


class StaffDetailView(PolicyAPIView):
    """One person's staff record (`queries.staff_profile`): every requirement of their
    role with its status, reason and next due date, whether they may carry families, the
    weekly supervision share over the last 12 weeks, and the ledgers."""

    access_policy = SIGNED_IN  # oneself always; staff_profile decides for anyone else

    @extend_schema(operation_id="staff_retrieve", responses={200: ProfileOut, **READ})
    def get(self, request, pk: int):
        return Response(ProfileOut(_profile(queries.staff_profile(request.user, pk))).data)


class TrainingIn(serializers.Serializer):
    """Shape only: `services.add_training` checks the hours (0 to 24 in one entry) and
    that the day is not in the future."""

    day = serializers.DateField()
    title = serializers.CharField(max_length=200)
    hours = serializers.DecimalField(max_digits=5, decimal_places=2)
    category = serializers.ChoiceField(choices=TrainingEntry.CATEGORY_CHOICES)
    provider = serializers.CharField(max_length=160, required=False, allow_blank=True, default="")
    booster = serializers.BooleanField(required=False, default=False)


class TrainingListOut(serializers.Serializer):
    staff = PersonOut()
    training = TrainingOut(many=True, help_text="Newest first.")


class StaffTrainingView(PolicyAPIView):
    """GET the person's training ledger (from `queries.staff_profile`); POST one entry
    (`services.add_training`): the person, their supervisor or their manager."""

    access_policy = SIGNED_IN

    @extend_schema(operation_id="staff_training_list", responses={200: TrainingListOut, **READ})
    def get(self, request, pk: int):
        profile = queries.staff_profile(request.user, pk)
        body = {
            "staff": _person(profile.staff),
            "training": [_training(t) for t in profile.training],
        }
        return Response(TrainingListOut(body).data)

    @extend_schema(
        operation_id="staff_training_create",
        request=TrainingIn,
        responses={201: TrainingOut, **WRITES},
    )
    def post(self, request, pk: int):
        writable(request, pk)
        data = validated(TrainingIn, request.data)
        entry = services.add_training(by=request.user, staff_id=pk, **data)
        return Response(
            TrainingOut(_training(entry, fresh=True)).data, status=status.HTTP_201_CREATED
        )


class LicenseIn(serializers.Serializer):
    """Shape only: the service refuses an expiry before the issue date, an issue date in
    the future."""

    type = serializers.ChoiceField(choices=License.Type.choices)
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()
    number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    state = serializers.CharField(min_length=2, max_length=2, required=False, default="MI")


class StaffLicensesView(PolicyAPIView):
    """POST a license to the person's record (`services.add_license`)."""

    access_policy = SIGNED_IN

    @extend_schema(
        operation_id="staff_licenses_create",
        request=LicenseIn,
        responses={201: LicenseOut, **WRITES},
    )
    def post(self, request, pk: int):
        writable(request, pk)
        data = validated(LicenseIn, request.data)
        row = services.add_license(by=request.user, staff_id=pk, **data)
        return Response(LicenseOut(row).data, status=status.HTTP_201_CREATED)


class LeaveIn(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class StaffLeaveView(PolicyAPIView):
    """POST a period of leave (`services.record_leave`): weeks fully on leave do not count
    against weekly supervision."""

    access_policy = SIGNED_IN

    @extend_schema(
        operation_id="staff_leave_create", request=LeaveIn, responses={201: LeaveOut, **WRITES}
    )
    def post(self, request, pk: int):
        writable(request, pk)
        data = validated(LeaveIn, request.data)
        row = services.record_leave(by=request.user, staff_id=pk, **data)
        return Response(LeaveOut(row).data, status=status.HTTP_201_CREATED)


class WaiverIn(serializers.Serializer):
    """Shape only: the service refuses a fiscal year already covered, and a waiver for
    someone endorsed as Infant Family Specialist or higher."""

    fiscal_year = serializers.IntegerField(
        min_value=FIRST_FISCAL_YEAR,
        max_value=LAST_FISCAL_YEAR,
        help_text="October to September, named by its end (FY2027 starts 1 October 2026).",
    )
    requested_on = serializers.DateField()
    approved_on = serializers.DateField(required=False, allow_null=True, default=None)


class StaffWaiversView(PolicyAPIView):
    """POST a fiscal-year waiver (`services.add_waiver`)."""

    access_policy = SIGNED_IN

    @extend_schema(
        operation_id="staff_waivers_create", request=WaiverIn, responses={201: WaiverOut, **WRITES}
    )
    def post(self, request, pk: int):
        writable(request, pk)
        data = validated(WaiverIn, request.data)
        row = services.add_waiver(by=request.user, staff_id=pk, **data)
        return Response(WaiverOut(row).data, status=status.HTTP_201_CREATED)


# --- reflective supervision ------------------------------------------------------------------


class SessionQuery(serializers.Serializer):
    staff = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Only this person's sessions (as supervisor or supervisee).",
    )
    start = serializers.DateField(required=False, help_text="From this day on.")
    end = serializers.DateField(required=False, help_text="Up to this day.")


class SessionOut(serializers.Serializer):
    id = serializers.IntegerField()
    day = serializers.DateField()
    started_at = serializers.TimeField(format="%H:%M")
    minutes = serializers.IntegerField()
    format = serializers.ChoiceField(choices=SupervisionSession.Format.choices)
    supervisor = PersonOut(
        allow_null=True, help_text="null: an external consultant (consultant_name)."
    )
    consultant_name = serializers.CharField()
    consultant_credential = serializers.CharField()
    supervisees = serializers.ListField(child=serializers.IntegerField(), help_text="User ids.")
    families_discussed = serializers.IntegerField(help_text="How many (never which).")
    themes = serializers.CharField(
        required=False,
        help_text="Like notes: only for the session's supervisor and supervisees.",
    )
    notes = serializers.CharField(
        required=False,
        help_text="Only for the session's supervisor and supervisees: absent for anyone "
        "else, whatever their role.",
    )


def _session(row: queries.SessionRow) -> dict:
    session = row.session
    body = {
        "id": session.pk,
        "day": session.day,
        "started_at": session.started_at,
        "minutes": session.minutes,
        "format": session.format,
        "supervisor": _person(session.supervisor) if session.supervisor_id else None,
        "consultant_name": session.consultant_name,
        "consultant_credential": session.consultant_credential,
        "supervisees": row.supervisee_ids,
        "families_discussed": row.family_count,
    }
    if row.notes is not None:  # None: the reader is not in the session
        body["notes"], body["themes"] = row.notes, row.themes
    return body


class FamilyDiscussedIn(serializers.Serializer):
    family = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    supervisee = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The supervisee who carries the family."
    )


class SessionIn(serializers.Serializer):
    """Shape only: `services.record_session` checks the rules (not in the future, the
    supervisor is not the only supervisee, supervisees of the agency, families a
    supervisee in the session carries)."""

    day = serializers.DateField()
    started_at = serializers.TimeField()
    minutes = serializers.IntegerField(min_value=1, max_value=600)
    format = serializers.ChoiceField(choices=SupervisionSession.Format.choices)
    supervisor = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        allow_null=True,
        help_text="Your own user id when you lead the session; null for your own "
        "consultation with an external consultant (then consultant_name, and you are "
        "among the supervisees).",
    )
    supervisee_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=MAX_LIST
    )
    consultant_name = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default=""
    )
    consultant_credential = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    families = serializers.ListField(
        child=FamilyDiscussedIn(), required=False, default=list, max_length=MAX_LIST
    )
    themes = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    notes = serializers.CharField(
        max_length=20000,
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="Readable only by the people in the session.",
    )


class SessionsView(PolicyAPIView):
    """GET the sessions you may see (`queries.sessions_for`), newest first, with notes
    only where you are in the session; POST one you lead, or your own consultation with
    an external consultant (`services.record_session`, a supervisor only)."""

    access_policy = SIGNED_IN

    @extend_schema(
        operation_id="supervision_sessions_list",
        parameters=[SessionQuery],
        responses={200: SessionOut(many=True), 400: BAD_INPUT, **READ},
    )
    def get(self, request):
        query = validated(SessionQuery, request.query_params)
        rows = queries.sessions_for(
            request.user,
            staff_id=query.get("staff"),
            start=query.get("start"),
            end=query.get("end"),
        )
        return Response(SessionOut([_session(r) for r in rows], many=True).data)

    @extend_schema(
        operation_id="supervision_sessions_create",
        request=SessionIn,
        responses={201: SessionOut, **WRITES},
    )
    def post(self, request):
        data = validated(SessionIn, request.data)
        families = [(f["family"], f["supervisee"]) for f in data["families"]]
        session = services.record_session(
            by=request.user,
            day=data["day"],
            started_at=data["started_at"],
            minutes=data["minutes"],
            format=data["format"],
            supervisee_ids=data["supervisee_ids"],
            supervisor_id=data["supervisor"],
            consultant_name=data["consultant_name"],
            consultant_credential=data["consultant_credential"],
            families=families,
            themes=data["themes"],
            notes=data["notes"],
        )
        # The writer is in the session (its supervisor, or the consultee): their notes.
        row = queries.SessionRow(
            session,
            sorted(set(data["supervisee_ids"])),
            len(families),
            session.notes,
            session.themes,
        )
        return Response(SessionOut(_session(row)).data, status=status.HTTP_201_CREATED)


# --- the learning collaborative ---------------------------------------------------------------


class MemberOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="The cohort member id (PATCH cohort-members).")
    staff = PersonOut()
    instruction_attended = serializers.IntegerField()
    coaching_attended = serializers.IntegerField()
    completed_on = serializers.DateField(allow_null=True)


class CohortOut(CohortBriefOut):
    trainers = serializers.CharField()
    enrolled = serializers.IntegerField(help_text="Every member, listed or not.")
    in_progress = serializers.BooleanField()
    members = MemberOut(
        many=True, help_text="The members whose records you may read (all for the state)."
    )


def _member(member) -> dict:
    return {
        "id": member.pk,
        "staff": _person(member.user),
        "instruction_attended": member.instruction_attended,
        "coaching_attended": member.coaching_attended,
        "completed_on": member.completed_on,
    }


def _cohort(view: queries.CohortView) -> dict:
    cohort = view.cohort
    return {
        "id": cohort.pk,
        "name": cohort.name,
        "trainers": cohort.trainers,
        "start": cohort.start,
        "end": cohort.end,
        "instruction_sessions": cohort.instruction_sessions,
        "coaching_calls": cohort.coaching_calls,
        "enrolled": view.enrolled,
        "in_progress": view.in_progress,
        "members": [_member(m) for m in view.members],
    }


class CohortIn(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    trainers = serializers.CharField(max_length=300)
    start = serializers.DateField()
    end = serializers.DateField()
    instruction_sessions = serializers.IntegerField(min_value=0, max_value=COUNT_MAX)
    coaching_calls = serializers.IntegerField(min_value=0, max_value=COUNT_MAX)


class CohortsView(PolicyAPIView):
    """GET the learning-collaborative cohorts with attendance (`queries.cohorts_for`):
    every cohort and member for the state office, elsewhere the cohorts your readable
    staff are in, listing those members only. POST a cohort (`services.create_cohort`,
    the state office only)."""

    access_policy = SIGNED_IN

    @extend_schema(
        operation_id="cohorts_list", responses={200: CohortOut(many=True), 403: FORBIDDEN}
    )
    def get(self, request):
        views = queries.cohorts_for(request.user)
        return Response(CohortOut([_cohort(v) for v in views], many=True).data)

    @extend_schema(
        operation_id="cohorts_create",
        request=CohortIn,
        responses={201: CohortOut, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def post(self, request):
        data = validated(CohortIn, request.data)
        cohort = services.create_cohort(by=request.user, **data)
        view = queries.CohortView(cohort, [], 0)
        return Response(CohortOut(_cohort(view)).data, status=status.HTTP_201_CREATED)


class CohortMemberIn(serializers.Serializer):
    staff = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="A home visitor's or supervisor's user id."
    )


class CohortMembersView(PolicyAPIView):
    """POST a member to the cohort (`services.add_cohort_member`, the state office only).
    A cohort that does not exist is a 400 on `cohort`, as the service answers."""

    access_policy = SIGNED_IN

    @extend_schema(
        operation_id="cohort_members_create",
        request=CohortMemberIn,
        responses={201: MembershipOut, **WRITES},
    )
    def post(self, request, pk: int):
        data = validated(CohortMemberIn, request.data)
        member = services.add_cohort_member(by=request.user, cohort_id=pk, staff_id=data["staff"])
        body = _cohort_place(member, member.cohort)
        return Response(MembershipOut(body).data, status=status.HTTP_201_CREATED)


class AttendanceIn(serializers.Serializer):
    """The attendance so far, in full (both counts; `completed_on` null until done)."""

    instruction_attended = serializers.IntegerField(min_value=0, max_value=COUNT_MAX)
    coaching_attended = serializers.IntegerField(min_value=0, max_value=COUNT_MAX)
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)


class CohortMemberView(PolicyAPIView):
    """PATCH a member's attendance and completion (`services.record_cohort_attendance`,
    the state office only). A member that does not exist is a 400 on `member`."""

    access_policy = SIGNED_IN

    @extend_schema(
        operation_id="cohort_members_update",
        request=AttendanceIn,
        responses={200: MembershipOut, **WRITES},
    )
    def patch(self, request, pk: int):
        data = validated(AttendanceIn, request.data)
        member = services.record_cohort_attendance(by=request.user, member_id=pk, **data)
        return Response(MembershipOut(_cohort_place(member, member.cohort)).data)


# --- figures ------------------------------------------------------------------------------------


class ComplianceQuery(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=COMPLIANCE_LEVELS,
        help_text="team: a supervisor's team, an agency administrator's teams; agency: the "
        "administrator's agency, every agency for the state; state: the state only.",
    )


class CellOut(serializers.Serializer):
    met = serializers.IntegerField(allow_null=True, help_text="null: suppressed.")
    of = serializers.IntegerField(
        allow_null=True, help_text="People the requirement applies to; null: suppressed."
    )
    share = serializers.FloatField(allow_null=True, help_text="null: suppressed or none.")


class ColumnOut(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()


class ComplianceRowOut(serializers.Serializer):
    unit = serializers.IntegerField(
        allow_null=True, help_text="The team or agency id (0 for the state; null: the total)."
    )
    name = serializers.CharField()
    staff = serializers.IntegerField(allow_null=True, help_text="null: suppressed.")
    cells = serializers.DictField(child=CellOut(), help_text="Per column name.")


class ComplianceOut(serializers.Serializer):
    level = serializers.ChoiceField(choices=COMPLIANCE_LEVELS)
    today = serializers.DateField()
    policy = serializers.CharField(help_text="The rules' version.")
    suppressed = serializers.BooleanField(
        help_text="Small cells and their complements hidden (the state and evaluators)."
    )
    columns = ColumnOut(many=True)
    rows = ComplianceRowOut(many=True)
    total = ComplianceRowOut(allow_null=True)


def _compliance_row(row: queries.ComplianceRow) -> dict:
    return {
        "unit": row.unit_id,
        "name": row.name,
        "staff": row.staff,
        "cells": {
            name: {"met": cell.met, "of": cell.of, "share": cell.share}
            for name, cell in row.cells.items()
        },
    }


class ComplianceView(PolicyAPIView):
    """The share of staff meeting each requirement per team, per agency or for the state
    (`queries.compliance`): counts only, no names; for the state and evaluators small
    cells are suppressed (null). A level you may not see is a 403."""

    access_policy = SIGNED_IN

    @extend_schema(
        operation_id="compliance",
        parameters=[ComplianceQuery],
        responses={200: ComplianceOut, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def get(self, request):
        query = validated(ComplianceQuery, request.query_params)
        report = queries.compliance(request.user, query["level"])
        body = {
            "level": report.level,
            "today": report.today,
            "policy": report.policy,
            "suppressed": report.suppressed,
            "columns": [{"name": c, "label": COLUMN_LABELS.get(c, c)} for c in report.columns],
            "rows": [_compliance_row(r) for r in report.rows],
            "total": _compliance_row(report.total) if report.total else None,
        }
        return Response(ComplianceOut(body).data)


class ExpiringOut(serializers.Serializer):
    what = serializers.CharField()
    due = serializers.DateField()


class BoardStaffOut(RecordOut):
    staff = PersonOut()
    role = serializers.CharField()
    team = serializers.CharField(allow_null=True)
    expiring = ExpiringOut(many=True, help_text="Due within 90 days, soonest first.")


class ExpiringItemOut(ExpiringOut):
    staff = PersonOut()


class StaffBoardOut(serializers.Serializer):
    today = serializers.DateField()
    rows = BoardStaffOut(many=True)
    expiring = ExpiringItemOut(many=True, help_text="Everything due in 90 days, soonest first.")


def _board_row(row: queries.BoardRow) -> dict:
    m = row.membership
    return {
        **_record(row.record),
        "staff": _person(row.staff),
        "role": m.role,
        "team": m.team.name if m.team_id else None,
        "expiring": [{"what": what, "due": due} for what, due in row.expiring],
    }


class StaffBoardView(PolicyAPIView):
    """The agency administrator's staff board (`queries.agency_staff_board`): every home
    visitor and supervisor with each requirement's status, and what is due in 90 days."""

    access_policy = capability("manage_staff")

    @extend_schema(operation_id="staff_board", responses={200: StaffBoardOut, 403: FORBIDDEN})
    def get(self, request):
        board = queries.agency_staff_board(request.user)
        body = {
            "today": board.today,
            "rows": [_board_row(r) for r in board.rows],
            "expiring": [
                {"staff": _person(row.staff), "what": what, "due": due}
                for row, what, due in board.expiring
            ],
        }
        return Response(StaffBoardOut(body).data)


class CaseloadOut(serializers.Serializer):
    fte = serializers.DecimalField(max_digits=4, decimal_places=2)
    families = serializers.IntegerField()
    capacity = serializers.IntegerField()
    open_slots = serializers.IntegerField()


class FidelityHeadlineOut(serializers.Serializer):
    covered = serializers.IntegerField(help_text="Family-weeks with a completed visit.")
    expected = serializers.IntegerField(help_text="Family-weeks enrolled.")
    share = serializers.FloatField(allow_null=True)


class TeamBoardRowOut(BoardStaffOut):
    needs = serializers.ListField(
        child=serializers.CharField(), help_text="What to act on, most urgent first."
    )
    continuing_education = RequirementOut(allow_null=True)
    caseload = CaseloadOut(allow_null=True)
    fidelity = FidelityHeadlineOut(help_text="The last four full weeks.")


class TeamBoardOut(serializers.Serializer):
    today = serializers.DateField()
    team = serializers.CharField()
    share_weeks = serializers.IntegerField()
    fidelity_weeks = serializers.IntegerField()
    attention = serializers.IntegerField(help_text="Home visitors with something to act on.")
    not_supervised_this_week = serializers.ListField(
        child=serializers.IntegerField(), help_text="User ids."
    )
    rows = TeamBoardRowOut(many=True)


def _team_row(row) -> dict:
    load, ce = row.load, row.ce
    return {
        **_board_row(row.board),
        "needs": row.needs,
        "continuing_education": _requirement(ce) if ce is not None else None,
        "caseload": {
            "fte": load.fte,
            "families": load.families,
            "capacity": load.capacity,
            "open_slots": load.open_slots,
        }
        if load is not None
        else None,
        "fidelity": {
            "covered": row.covered,
            "expected": row.expected,
            "share": _share(row.coverage),
        },
    }


class TeamBoardView(PolicyAPIView):
    """The supervisor's Monday team board (`imhhv.reports.team_board.team_board`): per
    home visitor the qualifications, reflective supervision this week and over 12 weeks,
    the CE pace, the caseload against the cap and the fidelity headline."""

    access_policy = capability("supervise")

    @extend_schema(operation_id="team_board", responses={200: TeamBoardOut, 403: FORBIDDEN})
    def get(self, request):
        board = team_board(request.user)
        body = {
            "today": board.today,
            "team": board.team_name,
            "share_weeks": board.share_weeks,
            "fidelity_weeks": board.fidelity_weeks,
            "attention": board.attention,
            "not_supervised_this_week": [r.staff.pk for r in board.not_supervised_this_week],
            "rows": [_team_row(r) for r in board.rows],
        }
        return Response(TeamBoardOut(body).data)


class NinthDomainQuery(serializers.Serializer):
    fy = serializers.IntegerField(
        required=False,
        min_value=FIRST_FISCAL_YEAR,
        max_value=LAST_FISCAL_YEAR,
        help_text="The fiscal year (named by its end); default the current one.",
    )


class DomainRowOut(serializers.Serializer):
    agency = serializers.IntegerField(allow_null=True, help_text="null: every agency.")
    name = serializers.CharField()
    home_visitors = serializers.IntegerField(allow_null=True, help_text="null: suppressed.")
    qualified = serializers.IntegerField(allow_null=True)
    supervised_weekly = serializers.IntegerField(allow_null=True)
    hours_per_visitor_month = serializers.FloatField(
        allow_null=True, help_text="The supervision dose; null where suppressed."
    )


class QuestionnaireFigureOut(serializers.Serializer):
    instrument = serializers.CharField()
    time_point = serializers.CharField()
    n = serializers.IntegerField(allow_null=True, help_text="null: a small cell.")
    mean = serializers.FloatField(allow_null=True)


class NinthDomainOut(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    rows = DomainRowOut(many=True)
    total = DomainRowOut()
    questionnaires = QuestionnaireFigureOut(many=True)


def _domain_row(row: queries.DomainRow) -> dict:
    return {
        "agency": row.agency_id,
        "name": row.name,
        "home_visitors": row.home_visitors,
        "qualified": row.qualified,
        "supervised_weekly": row.supervised_weekly,
        "hours_per_visitor_month": row.hours_per_visitor_month,
    }


class NinthDomainView(PolicyAPIView):
    """The state evaluation's therapist / therapy / reflective supervision domain for a
    fiscal year (`queries.ninth_domain`): per agency, home visitors qualified and
    supervised weekly, the supervision dose, staff questionnaire means; suppressed as
    every figure for the state. A fiscal year that has not begun is a 400 on `fy`."""

    access_policy = capability("view_state_reports")

    @extend_schema(
        operation_id="ninth_domain",
        parameters=[NinthDomainQuery],
        responses={200: NinthDomainOut, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def get(self, request):
        query = validated(NinthDomainQuery, request.query_params)
        try:
            domain = queries.ninth_domain(request.user, query.get("fy"))
        except ValidationError as error:
            return bad_input(error, rename={"fiscal_year": "fy"})
        body = {
            "fiscal_year": domain.fiscal_year,
            "rows": [_domain_row(r) for r in domain.rows],
            "total": _domain_row(domain.total),
            "questionnaires": [
                {"instrument": q.instrument, "time_point": q.time_point, "n": q.n, "mean": q.mean}
                for q in domain.questionnaires
            ],
        }
        return Response(NinthDomainOut(body).data)


# Endpoints `imhhv/api/urls.py` includes (`*workforce.urlpatterns`); the staff list is
# accounts' (`staff/`).
urlpatterns = [
    path("staff/<int:pk>/", StaffDetailView.as_view(), name="staff_detail"),
    path("staff/<int:pk>/training/", StaffTrainingView.as_view(), name="staff_training"),
    path("staff/<int:pk>/licenses/", StaffLicensesView.as_view(), name="staff_licenses"),
    path("staff/<int:pk>/leave/", StaffLeaveView.as_view(), name="staff_leave"),
    path("staff/<int:pk>/waivers/", StaffWaiversView.as_view(), name="staff_waivers"),
    path("supervision-sessions/", SessionsView.as_view(), name="supervision_sessions"),
    path("cohorts/", CohortsView.as_view(), name="cohorts"),
    path("cohorts/<int:pk>/members/", CohortMembersView.as_view(), name="cohort_members"),
    path("cohort-members/<int:pk>/", CohortMemberView.as_view(), name="cohort_member"),
    path("compliance/", ComplianceView.as_view(), name="compliance"),
    path("staff-board/", StaffBoardView.as_view(), name="staff_board"),
    path("team-board/", TeamBoardView.as_view(), name="team_board"),
    path("ninth-domain/", NinthDomainView.as_view(), name="ninth_domain"),
]
