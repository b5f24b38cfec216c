"""Keeping the search text of families and referrals (imhhv.core.search) with their names.

Called by every service that writes a name: enrollment, a caregiver's edit, a child added
or born, a new referral. It runs in the caller's transaction, so the text never disagrees
with the names a rolled-back write did not save. Two small reads and one update per call.
"""

from imhhv.core.search import search_text
from imhhv.families.models import (
    Caregiver,
    Child,
    Family,
    Referral,
    ReferralCaregiver,
    ReferralChild,
)


def family_search_text(family: Family) -> str:
    names = [family.display_name]
    for first, last in Caregiver.objects.filter(family=family).values_list(
        "first_name", "last_name"
    ):
        names += [first, last]
    names += Child.objects.filter(family=family).values_list("first_name", flat=True)
    return search_text(names)


def refresh_family_search(family: Family) -> None:
    family.search_text = family_search_text(family)
    Family.objects.filter(pk=family.pk).update(search_text=family.search_text)


def refresh_referral_search(referral: Referral) -> None:
    names: list[str] = []
    for first, last in ReferralCaregiver.objects.filter(referral=referral).values_list(
        "first_name", "last_name"
    ):
        names += [first, last]
    names += ReferralChild.objects.filter(referral=referral).values_list("first_name", flat=True)
    referral.search_text = search_text(names)
    Referral.objects.filter(pk=referral.pk).update(search_text=referral.search_text)
