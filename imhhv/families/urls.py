from django.urls import path

from imhhv.families.views import family, intake

app_name = "families"

urlpatterns = [
    path("", family.family_list, name="list"),
    path("<int:pk>/", family.family_detail, name="detail"),
    path("<int:pk>/caregivers/<int:caregiver_id>/", family.caregiver_edit, name="caregiver_edit"),
    path("<int:pk>/children/new/", family.add_child, name="child_add"),
    path("<int:pk>/children/<int:child_id>/birth/", family.record_birth, name="birth"),
    path("<int:pk>/consents/", family.consents, name="consents"),
    path("<int:pk>/assign/", family.assign, name="assign"),
    path("<int:pk>/discharge/", family.discharge, name="discharge"),
    path("<int:pk>/reenroll/", family.reenroll, name="reenroll"),
    path("referrals/", intake.referral_list, name="referrals"),
    path("referrals/new/", intake.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", intake.referral_detail, name="referral"),
    path("referrals/<int:pk>/enroll/", intake.enroll, name="enroll"),
    path("waitlist/", intake.waitlist, name="waitlist"),
    path("capacity/", intake.capacity, name="capacity"),
]
