from django.urls import path

from imhhv.accounts import staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.staff_list, name="list"),
    path("new/", staff_views.staff_new, name="new"),
    path("<int:pk>/", staff_views.staff_detail, name="detail"),
    path("<int:pk>/deactivate/", staff_views.staff_deactivate, name="deactivate"),
    path("proposals/", staff_views.proposal_list, name="proposals"),
    path("proposals/<int:pk>/", staff_views.proposal_detail, name="proposal"),
]
