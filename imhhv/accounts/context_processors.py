"""Navigation by capability and the demo-mode banner, for every page."""

from django.conf import settings
from django.urls import reverse

NAV = [
    ("Home", "reports:home", None),
    ("My week", "visits:week", "document_visits"),
    ("Team week", "visits:team_week", "supervise"),
    ("Families", "families:list", "view_families"),
    ("Fidelity", "visits:fidelity", None),
    ("Referrals", "families:referrals", "manage_intake"),
    ("Waitlist", "families:waitlist", "manage_intake"),
    ("Capacity", "families:capacity", "assign_caseload"),
    ("Staff", "staff:list", "manage_staff"),
    ("Settings", "agencies:settings", "manage_policy"),
    ("Fidelity tool", "visits:catalogue", "manage_policy"),
    ("Audit trail", "audit:log", "view_audit"),
    ("API", "api:docs", None),
    ("Account", "accounts:account", None),
]


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        path = request.path
        for label, name, cap in NAV:
            if cap is None or user.can(cap):
                items.append({"label": label, "url": reverse(name), "current": False})
        # The current item is the one with the longest URL that the path starts with.
        matches = [
            i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))
        ]
        if matches:
            max(matches, key=lambda i: len(i["url"]))["current"] = True
    return {"nav_items": items, "demo_mode": settings.DEMO_MODE}
