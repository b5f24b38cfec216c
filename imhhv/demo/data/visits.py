"""A year of synthetic home visits for the demo families (run after `seed`).

Patterns, by design: most families are seen most weeks (about 85%), visits mostly last
90-120 minutes with some short ones, a few contacts are by video or phone, developmental
guidance and infant-parent psychotherapy are the most frequent components (as in the
published fidelity study), about 10% of notes are signed late, the newest few are not
signed yet, some families have a paused plan, and a few families drift into
disengagement (no completed home visit in their last 4-6 weeks). Every note is
obviously synthetic. No audit events: seeding is not user activity.

Nothing documented lies in the future, whatever the hour the seed runs at: a visit of the
history that would end after now (later today) stays a scheduled visit, not yet documented,
and each active family also has one scheduled visit next week. Draws from the random
generator do not depend on the hour, so the rest of the history is the same all day.
"""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from imhhv.families.models import Assignment, Enrollment, Family
from imhhv.visits.models import Catalogue, Strategy, StrategyResponse, Visit, VisitPlan

COMPONENT_WEIGHTS = {
    "developmental_guidance": 30,
    "infant_parent_psychotherapy": 26,
    "alliance": 18,
    "emotional_support": 16,
    "life_coping": 9,
    "material_needs": 8,
    "culturally_responsive": 7,
}
NOTES = (
    "Demo note: played on the floor together; talked about sleep and routines.",
    "Demo note: caregiver shared a hard week; we wondered together about the baby's cues.",
    "Demo note: worked on the housing application; the toddler showed us a new word.",
    "Demo note: talked about the caregiver's own childhood and how it comes up now.",
    "Demo note: planned the clinic visit; practised a calming routine for evenings.",
)


def _visitor_on(assignments: list[tuple[int, date, date | None]], day: date) -> int | None:
    for visitor, start, end in assignments:
        if start <= day and (end is None or day <= end):
            return visitor
    return None


