from django.urls import path

from imhhv.api import accounts, families, fidelity, intake, schema, visits

app_name = "api"

urlpatterns = [
    path("auth/token/", accounts.TokenView.as_view(), name="token"),
    path("me/", accounts.MeView.as_view(), name="me"),
    path("referrals/", intake.ReferralListView.as_view(), name="referrals"),
    path("referrals/<int:pk>/", intake.ReferralDetailView.as_view(), name="referral"),
    path(
        "referrals/<int:pk>/screen/",
        intake.ReferralScreenView.as_view(),
        name="referral_screen",
    ),
    path(
        "referrals/<int:pk>/override/",
        intake.ReferralOverrideView.as_view(),
        name="referral_override",
    ),
    path("waitlist/", intake.WaitlistView.as_view(), name="waitlist"),
    path("capacity/", intake.CapacityView.as_view(), name="capacity"),
    path("capacity/state/", intake.StateCapacityView.as_view(), name="capacity_state"),
    path("families/", families.FamilyListView.as_view(), name="families"),
    path("families/<int:pk>/", families.FamilyDetailView.as_view(), name="family"),
    path(
        "families/<int:pk>/assign/",
        families.FamilyAssignView.as_view(),
        name="family_assign",
    ),
    path(
        "families/<int:pk>/discharge/",
        families.FamilyDischargeView.as_view(),
        name="family_discharge",
    ),
    path("fidelity/", fidelity.FidelityView.as_view(), name="fidelity"),
    path("visits/", visits.VisitListView.as_view(), name="visits"),
    path("visits/<int:pk>/", visits.VisitDetailView.as_view(), name="visit"),
    path("visits/<int:pk>/sign/", visits.VisitSignView.as_view(), name="visit_sign"),
    path("visits/<int:pk>/amend/", visits.VisitAmendView.as_view(), name="visit_amend"),
    path("catalogue/", visits.CatalogueView.as_view(), name="catalogue"),
    path("schema/", schema.SchemaView.as_view(), name="schema"),
    path("docs/", schema.DocsView.as_view(url_name="api:schema"), name="docs"),
]
