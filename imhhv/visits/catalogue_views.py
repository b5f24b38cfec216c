"""The fidelity catalogue page: everyone reads the current version; the state publishes
(`services.publish_catalogue`, the same call as `POST /api/v1/catalogue/versions/`)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from imhhv.accounts.pages import attempt
from imhhv.accounts.policies import SIGNED_IN, policy
from imhhv.visits import services
from imhhv.visits.forms import CataloguePublishForm, StrategyFormSet
from imhhv.visits.models import Catalogue


@policy(SIGNED_IN)
def catalogue(request: HttpRequest) -> HttpResponse:
    current = services.current_catalogue()
    components = list(current.components.prefetch_related("strategies")) if current else []
    can_publish = request.user.can("manage_policy")
    initial = [
        {"component": c.code, "code": s.code, "text": s.text, "response_type": s.response_type}
        for c in components
        for s in c.strategies.all()
    ]
    post = request.POST if request.method == "POST" and can_publish else None
    if request.method == "POST" and not can_publish:
        raise PermissionDenied("Only the state administrator publishes the fidelity catalogue.")
    title = CataloguePublishForm(
        post,
        initial={"title": f"Fidelity catalogue version {(current.version if current else 0) + 1}"},
    )
    rows = StrategyFormSet(
        post, initial=initial, form_kwargs={"components": components}, prefix="strategy"
    )
    if post is not None and title.is_valid() and rows.is_valid():
        kept = [
            f.cleaned_data
            for f in rows.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("text")
        ]
        new = attempt(
            title,
            services.publish_catalogue,
            title=title.cleaned_data["title"],
            strategies=kept,
            by=request.user,
        )
        if new is not None:
            messages.success(
                request, f"Version {new.version} published. New visits use it from now on."
            )
            return redirect("visits:catalogue")
    return render(
        request,
        "visits/catalogue.html",
        {
            "current": current,
            "components": components,
            "can_publish": can_publish,
            "title_form": title,
            "rows": rows,
            "history": Catalogue.objects.select_related("published_by"),
        },
    )
