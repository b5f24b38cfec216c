"""Pages of the workforce app under /workforce/ (the team board is a reports page:
it shows caseloads and fidelity beside the qualifications, see reports/urls.py)."""

from django.urls import path

from imhhv.workforce.views import boards, records, sessions

app_name = "workforce"

urlpatterns = [
    # The staff record: a profile with every requirement and the ledgers, and its forms.
    path("staff/<int:staff_id>/", records.profile, name="profile"),
    path("staff/<int:staff_id>/add/<str:kind>/", records.add, name="add"),
    path(
        "staff/<int:staff_id>/training/<int:entry_id>/evidence/",
        records.evidence,
        name="evidence",
    ),
    # Reflective supervision.
    path("sessions/", sessions.session_list, name="sessions"),
    path("sessions/new/", sessions.session_new, name="session_new"),
    # Boards and figures.
    path("staff-board/", boards.staff_board, name="staff_board"),
    path("compliance/", boards.compliance, name="compliance"),
    path("compliance/ninth-domain/", boards.ninth_domain, name="ninth_domain"),
    path("cohorts/", boards.cohorts, name="cohorts"),
]
