"""Who may see which family: the one way in to family records.

Pages, API, exports, reports and commands all start here. A home visitor sees their own
caseload, a supervisor the families of the home visitors on their team, an agency
administrator the agency's families. State administrators and evaluators see no family
rows (they work with aggregates and de-identified data). A user without an active
membership sees nothing. A family outside scope is a 404, exactly like a missing one,
and the attempt is audited as a denial.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from imhhv.accounts.models import Membership, User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core.roles import Role, Scope
from imhhv.families.models import Family


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
        # Supervisors who carry a small caseload of their own see it too.
        return families.filter(Q(home_visitor_id__in=team_visitors) | Q(home_visitor_id=user.pk))
    if scope == Scope.CASELOAD:
        return families.filter(home_visitor_id=user.pk)
    return Family.objects.none()


def get_family_for_user(user: User, family_id: int, *, write: bool = False) -> Family:
    """The family if `user` may see it; out of scope is a 404, like missing (audited)."""
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
    if write and not user.can("document_visits"):
        record(
            action="family.write",
            outcome=Outcome.DENIED,
            target=family,
            details={"reason": "missing capability document_visits"},
        )
        raise PermissionDenied
    return family
