from django.urls import path

from imhhv.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
]
