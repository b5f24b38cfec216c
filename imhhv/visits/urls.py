from django.urls import path

from imhhv.visits import catalogue_views, fidelity_views, views

app_name = "visits"

urlpatterns = [
    path("week/", views.week, name="week"),
    path("week/team/", views.team_week_view, name="team_week"),
    path("catalogue/", catalogue_views.catalogue, name="catalogue"),
    path("fidelity/", fidelity_views.fidelity_home, name="fidelity"),
    path("fidelity/state/", fidelity_views.fidelity_state, name="fidelity_state"),
    path("fidelity/agency/", fidelity_views.fidelity_agency, name="fidelity_agency"),
    path("fidelity/team/<int:team_id>/", fidelity_views.fidelity_team, name="fidelity_team"),
    path(
        "fidelity/visitor/<int:user_id>/", fidelity_views.fidelity_visitor, name="fidelity_visitor"
    ),
    path("family/<int:family_id>/new/", views.visit_new, name="new"),
    path("family/<int:family_id>/plan/", views.visit_plan, name="plan"),
    path("<int:pk>/", views.visit_detail, name="detail"),
    path("<int:pk>/edit/", views.visit_edit, name="edit"),
    path("<int:pk>/sign/", views.visit_sign, name="sign"),
]
