"""Staff pages for agency and state administrators: list, add, change role, deactivate."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from imhhv.accounts import services
from imhhv.accounts.access import get_staff_for_user, staff_visible_to
from imhhv.accounts.models import Membership
from imhhv.accounts.policies import capability, policy
from imhhv.accounts.staff_forms import MembershipForm, NewStaffForm


@policy(capability("manage_staff"))
def staff_list(request: HttpRequest) -> HttpResponse:
    current = Prefetch(
        "memberships",
        queryset=Membership.objects.active().select_related("agency", "team"),
        to_attr="current_memberships",
    )
    staff = (
        staff_visible_to(request.user).prefetch_related(current).order_by("last_name", "username")
    )
    return render(request, "accounts/staff_list.html", {"staff": staff})


@policy(capability("manage_staff"))
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_staff_for_user(request.user, pk)
    form = MembershipForm(request.POST or None, manager=request.user)
    if request.method == "POST":
        staff = get_staff_for_user(request.user, pk, write=True)
        if form.is_valid():
            data = form.cleaned_data
            services.change_membership(
                user=staff,
                role=data["role"],
                agency=data["agency"],
                team=data["team"],
                fte=data["fte"],
                start_date=data["start_date"],
                by=request.user,
            )
            messages.success(
                request,
                f"{staff.display_name()} now has the new role from {data['start_date']:%-d %B %Y}.",
            )
            return redirect("staff:detail", pk=staff.pk)
    history = staff.memberships.select_related("agency", "team").order_by("-start_date", "-pk")
    return render(
        request, "accounts/staff_detail.html", {"staff": staff, "history": history, "form": form}
    )


@policy(capability("manage_staff"))
def staff_new(request: HttpRequest) -> HttpResponse:
    form = NewStaffForm(request.POST or None, manager=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        staff = services.create_staff(
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
        messages.success(request, f"Account {staff.username} created.")
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
