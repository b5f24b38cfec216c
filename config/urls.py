from django.urls import include, path

urlpatterns = [
    path("", include("imhhv.reports.urls")),
    path("account/", include("imhhv.accounts.urls")),
    path("settings/", include("imhhv.agencies.urls")),
    path("staff/", include("imhhv.accounts.staff_urls")),
    path("families/", include("imhhv.families.urls")),
    path("visits/", include("imhhv.visits.urls")),
    path("audit/", include("imhhv.audit.urls")),
    path("drafts/", include("imhhv.drafts.urls")),
    path("workforce/", include("imhhv.workforce.urls")),
    path("api/v1/", include("imhhv.api.urls")),
]

handler400 = "imhhv.reports.errors.bad_request"
handler403 = "imhhv.reports.errors.permission_denied"
handler404 = "imhhv.reports.errors.page_not_found"
handler500 = "imhhv.reports.errors.server_error"
