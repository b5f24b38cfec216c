from django.urls import path

from imhhv.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("team/board/", views.team_board, name="team_board"),
    path("state/agencies/<int:agency_id>/", views.agency, name="state_agency"),
    path("health/", views.health, name="health"),
]
