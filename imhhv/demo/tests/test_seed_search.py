"""The demo seed writes the search text the family services would (issue 9): every family
and referral it bulk-creates is found by its people's names."""

from io import StringIO

from django.core.management import call_command

from imhhv.core.search import search_text
from imhhv.families.models import Family, Referral
from imhhv.families.services.search import family_search_text


def words(text: str) -> set[str]:
    return set(text.split())  # the order of the words does not change what is found


def test_every_seeded_family_and_referral_has_its_search_text(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    families = list(Family.objects.all())
    assert families
    for family in families:
        assert words(family.search_text) == words(family_search_text(family)), family.pk
    for referral in Referral.objects.prefetch_related("caregivers", "children"):
        names = [n for c in referral.caregivers.all() for n in (c.first_name, c.last_name)]
        names += [c.first_name for c in referral.children.all()]
        assert words(referral.search_text) == words(search_text(names)), referral.pk
