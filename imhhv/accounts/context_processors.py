"""Navigation by capability and the demo-mode banner, for every page."""

from django.conf import settings
from django.urls import reverse

NAV = [
    ("Home", "reports:home", None),
    ("Families", "families:list", "view_families"),
    ("Referrals", "families:referrals", "manage_intake"),
    ("Waitlist", "families:waitlist", "manage_intake"),
    ("Capacity", "families:capacity", "assign_caseload"),
    ("Staff", "staff:list", "manage_staff"),
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
                url = reverse(name)
                current = path == url if url == "/" else path.startswith(url)
                items.append({"label": label, "url": url, "current": current})
    return {"nav_items": items, "demo_mode": settings.DEMO_MODE}
