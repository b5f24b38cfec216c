"""The enrollment and new-referral pages keep a draft: restored on GET (with the restored
notice), kept on a refused submit, gone after a successful one."""

import pytest
from django.urls import reverse

from imhhv.drafts.models import Draft
from imhhv.families.models import Family
from imhhv.families.tests.test_intake_pages import eligible_referral, enroll_post, referral_post


@pytest.fixture
def intake(cast, login):
    return login(cast.admin_a)


def test_a_saved_referral_draft_is_restored_on_the_form(cast, intake, new_events):
    intake.post(
        reverse("drafts:save", kwargs={"form": "referral", "record_key": "new"}),
        {"referrer_name": "Synthetic Referrer Zed"},
    )
    new_events.reset()
    page = intake.get(reverse("families:referral_new"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="Synthetic Referrer Zed"' in html
    assert "We restored the draft you were writing on" in html
    assert 'data-draft-form="referral"' in html and "Discard draft" in html
    assert [e.action for e in new_events()] == ["draft.read"]


def test_the_form_without_a_draft_reads_nothing_and_offers_autosave(cast, intake, new_events):
    html = intake.get(reverse("families:referral_new")).content.decode()
    assert 'data-draft-save-url="/drafts/referral/new/"' in html
    assert "We restored" not in html
    assert new_events() == []


def test_a_refused_submit_keeps_the_draft_and_a_saved_one_removes_it(cast, intake, new_events):
    refused = intake.post(reverse("families:referral_new"), referral_post(referral_date=""))
    assert refused.status_code == 200
    assert "Your draft is saved" in refused.content.decode()
    draft = Draft.objects.get(user=cast.admin_a, form="referral")
    assert draft.data["referrer_name"] == ["Test Referrer"]
    assert [(e.action, e.details["via"]) for e in new_events()] == [("draft.save", "submit")]
    new_events.reset()
    saved = intake.post(reverse("families:referral_new"), referral_post())
    assert saved.status_code == 302
    assert not Draft.objects.exists()
    assert [e.action for e in new_events()] == ["referral.create", "draft.discard"]


def test_a_successful_submit_without_a_draft_writes_only_the_record(cast, intake, new_events):
    assert intake.post(reverse("families:referral_new"), referral_post()).status_code == 302
    assert [e.action for e in new_events()] == ["referral.create"]
    assert not Draft.objects.exists()


def test_the_enrollment_draft_is_restored_and_removed_on_enrollment(
    cast, qualified_visitors, intake, new_events
):
    referral = eligible_referral(intake)
    url = reverse("families:enroll", args=[referral.pk])
    post = enroll_post(referral, cast.hv_a)
    key = f"referral-{referral.pk}"
    intake.post(reverse("drafts:save", kwargs={"form": "enrollment", "record_key": key}), post)
    new_events.reset()
    page = intake.get(url)
    assert "We restored the draft" in page.content.decode()
    assert sorted(e.action for e in new_events()) == ["draft.read", "referral.read"]
    assert intake.post(url, post).status_code == 302
    assert Family.objects.filter(referrals=referral).exists()
    assert not Draft.objects.exists()


def test_an_enrollment_draft_of_another_agency_is_404(cast, intake, login, new_events):
    referral = eligible_referral(intake)
    key = f"referral-{referral.pk}"
    new_events.reset()
    client = login(cast.hv_b)
    response = client.post(
        reverse("drafts:save", kwargs={"form": "enrollment", "record_key": key}), {"x": "1"}
    )
    assert response.status_code == 403  # a home visitor does no intake anywhere
    from tests.factories import MembershipFactory, UserFactory

    other = UserFactory(username="admin_b")
    MembershipFactory(user=other, role="agency_admin", agency=cast.agency_b, team=None)
    new_events.reset()
    response = login(other).post(
        reverse("drafts:save", kwargs={"form": "enrollment", "record_key": key}), {"x": "1"}
    )
    assert response.status_code == 404
    assert [(e.action, e.outcome) for e in new_events()] == [("referral.read", "denied")]
