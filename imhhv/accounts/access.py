"""Who may see and who may change which staff accounts.

Reading and writing have different scopes (issue 7):

- **Read** (`staff_visible_to`): an agency administrator sees everyone who holds or held a
  membership at their agency (and anyone with a role proposed there, waiting for them),
  so past staff stay visible as history; of each person they see only the memberships at
  their own agency (`memberships_visible_to`), never where the person went next. Staff
  outside that are a 404, like missing, and the denial is audited.
- **Write** (`may_manage`): only the agency the person belongs to *now* may change or
  deactivate them. The deciding membership is the current one; with none, the next one
  that will start (an account created to start next month); with neither, the last one
  (a former member the agency may take back). Someone who moved from agency A to B is
  B's to manage; A keeps a read-only page, and a write attempt is a 403 (audited as
  `staff.write` denied): the person is visible to A, so hiding them behind a 404 would
  not hide anything.
- **Statewide reach** is the `manage_staff_statewide` capability (the state office),
  never a role name. It manages every account, with one limit: a role that reads family
  records (any role with `view_families`) is only *proposed* by it and takes effect when
  an administrator of that agency confirms (`needs_agency_confirmation`, `may_decide`).
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from imhhv.accounts.models import Membership, MembershipProposal, User
from imhhv.agencies.models import Agency
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core.roles import Role, capabilities_of

AGENCY_GRANTABLE_ROLES = [Role.HOME_VISITOR, Role.SUPERVISOR, Role.AGENCY_ADMIN]
MAX_ID = 2**63 - 1  # a larger id (20 digits in the URL) overflows SQLite: it is a 404


def _id_in_range(value: int) -> bool:
    return isinstance(value, int) and 1 <= value <= MAX_ID


def has_statewide_reach(user: User) -> bool:
    return bool(user.is_authenticated and user.can("manage_staff_statewide"))


def _managed_agency_id(user: User) -> int | None:
    """The agency an agency-level staff manager manages, or None.

    Statewide reach is never an agency's own administration, even on a membership that
    names an agency: otherwise the state could grant PHI roles there without a second
    person.
    """
    if not user.is_authenticated or not user.can("manage_staff") or user.membership is None:
        return None
    if user.can("manage_staff_statewide"):
        return None
    return user.membership.agency_id


def administers_an_agency(user: User) -> bool:
    """An agency's own administrator (not the state office, whatever its membership)."""
    return _managed_agency_id(user) is not None


def staff_visible_to(user: User) -> QuerySet[User]:
    """Accounts `user` may read: every one statewide, else current and past members."""
    if has_statewide_reach(user):
        return User.objects.all()
    agency_id = _managed_agency_id(user)
    if agency_id is None:
        return User.objects.none()
    members = Membership.objects.filter(agency_id=agency_id).values("user_id")
    # A new account the state proposed for this agency: its administrator must see whom
    # they are asked to confirm.
    proposed = MembershipProposal.objects.filter(
        agency_id=agency_id, status=MembershipProposal.Status.PENDING
    ).values("user_id")
    return User.objects.filter(Q(pk__in=members) | Q(pk__in=proposed))


def memberships_visible_to(user: User, staff: User) -> QuerySet[Membership]:
    """The membership history of `staff` that `user` may read, newest first."""
    rows = staff.memberships.select_related("agency", "team").order_by("-start_date", "-pk")
    if has_statewide_reach(user):
        return rows
    agency_id = _managed_agency_id(user)
    if agency_id is None:
        return rows.none()
    return rows.filter(agency_id=agency_id)


def governing_membership(staff: User, *, today: date | None = None) -> Membership | None:
    """The membership that decides who manages `staff`: current, else next, else last."""
    today = today or timezone.localdate()
    rows = Membership.objects.filter(user=staff)
    return (
        rows.active_on(today).order_by("-start_date", "-pk").first()
        or rows.filter(start_date__gt=today).order_by("start_date", "pk").first()
        or rows.order_by("-start_date", "-pk").first()
    )


def may_manage(user: User, staff: User) -> bool:
    """Whether `user` may change or deactivate `staff` (never themselves)."""
    if not user.is_authenticated or staff.pk == user.pk or not user.can("manage_staff"):
        return False
    if has_statewide_reach(user):
        return True
    agency_id = _managed_agency_id(user)
    governing = governing_membership(staff)
    return agency_id is not None and governing is not None and governing.agency_id == agency_id


