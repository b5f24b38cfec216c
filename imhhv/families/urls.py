from django.urls import path

from imhhv.families import views

app_name = "families"

urlpatterns = [
    path("", views.family_list, name="list"),
    path("<int:pk>/", views.family_detail, name="detail"),
]
