"""The audit page: filter the trail by staff member, family and date (imhhv.audit.queries).

Bad filter input is a message on the page (400) and reads nothing; the filter form is
posted and kept behind a key (`imhhv.audit.searches`), so no URL carries a family's name.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from imhhv.accounts.policies import capability, policy
from imhhv.audit import queries
from imhhv.audit.forms import AuditFilterForm
from imhhv.audit.searches import searchable


@policy(capability("view_audit"))
@searchable
def audit_log(request: HttpRequest) -> HttpResponse:
    search = request.search
    form = AuditFilterForm(search.data)
    context = {"form": form, "keep": search.pager(form)}
    if form.is_bound and not form.is_valid():
        context.update(errors=form.messages(), page=None, rows=[], notes=[])
        return render(request, "audit/log.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    filters = queries.AuditFilters(**{k: v for k, v in data.items() if v not in (None, "")})
    shown = queries.audit_log(request.user, filters, page=request.GET.get("page"))
    context.update(page=shown.page, rows=shown.rows, notes=shown.notes)
    return render(request, "audit/log.html", context)
