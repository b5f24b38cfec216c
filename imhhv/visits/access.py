"""Who may see which visit: the one way in to visit records.

A visit is visible to whoever may see its family (imhhv.families.access). Only the home
visitor who made the visit documents, signs or amends it; supervisors read.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from imhhv.accounts.models import User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.families.access import families_visible_to
from imhhv.visits.models import Visit


def visits_visible_to(user: User) -> QuerySet[Visit]:
    return Visit.objects.filter(family__in=families_visible_to(user).values("pk"))


def get_visit_for_user(user: User, visit_id: int, *, write: bool = False) -> Visit:
    visit = visits_visible_to(user).filter(pk=visit_id).select_related("family", "visitor").first()
    if visit is None:
        record(
            action="visit.read",
            outcome=Outcome.DENIED,
            object_type="visit",
            object_id=visit_id,
            details={"reason": "not found or out of scope"},
        )
        raise Http404("No visit found.")
    if write and (not user.can("document_visits") or visit.visitor_id != user.pk):
        record(
            action="visit.write",
            outcome=Outcome.DENIED,
            target=visit,
            details={"reason": "only the visit's home visitor documents it"},
        )
        raise PermissionDenied
    return visit


def teams_visible_to(user: User):
    """Teams whose fidelity the user may see: own team (supervisor), the agency's teams
    (agency administrator); nobody else."""
    from imhhv.agencies.models import Team
    from imhhv.core.roles import Scope

    if not user.is_authenticated or user.membership is None:
        return Team.objects.none()
    if user.scope == Scope.TEAM:
        return Team.objects.filter(pk=user.membership.team_id)
    if user.scope == Scope.AGENCY:
        return Team.objects.filter(agency_id=user.membership.agency_id)
    return Team.objects.none()


def visitors_visible_to(user: User):
    """Home visitors whose fidelity the user may see, as active memberships."""
    from imhhv.accounts.models import Membership
    from imhhv.core.roles import Role, Scope

    memberships = (
        Membership.objects.active().filter(role=Role.HOME_VISITOR).select_related("user", "team")
    )
    if not user.is_authenticated or user.membership is None:
        return memberships.none()
    if user.scope == Scope.CASELOAD:
        return memberships.filter(user=user)
    return memberships.filter(team__in=teams_visible_to(user))
