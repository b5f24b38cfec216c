"""Who may see which visit: the one way in to visit records.

A visit is visible to whoever may see its family (imhhv.families.access). Only the home
visitor who made the visit documents, signs or amends it; supervisors read.

Every list of families or visits a visit page shows starts here: "the visits of this
home visitor" is `visits_visible_to(user).filter(visitor=...)`, never a query by visitor
id alone. A home visitor who moved to another agency, or a family transferred to
another visitor, then drops out of the lists by construction: the family is no longer in
the viewer's scope.

Fidelity has two layers (`imhhv.visits.fidelity`):

- names and links of families come only from `families_visible_to(user)`;
- the aggregate figures count `fidelity_families(user)`: the families of the viewer's own
  agency (every agency for the state). A home visitor's figures therefore keep the weeks
  they had a family before it was transferred inside the agency (what they delivered
  does not change when the family moves on), while the family itself is no longer named.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from imhhv.accounts.models import User
from imhhv.audit.models import Outcome
from imhhv.audit.refusals import record_refusal
from imhhv.audit.services import record
from imhhv.families.access import families_visible_to
from imhhv.families.models import Family
from imhhv.visits.models import Visit


def visits_visible_to(user: User) -> QuerySet[Visit]:
    return Visit.objects.filter(family__in=families_visible_to(user).values("pk"))


def visit_day(visit: Visit) -> date:
    return timezone.localdate(visit.started_at or visit.scheduled_at)


def is_writable(visit: Visit, *, amending: bool = False) -> bool:
    """Whether a visit may change: its family is enrolled, or the one exception applies.

    A discharged family is read-only (`FamilyIsDischarged`, 409). The exception
    (`imhhv.core.fidelity.note_open_after_discharge`): the unsigned note of a visit made
    on or before the discharge day may still be documented and signed until its
    documentation deadline. Amendments are never an exception. Every visit service
    calls this; `get_visit_for_user(write=True)` too, so a page says so at once.
    """
    from imhhv.core.fidelity import note_open_after_discharge
    from imhhv.reference.holidays import holidays_between as holidays

    episodes = list(visit.family.enrollments.values_list("enrolled_on", "discharged_on"))
    if any(discharged is None for _, discharged in episodes):
        return True
    if amending or visit.is_signed:
        return False
    day = visit_day(visit)
    ends = [end for start, end in episodes if start <= day <= end]
    today = timezone.localdate()
    return bool(ends) and note_open_after_discharge(
        day,
        max(ends),
        today,
        late_after_business_days=settings.DOCUMENTATION_DEADLINE_BUSINESS_DAYS,
        holidays=holidays(day, max(day, today)),
    )


def require_writable(visit: Visit, *, amending: bool = False) -> None:
    """`FamilyIsDischarged` (409) unless `is_writable`: every visit service calls this."""
    from imhhv.visits.errors import FamilyIsDischarged

    if not is_writable(visit, amending=amending):
        raise FamilyIsDischarged


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
    if write and not is_writable(visit, amending=visit.is_signed):
        from imhhv.visits.errors import FamilyIsDischarged

        refused = FamilyIsDischarged()
        record_refusal(refused, action="visit.write", target=visit, state="discharged: read-only")
        raise refused
    return visit


def my_visits(user: User) -> QuerySet[Visit]:
    """Visits `user` made, among those they may still see (My week)."""
    return visits_visible_to(user).filter(visitor_id=user.pk)


def my_caseload(user: User) -> QuerySet[Family]:
    """Families assigned to `user` today, within their scope (My week)."""
    return families_visible_to(user).filter(home_visitor_id=user.pk)


def fidelity_families(user: User) -> QuerySet[Family]:
    """Families whose visits and weeks the fidelity figures `user` may see count.

    The state (view_state_reports) counts every family, for aggregates without names;
    everyone else with a fidelity unit counts their own agency's families only; nobody
    else counts anything. Names never come from here (see the module docstring).
    """
    if not user.is_authenticated:
        return Family.objects.none()
    if user.can("view_state_reports"):
        return Family.objects.all()
    membership = user.membership
    if membership is None or membership.agency_id is None:
        return Family.objects.none()
    return Family.objects.filter(agency_id=membership.agency_id)


def fidelity_facts(user: User, model, *, agency_field: str = "agency_id"):
    """Rows of `model` that `user`'s fidelity figures may count: the scope of
    `fidelity_families`, by the rows' agency (`agency_field`: the week facts and totals
    carry the family's agency; enrollments and visits reach it as "family__agency_id")."""
    if not user.is_authenticated:
        return model.objects.none()
    if user.can("view_state_reports"):
        return model.objects.all()
    membership = user.membership
    if membership is None or membership.agency_id is None:
        return model.objects.none()
    return model.objects.filter(**{agency_field: membership.agency_id})


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


