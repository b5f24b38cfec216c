"""Navigation by capability and the demo-mode banner, for every page.

Each menu item names what it needs: a capability, a test of the user (`has_a_role`,
`uses_the_api`), or nothing (every signed-in person). A menu item never leads to a
refusal: a test opens every item for every role, and for an account with no role, and
expects 200 (issue 9).

Who sees the API link: the roles that connect other systems to the platform and pull
figures out of it, that is whoever reads agency or statewide reports (agency
administrators, state administrators, evaluators). Home visitors and supervisors work in
the pages; the API stays open to them (the docs URL answers every signed-in person), it is
only not in their menu, where it was noise.
"""

from collections.abc import Callable

from django.conf import settings
from django.urls import reverse

from imhhv.accounts.access import administers_an_agency


def has_a_role(user) -> bool:
    """Any active role: the fidelity page sends each role to its own level and refuses an
    account with none."""
    return user.role is not None


def in_reflective_supervision(user) -> bool:
    """Supervisors and home visitors: those who give or receive reflective supervision."""
    return user.can("supervise") or user.can("document_visits")


def sees_workforce_figures(user) -> bool:
    """The state (every agency's workforce compliance) and agency administrators (their
    teams'); a supervisor reaches the team's from the team board."""
    return user.can("view_state_reports") or administers_an_agency(user)


def uses_the_api(user) -> bool:
    return user.can("view_agency_reports") or user.can("view_state_reports")


Need = str | Callable | None

NAV: list[tuple[str, str, Need]] = [
    ("Home", "reports:home", None),
    ("My week", "visits:week", "document_visits"),
    ("Team week", "visits:team_week", "supervise"),
    ("Team board", "reports:team_board", "supervise"),
    ("Reflective supervision", "workforce:sessions", in_reflective_supervision),
    ("Families", "families:list", "view_families"),
    ("Fidelity", "visits:fidelity", has_a_role),
    ("Referrals", "families:referrals", "manage_intake"),
    ("Waitlist", "families:waitlist", "manage_intake"),
    ("Capacity", "families:capacity", "assign_caseload"),
    ("Staff", "staff:list", "manage_staff"),
    ("Staff board", "workforce:staff_board", administers_an_agency),
    ("Workforce", "workforce:compliance", sees_workforce_figures),
    ("Cohorts", "workforce:cohorts", "manage_staff_statewide"),
    ("Settings", "agencies:settings", "manage_policy"),
    ("Fidelity tool", "visits:catalogue", "manage_policy"),
    ("Audit trail", "audit:log", "view_audit"),
    ("API", "api:docs", uses_the_api),
    ("Account", "accounts:account", None),
]


def shown(user, need: Need) -> bool:
    if need is None:
        return True
    if callable(need):
        return need(user)
    return user.can(need)


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        path = request.path
        for label, name, need in NAV:
            if shown(user, need):
                items.append({"label": label, "url": reverse(name), "current": False})
        # The current item is the one with the longest URL that the path starts with.
        matches = [
            i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))
        ]
        if matches:
            max(matches, key=lambda i: len(i["url"]))["current"] = True
    return {"nav_items": items, "demo_mode": settings.DEMO_MODE}
