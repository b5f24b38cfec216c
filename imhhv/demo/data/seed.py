"""`seed()`: the whole demo (organisation, families, referrals); `add_waiting_referrals()`:
more waiting referrals for benchmarks."""

import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from imhhv.agencies.models import Agency
from imhhv.demo.data.builder import _Builder
from imhhv.demo.data.families import DISCHARGE_MIX, DISCHARGED_SHARE, REENROLLED_PER_AGENCY
from imhhv.demo.data.organisation import COUNTIES, _Agency, build_organisation
from imhhv.demo.data.workforce import (
    NEW_VISITOR_FAMILIES,
    WorkforceBuilder,
    WorkforceFigures,
    bulk_write,
    new_visitor,
)
from imhhv.families.models import Referral


@dataclass
class SeedResult:
    agencies: int
    users: int
    families: int  # every family, active or discharged
    active_families: int = 0
    discharged_families: int = 0
    reenrolled_families: int = 0
    transferred_families: int = 0
    caregivers: int = 0
    children: int = 0
    referrals: dict[str, int] = field(default_factory=dict)
    workforce: WorkforceFigures = field(default_factory=WorkforceFigures)

    def summary(self) -> str:
        statuses = ", ".join(f"{n} {status}" for status, n in self.referrals.items())
        return (
            f"{self.agencies} agencies, {self.users} users, {self.families} families "
            f"({self.active_families} active of which {self.reenrolled_families} re-enrolled "
            f"and {self.transferred_families} transferred; {self.discharged_families} "
            f"discharged), {self.caregivers} caregivers, {self.children} children, "
            f"{sum(self.referrals.values())} referrals ({statuses}); "
            f"{self.workforce.summary()}"
        )


@transaction.atomic
def seed(
    *,
    families_per_visitor: tuple[int, int] = (12, 15),
    agencies: int = 5,
    teams_per_agency: int = 2,
    visitors_per_team: int = 3,
    rng_seed: int = 2026,
    intake: bool = True,
) -> SeedResult:
    """Create the state, agencies, teams, staff in every role, families and referrals.

    `families_per_visitor` is a (low, high) range of ACTIVE families per full-time home
    visitor (the half-time visitor gets half); discharged families come on top. With
    `intake=False` no referral is made besides those the families were enrolled from.
    """
    rng = random.Random(rng_seed)
    today = timezone.localdate()
    contexts, users = build_organisation(
        today=today,
        agencies=agencies,
        teams_per_agency=teams_per_agency,
        visitors_per_team=visitors_per_team,
    )

    build = _Builder(rng, today)
    new = new_visitor(contexts)  # a new hire: few families, not yet cleared to carry more
    low, high = families_per_visitor
    reasons = list(DISCHARGE_MIX)
    weights = [w for w, _ in DISCHARGE_MIX.values()]
    for ctx in contexts:
        slots = []
        for user, team, fte in ctx.visitors:
            n = rng.randint(low, high)
            if fte < 1 and n:
                n = max(1, round(n * float(fte)))
            if user is new:
                n = min(n, NEW_VISITOR_FAMILIES)
            slots += [(user, team)] * n
        reenrolled = set(rng.sample(range(len(slots)), min(REENROLLED_PER_AGENCY, len(slots))))
        for number, (user, team) in enumerate(slots):
            kind = "reenrolled" if number in reenrolled else "active"
            build.family(ctx, visitor=user, team=team, kind=kind)
        # Discharged families: about DISCHARGED_SHARE of all the agency ever served.
        n_discharged = round(len(slots) * DISCHARGED_SHARE / (1 - DISCHARGED_SHARE))
        for number in range(n_discharged):
            # Cycle the reasons first so every mix has each; then draw by weight.
            reason = reasons[number] if number < len(reasons) else rng.choices(reasons, weights)[0]
            user, team, _ = rng.choice(ctx.visitors)
            build.family(ctx, visitor=user, team=team, kind="discharged", reason=reason)
        if intake:
            build.intake(ctx)
    workforce = WorkforceBuilder(
        random.Random(rng_seed + 10), today, contexts, users, new=new, evidence=True
    )
    workforce.stagger_starts(build)  # newer visitors: their families handed over later
    build.save()
    figures = workforce.build(build)
    workforce.save(bulk_write)

    statuses = dict.fromkeys(Referral.Status.values, 0)
    for referral in build.referrals:
        statuses[referral.status] += 1
    return SeedResult(
        agencies=len(contexts),
        users=len(users),
        families=len(build.families),
        active_families=len(build.families) - build.discharged,
        discharged_families=build.discharged,
        reenrolled_families=build.reenrolled,
        transferred_families=build.transferred,
        caregivers=len(build.caregivers),
        children=len(build.children),
        referrals=statuses,
        workforce=figures,
    )


@transaction.atomic
def add_waiting_referrals(n: int, *, rng_seed: int = 5000) -> int:
    """`n` more eligible referrals waiting, spread over every agency (for benchmarks)."""
    agencies = list(Agency.objects.order_by("pk"))
    if not agencies or n <= 0:
        return 0
    by_name = {c.name: c for c in COUNTIES}
    contexts = [
        _Agency(agency=a, county=by_name.get(a.county, COUNTIES[0]), index=-1) for a in agencies
    ]
    build = _Builder(random.Random(rng_seed), timezone.localdate())
    build.medicaid_ids = Referral.objects.count() + 500_000  # clear of the seed's ids
    for number in range(n):
        build.waiting_referral(contexts[number % len(contexts)])
    build.save()
    return len(build.referrals)
