from django.urls import path

from imhhv.api import views, views_families, views_fidelity, views_intake, views_visits

app_name = "api"

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("referrals/", views_intake.ReferralListView.as_view(), name="referrals"),
    path("referrals/<int:pk>/", views_intake.ReferralDetailView.as_view(), name="referral"),
    path(
        "referrals/<int:pk>/screen/",
        views_intake.ReferralScreenView.as_view(),
        name="referral_screen",
    ),
    path(
        "referrals/<int:pk>/override/",
        views_intake.ReferralOverrideView.as_view(),
        name="referral_override",
    ),
    path("waitlist/", views_intake.WaitlistView.as_view(), name="waitlist"),
    path("capacity/", views_intake.CapacityView.as_view(), name="capacity"),
    path("capacity/state/", views_intake.StateCapacityView.as_view(), name="capacity_state"),
    path("families/", views_families.FamilyListView.as_view(), name="families"),
    path("families/<int:pk>/", views_families.FamilyDetailView.as_view(), name="family"),
    path(
        "families/<int:pk>/assign/",
        views_families.FamilyAssignView.as_view(),
        name="family_assign",
    ),
    path(
        "families/<int:pk>/discharge/",
        views_families.FamilyDischargeView.as_view(),
        name="family_discharge",
    ),
    path("fidelity/", views_fidelity.FidelityView.as_view(), name="fidelity"),
    path("visits/", views_visits.VisitListView.as_view(), name="visits"),
    path("visits/<int:pk>/", views_visits.VisitDetailView.as_view(), name="visit"),
    path("visits/<int:pk>/sign/", views_visits.VisitSignView.as_view(), name="visit_sign"),
    path("visits/<int:pk>/amend/", views_visits.VisitAmendView.as_view(), name="visit_amend"),
    path("catalogue/", views_visits.CatalogueView.as_view(), name="catalogue"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
]
