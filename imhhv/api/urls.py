from django.urls import path

from imhhv.api import views

app_name = "api"

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("families/", views.FamilyListView.as_view(), name="families"),
    path("families/<int:pk>/", views.FamilyDetailView.as_view(), name="family"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
]
