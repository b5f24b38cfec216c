"""The forms of families and visits register with drafts (which sits below them), so the
timeout middleware can find the draft form behind a URL."""


def test_the_forms_of_higher_apps_are_registered():
    from imhhv.drafts import registry

    assert {"visit-note", "enrollment", "referral"} <= set(registry._forms)
    assert registry.form_for_url("families:enroll", {"pk": 7}) == ("enrollment", "referral-7")
    assert registry.form_for_url("visits:edit", {"pk": 3}) == ("visit-note", "visit-3")
    assert registry.form_for_url("families:list", {}) is None