FIDELITY_LEVELS = ("visitor", "team", "agency", "state")


@dataclass(frozen=True)
class FidelityUnit:
    """Something fidelity is reported for: a home visitor, a team, an agency, the state."""

    level: str
    id: int
    name: str
    agency_id: int | None = None  # the agency it belongs to (None: the state)


def fidelity_units_visible_to(user: User, level: str) -> list[FidelityUnit]:
    """The units at `level` whose fidelity `user` may see, in display order.

    - visitor: a home visitor themself; a supervisor the team's home visitors; an agency
      administrator the agency's (`visitors_visible_to`);
    - team: a supervisor their team; an agency administrator the agency's teams;
    - agency: an agency administrator (view_agency_reports) their agency; the state
      (view_state_reports) every agency;
    - state: the state (view_state_reports) only.

    The same list for the page and the API; an empty list means the level is refused.
    """
    from imhhv.agencies.models import Agency, State

    if level not in FIDELITY_LEVELS:
        raise ValueError(f"unknown fidelity level {level!r}")
    if not user.is_authenticated:
        return []
    if level == "visitor":
        return [
            FidelityUnit("visitor", m.user_id, m.user.display_name(), m.agency_id)
            for m in visitors_visible_to(user).order_by("user__last_name", "user_id")
        ]
    if level == "team":
        return [
            FidelityUnit("team", t.pk, t.name, t.agency_id)
            for t in teams_visible_to(user).order_by("name", "pk")
        ]
    if level == "agency":
        if user.can("view_state_reports"):
            agencies = Agency.objects.order_by("name", "pk")
        elif user.can("view_agency_reports") and user.membership is not None:
            agencies = [user.membership.agency]  # already read with the membership
        else:
            return []
        return [FidelityUnit("agency", a.pk, a.name, a.pk) for a in agencies if a is not None]
    if user.can("view_state_reports"):
        return [FidelityUnit("state", s.pk, s.name) for s in State.objects.order_by("name", "pk")]
    return []


def last_home_visit_expression():
    """The start of a family's latest completed home visit, as an expression over a Family
    row (`OuterRef("pk")`), on the `completed_home_visits` index: the families list's "last
    home visit" column, filter and sort (registered in imhhv.families.filters by
    VisitsConfig.ready; the rows it adds to are already scoped by families_visible_to)."""
    from django.db.models import OuterRef, Subquery

    latest = (
        Visit.objects.home_visits()
        .filter(family_id=OuterRef("pk"))
        .order_by("-started_at")
        .values("started_at")[:1]
    )
    return Subquery(latest)


def visit_links(user: User, ids: list[str]) -> dict[str, str]:
    """{id: url} for the visits among `ids` that `user` may open: the audit page's links
    (registered in imhhv.audit.access by VisitsConfig.ready)."""
    from django.urls import reverse

    numbers = [int(i) for i in ids if i.isdigit() and len(i) < 19]
    visible = visits_visible_to(user).filter(pk__in=numbers).values_list("pk", flat=True)
    return {str(pk): reverse("visits:detail", args=[pk]) for pk in visible}
