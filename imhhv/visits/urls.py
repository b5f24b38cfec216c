from django.urls import path

from imhhv.visits import catalogue_views, views

app_name = "visits"

urlpatterns = [
    path("week/", views.week, name="week"),
    path("catalogue/", catalogue_views.catalogue, name="catalogue"),
    path("family/<int:family_id>/new/", views.visit_new, name="new"),
    path("family/<int:family_id>/plan/", views.visit_plan, name="plan"),
    path("<int:pk>/", views.visit_detail, name="detail"),
    path("<int:pk>/edit/", views.visit_edit, name="edit"),
    path("<int:pk>/sign/", views.visit_sign, name="sign"),
]
