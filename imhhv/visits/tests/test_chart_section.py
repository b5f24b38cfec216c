"""The family chart shows the visit plan in force and the latest visits (the section visits
registers with the families chart)."""

from django.utils import timezone

from imhhv.visits.services import set_visit_plan


def test_the_chart_shows_the_plan_in_force(cast, login):
    set_visit_plan(
        family=cast.family_a,
        by=cast.hv_a,
        frequency="every_other_week",
        effective_from=timezone.localdate(),
    )
    page = login(cast.hv_a).get(f"/families/{cast.family_a.pk}/")
    assert page.status_code == 200
    assert "Plan: Every other week" in page.content.decode()
