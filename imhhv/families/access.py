"""Who may see which family and referral: the one way in to these records.

Pages, API, exports, reports and commands all start here.

Families: a home visitor sees their own caseload, a supervisor the families of the home
visitors on their team plus the agency's families not yet assigned to anyone, an agency
administrator the agency's families. State
administrators and evaluators see no family rows (they work with aggregates and
de-identified data). A user without an active membership sees nothing.

Referrals: intake staff (capability `manage_intake`: supervisors and agency
administrators) see every referral of their agency; intake is agency-wide.

Out of scope is a 404, exactly like a missing record, and the attempt is audited.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from imhhv.accounts.models import Membership, User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core.roles import Role, Scope
from imhhv.families.errors import FamilyIsDischarged
from imhhv.families.models import Family, Referral


def families_visible_to(user: User) -> QuerySet[Family]:
    """Every family `user` may see (an empty queryset when they may see none)."""
    if not user.is_authenticated or not user.can("view_families"):
        return Family.objects.none()
    membership = user.membership
    scope = user.scope
    families = Family.objects.filter(agency_id=membership.agency_id)
    if scope == Scope.AGENCY:
        return families
    if scope == Scope.TEAM:
        team_visitors = (
            Membership.objects.active()
            .filter(team_id=membership.team_id, role=Role.HOME_VISITOR)
            .values("user_id")
        )
        # Supervisors who carry a small caseload of their own see it too, and every
        # family of the agency still waiting for a home visitor: assigning is their job.
        return families.filter(
            Q(home_visitor_id__in=team_visitors)
            | Q(home_visitor_id=user.pk)
            | Q(home_visitor__isnull=True)
        )
    if scope == Scope.CASELOAD:
        return families.filter(home_visitor_id=user.pk)
    return Family.objects.none()


def get_family_for_user(
    user: User,
    family_id: int,
    *,
    write: bool = False,
    capability: str = "edit_families",
    allow_discharged: bool = False,
) -> Family:
    """The family if `user` may see it; out of scope is a 404, like missing (audited).

    With `write=True` the user also needs `capability`, and the family must have an open
    episode unless `allow_discharged` (re-enrollment).
    """
    family = (
        families_visible_to(user)
        .filter(pk=family_id)
        .select_related("agency", "home_visitor")
        .first()
    )
    if family is None:
        record(
            action="family.read",
            outcome=Outcome.DENIED,
            object_type="family",
            object_id=family_id,
            details={"reason": "not found or out of scope"},
        )
        raise Http404("No family found.")
    if write:
        if not user.can(capability):
            record(
                action="family.write",
                outcome=Outcome.DENIED,
                target=family,
                details={"reason": f"missing capability {capability}"},
            )
            raise PermissionDenied
        if (
            not allow_discharged
            and not family.enrollments.filter(discharged_on__isnull=True).exists()
        ):
            record(
                action="family.write",
                outcome=Outcome.DENIED,
                target=family,
                details={"reason": "discharged: read-only"},
            )
            raise FamilyIsDischarged
    return family


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    if not user.is_authenticated or not user.can("manage_intake"):
        return Referral.objects.none()
    return Referral.objects.filter(agency_id=user.membership.agency_id)


def get_referral_for_user(user: User, referral_id: int) -> Referral:
    referral = referrals_visible_to(user).filter(pk=referral_id).select_related("agency").first()
    if referral is None:
        record(
            action="referral.read",
            outcome=Outcome.DENIED,
            object_type="referral",
            object_id=referral_id,
            details={"reason": "not found or out of scope"},
        )
        raise Http404("No referral found.")
    return referral
