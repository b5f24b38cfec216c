"""The project's URLs plus the visit endpoints `imhhv/api/urls.py` does not include yet
(`imhhv.api.visits.urlpatterns`): for their tests until the API URLs include them."""

from django.urls import include, path

from config.urls import urlpatterns as project
from imhhv.api import visits

urlpatterns = [path("api/v1/", include((visits.urlpatterns, "visits_api"))), *project]
