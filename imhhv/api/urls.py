"""API v1 URLs: each app's module lists its own endpoints (`<module>.urlpatterns`)."""

from django.urls import path

from imhhv.api import (
    accounts,
    drafts,
    families,
    fidelity,
    intake,
    reports,
    schema,
    visits,
    workforce,
)

app_name = "api"

urlpatterns = [
    path("auth/token/", accounts.TokenView.as_view(), name="token"),
    path("me/", accounts.MeView.as_view(), name="me"),
    path("staff/", accounts.StaffListView.as_view(), name="staff"),
    *workforce.urlpatterns,
    path("home/", reports.HomeView.as_view(), name="home"),
    *intake.urlpatterns,
    *families.urlpatterns,
    path("fidelity/", fidelity.FidelityView.as_view(), name="fidelity"),
    *visits.urlpatterns,
    *drafts.urlpatterns,
    path("visits/", visits.VisitListView.as_view(), name="visits"),
    path("visits/<int:pk>/", visits.VisitDetailView.as_view(), name="visit"),
    path("visits/<int:pk>/sign/", visits.VisitSignView.as_view(), name="visit_sign"),
    path("visits/<int:pk>/amend/", visits.VisitAmendView.as_view(), name="visit_amend"),
    path("catalogue/", visits.CatalogueView.as_view(), name="catalogue"),
    path("schema/", schema.SchemaView.as_view(), name="schema"),
    path("docs/", schema.DocsView.as_view(url_name="api:schema"), name="docs"),
]
