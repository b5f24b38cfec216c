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
