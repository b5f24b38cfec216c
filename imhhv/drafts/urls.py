from django.urls import path

from imhhv.drafts import views

app_name = "drafts"

urlpatterns = [
    path("<slug:form>/<slug:record_key>/", views.save, name="save"),
    path("<slug:form>/<slug:record_key>/discard/", views.discard, name="discard"),
]