@transaction.atomic
def seed_visits(*, rng_seed: int = 2026, weeks: int = 52) -> int:
    """Create the visit history of every family; returns the number of visits."""
    rng = random.Random(rng_seed)
    today = timezone.localdate()
    now = timezone.now()
    first = today - timedelta(weeks=weeks)
    catalogue = Catalogue.objects.order_by("-version").first()
    if catalogue is None:
        return 0
    components = {c.code: c for c in catalogue.components.all()}
    strategies: dict[int, list[Strategy]] = defaultdict(list)
    for strategy in Strategy.objects.filter(component__catalogue=catalogue):
        strategies[strategy.component_id].append(strategy)
    codes, weights = zip(*COMPONENT_WEIGHTS.items(), strict=True)
    assignments: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
    for family_id, visitor, start, end in Assignment.objects.values_list(
        "family_id", "home_visitor_id", "start_date", "end_date"
    ):
        assignments[family_id].append((visitor, start, end))
    episodes: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for family_id, start, end in Enrollment.objects.values_list(
        "family_id", "enrolled_on", "discharged_on"
    ):
        episodes[family_id].append((start, end))

    visits: list[Visit] = []
    picks: list[tuple[Visit, list[str]]] = []
    plans: list[VisitPlan] = []
    for family in Family.objects.order_by("pk"):
        family_rng = random.Random(rng.random())
        engagement = 0.88 if family_rng.random() > 0.2 else 0.7
        disengaged_weeks = family_rng.choice((4, 5, 6)) if family_rng.random() < 0.06 else 0
        pause = None
        for start, end in episodes[family.pk]:
            plans.append(
                VisitPlan(
                    family=family,
                    effective_from=start,
                    frequency=VisitPlan.Frequency.WEEKLY,
                    preferred_day=family_rng.randint(0, 4),
                    preferred_time=time(family_rng.randint(9, 15)),
                )
            )
            if end is None and family_rng.random() < 0.05:
                pause_from = max(start, today - timedelta(weeks=family_rng.randint(8, 30)))
                pause = (pause_from, pause_from + timedelta(days=family_rng.randint(14, 24)))
                plans.append(
                    VisitPlan(
                        family=family,
                        effective_from=pause[0],
                        frequency=VisitPlan.Frequency.PAUSED,
                        paused_until=pause[1],
                        pause_reason="Demo: family travelling to see relatives",
                    )
                )
                plans.append(
                    VisitPlan(
                        family=family,
                        effective_from=pause[1] + timedelta(days=1),
                        frequency=VisitPlan.Frequency.WEEKLY,
                    )
                )
            monday = max(start, first) - timedelta(days=max(start, first).weekday())
            last_day = min(end or today, today)
            while monday <= last_day:
                day = monday + timedelta(days=family_rng.randint(0, 4))
                monday += timedelta(weeks=1)
                if day < start or day > last_day or (pause and pause[0] <= day <= pause[1]):
                    continue
                visitor = _visitor_on(assignments[family.pk], day)
                if visitor is None:
                    continue
                recent = end is None and (today - day).days < 7 * disengaged_weeks
                begin = timezone.make_aware(datetime.combine(day, time(family_rng.randint(9, 16))))
                not_yet = Visit(
                    family=family,
                    visitor_id=visitor,
                    catalogue=catalogue,
                    scheduled_at=begin,
                    created_by_id=visitor,
                )
                if recent or family_rng.random() > engagement:
                    outcome = family_rng.choice(
                        [
                            "attempted",
                            "cancelled_family",
                            "cancelled_family",
                            "cancelled_visitor",
                            "rescheduled",
                        ]
                    )
                    if begin > now:  # later today: has not happened yet
                        visits.append(not_yet)
                        continue
                    visits.append(
                        Visit(
                            family=family,
                            visitor_id=visitor,
                            scheduled_at=begin,
                            outcome=outcome,
                            catalogue=catalogue,
                            documented_at=begin,
                            signed_at=begin,
                            signed_by_id=visitor,
                            created_by_id=visitor,
                        )
                    )
                    continue
                roll = family_rng.random()
                minutes = (
                    family_rng.randint(45, 80)
                    if roll < 0.1
                    else family_rng.randint(125, 150)
                    if roll > 0.96
                    else int(min(120, max(90, family_rng.gauss(105, 9))))
                )
                place = family_rng.choices(
                    ["home", "video", "phone", "other"], weights=[90, 5, 3, 2]
                )[0]
                delay = (
                    family_rng.randint(3, 7)
                    if family_rng.random() < 0.1
                    else family_rng.choice((0, 0, 1))
                )
                signed = begin + timedelta(days=delay, hours=3)
                # The last 5 days always hold weekdays before today, so some recent notes
                # wait for a signature at any hour and on any day of the week.
                unsigned = (today - day).days < 5 and family_rng.random() < 0.5
                visit = Visit(
                    family=family,
                    visitor_id=visitor,
                    scheduled_at=begin,
                    outcome="completed",
                    started_at=begin,
                    ended_at=begin + timedelta(minutes=minutes),
                    place=place,
                    catalogue=catalogue,
                    asked_about_development=family_rng.random() < 0.7,
                    safety_concern=family_rng.random() < 0.01,
                    note=family_rng.choice(NOTES),
                    next_steps="Demo: same time next week.",
                    documented_at=min(signed, now),
                    signed_at=None if unsigned or signed > now else signed,
                    signed_by_id=None if unsigned or signed > now else visitor,
                    created_by_id=visitor,
                )
                chosen = sorted(set(family_rng.choices(codes, weights, k=family_rng.randint(2, 4))))
                if visit.ended_at > now:  # would end later today: still only scheduled
                    visits.append(not_yet)
                    continue
                visits.append(visit)
                picks.append((visit, chosen))
        if family.home_visitor_id and any(end is None for _, end in episodes[family.pk]):
            nxt = today + timedelta(days=7 - today.weekday() + family_rng.randint(0, 4))
            visits.append(
                Visit(
                    family=family,
                    visitor_id=family.home_visitor_id,
                    catalogue=catalogue,
                    scheduled_at=timezone.make_aware(datetime.combine(nxt, time(10))),
                    created_by_id=family.home_visitor_id,
                )
            )
    VisitPlan.objects.bulk_create(plans, batch_size=2000)
    Visit.objects.bulk_create(visits, batch_size=2000)
    through = Visit.components.through
    through.objects.bulk_create(
        (through(visit_id=v.pk, keycomponent_id=components[c].pk) for v, cs in picks for c in cs),
        batch_size=5000,
    )
    responses = []
    for visit, chosen in picks:
        for code in chosen:
            for strategy in strategies[components[code].pk][:2]:
                top = 1 if strategy.response_type == Strategy.ResponseType.YES_NO else 3
                responses.append(
                    StrategyResponse(
                        visit=visit, strategy=strategy, value=rng.randint(top // 2, top)
                    )
                )
    StrategyResponse.objects.bulk_create(responses, batch_size=5000)
    return len(visits)
