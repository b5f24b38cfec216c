"""Whose workforce records a user may read or write, and who may read session notes.

- **Staff records** (degrees, licenses, endorsement, waivers, self-assessment, training,
  leave): oneself always; a supervisor (capability `supervise`) the home visitors of
  their own team now; and whoever may read or manage the account in accounts
  (`staff_visible_to` to read, `may_manage` to write: the agency administrator, the
  state office). Anyone else asking for another person: without `supervise` or
  `manage_staff` it is a 403 (they have no staff to look at); with one, a person outside
  their reach is a 404, like missing. Every denial is audited once.
- **Session notes and themes**: only the session's supervisor and its participants, never
  an agency administrator, never the state. `notes_for_sessions` and `session_notes_for` are the
  only functions that return note text, and both filter on the reader being in the
  session; the listing queryset defers the column, so a note cannot leave otherwise.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from imhhv.accounts import access as accounts_access
from imhhv.accounts.models import Membership, User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core.roles import Role
from imhhv.workforce.models import SupervisionSession

STAFF_CAPABILITIES = ("supervise", "manage_staff")


def _team_visitor_ids(user: User) -> QuerySet:
    """Home visitors now on the team `user` supervises (none without `supervise`)."""
    membership = user.membership
    if not user.can("supervise") or membership is None or membership.team_id is None:
        return Membership.objects.none().values("user_id")
    return (
        Membership.objects.active()
        .filter(team_id=membership.team_id, role=Role.HOME_VISITOR)
        .values("user_id")
    )


def staff_readable_by(user: User) -> QuerySet[User]:
    """People whose workforce records `user` may read (oneself included)."""
    if not user.is_authenticated:
        return User.objects.none()
    return User.objects.filter(
        Q(pk=user.pk)
        | Q(pk__in=_team_visitor_ids(user))
        | Q(pk__in=accounts_access.staff_visible_to(user).values("pk"))
    )


def may_write(user: User, staff: User) -> bool:
    """Whether `user` may add to `staff`'s records: oneself, their supervisor, manager."""
    if not user.is_authenticated:
        return False
    if staff.pk == user.pk or accounts_access.may_manage(user, staff):
        return True
    return _team_visitor_ids(user).filter(user_id=staff.pk).exists()


def get_staff_for_user(user: User, staff_id: object, *, write: bool = False) -> User:
    """The person if `user` may read (and with `write`, add to) their records."""
    action = "workforce.write" if write else "workforce.read"
    staff_pk = staff_id if isinstance(staff_id, int) else None
    if staff_pk != user.pk and not any(user.can(c) for c in STAFF_CAPABILITIES):
        record(
            action=action,
            outcome=Outcome.DENIED,
            object_type="user",
            object_id=str(staff_id)[:40],
            details={"reason": "no staff capability"},
        )
        raise PermissionDenied("You can only see your own staff record.")
    in_range = staff_pk is not None and 1 <= staff_pk <= accounts_access.MAX_ID
    staff = staff_readable_by(user).filter(pk=staff_pk).first() if in_range else None
    if staff is None:
        record(
            action=action,
            outcome=Outcome.DENIED,
            object_type="user",
            object_id=str(staff_id)[:40],
            details={"reason": "not found or out of scope"},
        )
        raise Http404("No staff member found.")
    if write and not may_write(user, staff):
        record(
            action=action,
            outcome=Outcome.DENIED,
            target=staff,
            details={"reason": "read only"},
        )
        raise PermissionDenied("You cannot change this staff record.")
    return staff


# ---------------------------------------------------------------- supervision sessions


def sessions_listable_by(user: User) -> QuerySet[SupervisionSession]:
    """Sessions `user` may see listed (without notes): their own, and those of people
    whose records they may read. The notes and themes columns are deferred here."""
    readable = staff_readable_by(user).values("pk")
    return (
        SupervisionSession.objects.filter(
            Q(supervisor_id__in=readable) | Q(participants__user_id__in=readable)
        )
        .distinct()
        .defer("notes", "themes")
    )


def in_session(user: User, session: SupervisionSession) -> bool:
    """Whether `user` is the session's supervisor or one of its participants."""
    if not user.is_authenticated:
        return False
    if session.supervisor_id == user.pk:
        return True
    return session.participants.filter(user_id=user.pk).exists()


def notes_for_sessions(user: User, session_ids) -> dict[int, tuple[str, str]]:
    """{session id: (notes, themes)} for those of `session_ids` that `user` is in (one
    query). Themes are as private as notes: they say what was talked about."""
    if not user.is_authenticated:
        return {}
    return {
        pk: (notes, themes)
        for pk, notes, themes in SupervisionSession.objects.filter(pk__in=list(session_ids))
        .filter(Q(supervisor_id=user.pk) | Q(participants__user_id=user.pk))
        .distinct()
        .values_list("pk", "notes", "themes")
    }


def session_notes_for(user: User, session: SupervisionSession) -> str | None:
    """The session's notes for a person in it; None for everyone else, whatever role."""
    if not in_session(user, session):
        return None
    return SupervisionSession.objects.filter(pk=session.pk).values_list("notes", flat=True).first()


# ---------------------------------------------------------------- boards and compliance


def team_memberships_for(user: User) -> QuerySet[Membership]:
    """The current memberships of the home visitors on the team `user` supervises."""
    return (
        Membership.objects.active()
        .filter(user_id__in=_team_visitor_ids(user))
        .filter(team_id=user.membership.team_id if user.membership else None)
        .select_related("user", "team")
    )


def agency_memberships_for(user: User) -> QuerySet[Membership]:
    """Current home-visitor and supervisor memberships of the agency `user` administers
    (none for the state office: it sees the agency's workforce only as figures)."""
    agency_id = accounts_access._managed_agency_id(user)
    if agency_id is None:
        return Membership.objects.none()
    return (
        Membership.objects.active()
        .filter(agency_id=agency_id, role__in=(Role.HOME_VISITOR, Role.SUPERVISOR))
        .select_related("user", "team")
    )


COMPLIANCE_LEVELS = ("team", "agency", "state")


def compliance_memberships(user: User, level: str) -> QuerySet[Membership] | None:
    """Memberships `user` may see counted at `level` (None: the level is not theirs).

    - team: a supervisor's own team; an agency administrator's teams.
    - agency: an agency administrator's agency; the state (view_state_reports) every one.
    - state: the state only.
    """
    judged = Membership.objects.active().filter(role__in=(Role.HOME_VISITOR, Role.SUPERVISOR))
    statewide = user.is_authenticated and user.can("view_state_reports")
    if level == "state" or (level == "agency" and statewide):
        return judged.select_related("agency") if statewide else None
    if level == "agency":
        rows = agency_memberships_for(user)
        return rows if accounts_access.administers_an_agency(user) else None
    if level == "team":
        if accounts_access.administers_an_agency(user):
            return agency_memberships_for(user).filter(team__isnull=False)
        if user.is_authenticated and user.can("supervise") and user.membership:
            team_id = user.membership.team_id
            return judged.filter(team_id=team_id).select_related("team") if team_id else None
    return None


def compliance_levels_for(user: User) -> list[str]:
    """The levels `compliance_memberships` answers for `user` (no query: querysets are
    lazy), for the page's switcher and the menu."""
    return [level for level in COMPLIANCE_LEVELS if compliance_memberships(user, level) is not None]
