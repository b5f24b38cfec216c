"""Property: whatever the assignment of families, the scopes nest as the model says."""

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imhhv.families.access import families_visible_to
from imhhv.families.models import Family


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(min_value=0, max_value=4), max_size=15))
def test_scopes_follow_assignment(cast, assignment):
    visitors = [cast.hv_a, cast.hv_a2, cast.hv_a_other_team, cast.hv_b, None]
    sid = transaction.savepoint()
    try:
        Family.objects.all().delete()
        made = []
        for i, index in enumerate(assignment):
            visitor = visitors[index]
            agency = cast.agency_b if visitor is cast.hv_b else cast.agency_a
            made.append(
                Family.objects.create(agency=agency, home_visitor=visitor, display_name=f"P {i}")
            )

        def ids(user):
            return set(families_visible_to(user).values_list("pk", flat=True))

        def assigned(*users):
            return {f.pk for f in made if f.home_visitor in users}

        for visitor in visitors[:4]:
            assert ids(visitor) == assigned(visitor)
        assert ids(cast.sup_a) == assigned(cast.hv_a, cast.hv_a2, None)
        assert ids(cast.admin_a) == {f.pk for f in made if f.agency_id == cast.agency_a.pk}
        for outsider in (cast.state_admin, cast.evaluator, cast.nobody):
            assert ids(outsider) == set()
        # Nobody at agency A ever sees a family of agency B.
        b_families = {f.pk for f in made if f.agency_id == cast.agency_b.pk}
        for user in (cast.hv_a, cast.sup_a, cast.admin_a):
            assert not ids(user) & b_families
    finally:
        transaction.savepoint_rollback(sid)
