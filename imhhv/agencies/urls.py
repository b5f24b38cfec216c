from django.urls import path

from imhhv.agencies import views

app_name = "agencies"

urlpatterns = [path("", views.program_settings, name="settings")]
