"""Staff pages for agency and state administrators: list, add, change role, deactivate, and
the proposals of PHI-reading roles the agency confirms.

Each view reads its scope from `imhhv.accounts.access` and calls one service. A former
member's page is read-only history: its form is not shown, and a write is a 403.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from imhhv.accounts import services
from imhhv.accounts.access import (
    get_proposal_for_user,
    get_staff_for_user,
    proposals_visible_to,
)
from imhhv.accounts.models import MembershipProposal
from imhhv.accounts.pages import attempt
from imhhv.accounts.policies import capability, policy
from imhhv.accounts.queries import proposal_record, staff_record, staff_teams
from imhhv.accounts.queries import staff_list as staff_list_query
from imhhv.accounts.staff_filters import StaffFilterForm
from imhhv.accounts.staff_forms import MembershipForm, NewStaffForm

PENDING_MESSAGE = (
    "A role that reads family records needs the agency's confirmation: it is proposed, and "
    "takes effect when an administrator of {agency} confirms it."
)


@policy(capability("manage_staff"))
def staff_list(request: HttpRequest) -> HttpResponse:
    """The staff list with its search and filters (imhhv.accounts.staff_filters); bad
    filter input is a message above an empty list (400), and nothing is read."""
    form = StaffFilterForm(request.GET or None, teams=staff_teams(request.user))
    context = {"form": form, "keep": form.kept()}
    try:
        filters = form.filters()
    except ValidationError:
        context.update(errors=form.messages(), page=None, staff=[], pending=0)
        return render(request, "accounts/staff_list.html", context, status=400)
    shown = staff_list_query(request.user, filters=filters, page=request.GET.get("page"))
    context.update(
        page=shown.page,
        staff=shown.page.object_list,
        pending=shown.pending,
        searched=bool(filters.audit() != {"search": False}),
    )
    return render(request, "accounts/staff_list.html", context)


@policy(capability("manage_staff"))
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    form = None
    if request.method == "POST":
        staff = get_staff_for_user(request.user, pk, write=True)  # 403 for history only
        form = MembershipForm(request.POST, manager=request.user)
        if form.is_valid():
            data = form.cleaned_data
            result = attempt(
                form,
                services.request_membership_change,
                user=staff,
                role=data["role"],
                agency=data["agency"],
                team=data["team"],
                fte=data["fte"],
                start_date=data["start_date"],
                by=request.user,
            )
            if isinstance(result, MembershipProposal):
                messages.info(request, PENDING_MESSAGE.format(agency=result.agency.name))
                return redirect("staff:detail", pk=staff.pk)
            if result is not None:
                when = f"{data['start_date']:%-d %B %Y}"
                messages.success(request, f"{staff.display_name()} has the new role from {when}.")
                return redirect("staff:detail", pk=staff.pk)
    page = staff_record(request.user, pk)
    if page.manageable and form is None:
        form = MembershipForm(manager=request.user)
    return render(
        request,
        "accounts/staff_detail.html",
        {
            "staff": page.staff,
            "history": page.history,
            "form": form if page.manageable else None,
            "manageable": page.manageable,
            "proposals": page.proposals,
        },
    )


@policy(capability("manage_staff"))
def staff_new(request: HttpRequest) -> HttpResponse:
    form = NewStaffForm(request.POST or None, manager=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        staff = attempt(
            form,
            services.create_staff,
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            password=data["password"],
            role=data["role"],
            agency=data["agency"],
            team=data["team"],
            fte=data["fte"],
            start_date=data["start_date"],
            by=request.user,
        )
        if staff is not None:
            messages.success(request, f"Account {staff.username} created.")
            if not staff.memberships.exists():
                messages.info(request, PENDING_MESSAGE.format(agency=data["agency"].name))
            return redirect("staff:detail", pk=staff.pk)
    return render(request, "accounts/staff_new.html", {"form": form})


@require_POST
@policy(capability("manage_staff"))
def staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_staff_for_user(request.user, pk, write=True)
    if staff.is_active:
        services.deactivate_user(user=staff, by=request.user)
        messages.success(
            request, f"{staff.display_name()} is deactivated; their sessions and tokens ended."
        )
    return redirect("staff:detail", pk=staff.pk)


@policy(capability("manage_staff"))
def proposal_list(request: HttpRequest) -> HttpResponse:
    rows = proposals_visible_to(request.user)
    pending = rows.filter(status=MembershipProposal.Status.PENDING)
    decided = rows.exclude(status=MembershipProposal.Status.PENDING)[:50]
    return render(request, "accounts/proposal_list.html", {"pending": pending, "decided": decided})


DECISIONS = {
    "confirm": (services.confirm_proposal, "Confirmed: {name} has the role from {start}."),
    "decline": (services.decline_proposal, "Declined: {name} gets no role from this proposal."),
    "withdraw": (services.withdraw_proposal, "Withdrawn."),
}


@policy(capability("manage_staff"))
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = DECISIONS.get(request.POST.get("action", "")) if request.method == "POST" else None
    if decision is not None:
        proposal = get_proposal_for_user(request.user, pk)
        service, done = decision
        result = service(proposal=proposal, by=request.user)
        start = getattr(result, "start_date", proposal.start_date)
        messages.success(
            request, done.format(name=proposal.user.display_name(), start=f"{start:%-d %B %Y}")
        )
        return redirect("staff:proposal", pk=proposal.pk)
    page = proposal_record(request.user, pk)
    return render(
        request,
        "accounts/proposal_detail.html",
        {
            "proposal": page.proposal,
            "may_decide": page.may_decide,
            "may_withdraw": page.may_withdraw,
            "bad_action": request.method == "POST",
        },
        status=400 if request.method == "POST" else 200,
    )
