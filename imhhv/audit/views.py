"""The audit page: filter the trail by staff member, family and date."""

from datetime import datetime, time, timedelta

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from imhhv.accounts.policies import capability, policy
from imhhv.audit.access import events_visible_to
from imhhv.audit.forms import AuditFilterForm
from imhhv.audit.services import record

PAGE_SIZE = 100


@policy(capability("view_audit"))
def audit_log(request: HttpRequest) -> HttpResponse:
    events = events_visible_to(request.user)
    form = AuditFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["username"]:
            events = events.filter(username=data["username"])
        if data["family"]:
            events = events.filter(object_type="family", object_id=str(data["family"]))
        tz = timezone.get_current_timezone()
        if data["start"]:
            events = events.filter(occurred_at__gte=datetime.combine(data["start"], time.min, tz))
        if data["end"]:
            end = datetime.combine(data["end"] + timedelta(days=1), time.min, tz)
            events = events.filter(occurred_at__lt=end)
        filters = {k: str(v) for k, v in data.items() if v}
    elif form.is_bound:
        events = events.none()
    # Recorded before the page is counted, so the list includes this very view.
    record(
        action="audit.view",
        object_type="auditevent",
        details={"filters": filters, "page": request.GET.get("page", "1")[:10]},
    )
    page = Paginator(events.order_by("-seq"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()}
    )