def get_staff_for_user(user: User, staff_id: int, *, write: bool = False) -> User:
    """The account if `user` may read it (404 otherwise); with `write`, may change it (403)."""
    staff = staff_visible_to(user).filter(pk=staff_id).first() if _id_in_range(staff_id) else None
    if staff is None:
        record(
            action="staff.read",
            outcome=Outcome.DENIED,
            object_type="user",
            object_id=str(staff_id)[:40],
            details={"reason": "not found or out of scope"},
        )
        raise Http404("No staff member found.")
    if write and not may_manage(user, staff):
        # Nobody changes their own role or deactivates themselves; past members are history.
        reason = "self" if staff.pk == user.pk else "not a current member of your agency"
        record(
            action="staff.write", outcome=Outcome.DENIED, target=staff, details={"reason": reason}
        )
        raise PermissionDenied("Only their current agency can change this account.")
    return staff


def roles_grantable_by(user: User) -> list[Role]:
    if has_statewide_reach(user):
        return list(Role)
    if _managed_agency_id(user) is not None:
        return list(AGENCY_GRANTABLE_ROLES)
    return []


def may_grant(user: User, role: Role, agency: Agency | None) -> bool:
    """Whether `user` may give someone `role` at `agency` (directly or as a proposal)."""
    if role not in roles_grantable_by(user):
        return False
    if has_statewide_reach(user):
        return True
    return agency is not None and agency.pk == _managed_agency_id(user)


def reads_phi(role: Role | str) -> bool:
    """A role whose capabilities reach family records (PHI)."""
    return "view_families" in capabilities_of(role)


def is_agency_administrator(user: User, agency_id: int | None) -> bool:
    """`user` manages staff at `agency_id` through a current membership there."""
    return agency_id is not None and _managed_agency_id(user) == agency_id


def needs_agency_confirmation(by: User | None, role: Role | str, agency: Agency | None) -> bool:
    """A PHI-reading role granted by anyone but the agency's own administrator waits for
    that administrator (two-person rule). `by=None` is the system itself (demo seeding,
    management commands run by an operator)."""
    if by is None or not reads_phi(role):
        return False
    return not is_agency_administrator(by, agency.pk if agency is not None else None)


def agency_administrators(agency_id: int) -> QuerySet[User]:
    """Active accounts that administer `agency_id` today."""
    admins = (
        Membership.objects.active()
        .filter(agency_id=agency_id, role=Role.AGENCY_ADMIN)
        .values("user_id")
    )
    return User.objects.filter(pk__in=admins, is_active=True)


def may_decide(user: User, proposal: MembershipProposal) -> bool:
    """Who confirms or declines a proposal: an administrator of its agency, never the
    proposer or the person it is about. An agency without an administrator (a new agency's
    first one) is confirmed by a second person with statewide reach, still two people."""
    if not user.is_authenticated or user.pk in (proposal.proposed_by_id, proposal.user_id):
        return False
    if is_agency_administrator(user, proposal.agency_id):
        return True
    if has_statewide_reach(user):
        others = agency_administrators(proposal.agency_id).exclude(pk=proposal.user_id)
        return not others.exists()
    return False


def proposals_visible_to(user: User) -> QuerySet[MembershipProposal]:
    """Proposals `user` may read: all statewide, else those for their agency."""
    rows = MembershipProposal.objects.select_related("user", "agency", "team", "proposed_by")
    if has_statewide_reach(user):
        return rows
    agency_id = _managed_agency_id(user)
    if agency_id is None:
        return rows.none()
    return rows.filter(agency_id=agency_id)


def get_proposal_for_user(user: User, proposal_id: int) -> MembershipProposal:
    rows = proposals_visible_to(user)
    proposal = rows.filter(pk=proposal_id).first() if _id_in_range(proposal_id) else None
    if proposal is None:
        record(
            action="proposal.read",
            outcome=Outcome.DENIED,
            object_type="membershipproposal",
            object_id=str(proposal_id)[:40],
            details={"reason": "not found or out of scope"},
        )
        raise Http404("No proposal found.")
    return proposal
