"""Family pages: the caseload list and the family record."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from imhhv.accounts.policies import capability, policy
from imhhv.audit.services import record
from imhhv.core.ages import age_in_months
from imhhv.families.access import families_visible_to, get_family_for_user

PAGE_SIZE = 50


@policy(capability("view_families"))
def family_list(request: HttpRequest) -> HttpResponse:
    families = families_visible_to(request.user).select_related("agency", "home_visitor")
    page = Paginator(families, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        (f, age_in_months(f.child_birth_date, today) if f.child_birth_date else None)
        for f in page.object_list
    ]
    record(
        action="family.list",
        object_type="family",
        details={"count": len(rows), "ids": [f.pk for f, _ in rows], "page": page.number},
    )
    return render(request, "families/list.html", {"page": page, "rows": rows})


@policy(capability("view_families"))
def family_detail(request: HttpRequest, pk: int) -> HttpResponse:
    family = get_family_for_user(request.user, pk)
    record(action="family.read", target=family)
    today = timezone.localdate()
    age = age_in_months(family.child_birth_date, today) if family.child_birth_date else None
    return render(request, "families/detail.html", {"family": family, "child_age_months": age})
