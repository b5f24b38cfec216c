"""The reads a person does on visit pages and endpoints: each one call, scoped, audited.

`my_week(user, day)` and `team_week(user, day)` are the whole use case: the page and the
API call them and only render the result. Every row they read comes through
`imhhv.visits.access` (so a family transferred away, or a home visitor who moved to
another agency, drops out of the lists), and each call writes its one read event itself.

The smaller helpers below (`plan_on`, `recent_visits`, `documented_late`) work on a family
or visit the caller already holds from an access function.

Planned visits: both weeks list the visits each family's visit plan promises in the week
and no recorded visit covers yet (`planned_visits`, the rules in `imhhv.core.visit_plan`),
so a weekly Tuesday family shows up on Tuesday whether or not anyone typed it in.
`build_my_week` and `build_team_week` are the unaudited building blocks of `my_week`,
`team_week` and the home pages (`imhhv.reports.home`): each caller writes its one event.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core.calendar import week_start
from imhhv.core.fidelity import Disengagement
from imhhv.core.roles import Role
from imhhv.core.visit_plan import PlanRow, Slot, open_slots, week_slots
from imhhv.families.access import families_visible_to
from imhhv.families.models import Enrollment, Family
from imhhv.reference.holidays import holidays_between as holidays
from imhhv.visits import hooks
from imhhv.visits.access import (
    fidelity_facts,
    my_caseload,
    my_visits,
    visit_day,
    visitors_visible_to,
    visits_visible_to,
)
from imhhv.visits.models import Visit, VisitPlan

NOT_SEEN_DAYS = 14


def plan_on(family: Family, day: date) -> VisitPlan | None:
    return (
        family.visit_plans.filter(effective_from__lte=day)
        .order_by("-effective_from", "-pk")
        .first()
    )


@dataclass
class PlanView:
    family: Family
    current: VisitPlan | None  # in force today
    history: list[VisitPlan]  # every change, newest first


def visit_plan_for(family: Family, *, audit: bool = True, via: str = "") -> PlanView:
    """The family's visit plan today and its history (page and API).

    `family` comes from `get_family_for_user`. Writes the read event unless `audit` is
    False (after a write, whose own event already covers the request).
    """
    today = timezone.localdate()
    history = list(family.visit_plans.order_by("-effective_from", "-pk"))
    current = next((p for p in history if p.effective_from <= today), None)
    if audit:
        details = {"view": "visit plan"}
        if via:
            details["via"] = via
        record(action="family.read", target=family, details=details)
    return PlanView(family, current, history)


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9000, 12, 31)


def week_bounds(day: date) -> tuple[datetime, datetime]:
    """The week of `day` as aware datetimes [Monday 00:00, next Monday 00:00). A day no
    program week can be in (the week's end would overflow the calendar) is bad input:
    ValidationError keyed by "week" (a 400 from the API; the pages never pass one)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError({"week": ["Choose a day between 1900 and 9000."]})
    monday = week_start(day)
    start = timezone.make_aware(datetime.combine(monday, time.min))
    return start, start + timedelta(days=7)


@dataclass(frozen=True)
class PlannedVisit:
    """A visit the family's plan promises and nothing recorded covers yet."""

    family: Family
    day: date | None  # None: due this week, no day agreed in the plan
    at: time | None

    @property
    def document_query(self) -> str:
        """`on=YYYY-MM-DD&at=HH:MM` for the visit form's prefill (dates only, no names)."""
        parts = []
        if self.day is not None:
            parts.append(f"on={self.day.isoformat()}")
        if self.at is not None:
            parts.append(f"at={self.at:%H:%M}")
        return "&".join(parts)


# Outcomes that deal with a planned slot; a rescheduled visit moved elsewhere.
COVERING = tuple(o for o in Visit.Outcome.values if o != Visit.Outcome.RESCHEDULED)


def week_visits(visits: QuerySet[Visit], day: date) -> QuerySet[Visit]:
    """Of `visits` (already scoped), those held in the week of `day` (started in it, or
    scheduled in it when not started)."""
    start, end = week_bounds(day)
    return visits.filter(
        Q(started_at__gte=start, started_at__lt=end)
        | Q(started_at__isnull=True, scheduled_at__gte=start, scheduled_at__lt=end)
    )


def planned_visits(
    families: QuerySet[Family], day: date, recorded: list[Visit]
) -> tuple[list[PlannedVisit], list[tuple[Family, int]]]:
    """The open planned visits of `families` (scoped by the caller) in the week of `day`,
    and each family with the number of visits planned for it that week (open or covered).

    `recorded` are visits of the week already read by the caller (`week_visits`); each
    one not rescheduled covers a slot of its family (`imhhv.core.visit_plan.open_slots`).
    Three queries whatever the number of families: the families, their plan rows, their
    enrollment spans (the families a subquery of both).
    """
    rows = list(families.order_by("display_name", "pk"))
    ids = families.order_by().values("pk")
    plans: dict[int, list[PlanRow]] = {}
    for pk, family_id, effective, frequency, until, weekday, at in VisitPlan.objects.filter(
        family_id__in=ids
    ).values_list(
        "pk",
        "family_id",
        "effective_from",
        "frequency",
        "paused_until",
        "preferred_day",
        "preferred_time",
    ):
        plans.setdefault(family_id, []).append(
            PlanRow(effective, frequency, until, weekday, at, order=pk)
        )
    spans: dict[int, list[tuple[date, date | None]]] = {}
    for family_id, enrolled, discharged in (
        Enrollment.objects.filter(family_id__in=ids)
        .order_by()
        .values_list("family_id", "enrolled_on", "discharged_on")
    ):
        spans.setdefault(family_id, []).append((enrolled, discharged))
    covering: dict[int, list[date]] = {}
    for visit in recorded:
        if visit.outcome in COVERING:
            covering.setdefault(visit.family_id, []).append(visit_day(visit))
    monday = week_start(day)
    planned: list[PlannedVisit] = []
    counts: list[tuple[Family, int]] = []
    for family in rows:
        slots = week_slots(plans.get(family.pk, []), spans.get(family.pk, []), monday)
        counts.append((family, len(slots)))
        days = [d for d in covering.get(family.pk, []) if week_start(d) == monday]
        planned.extend(PlannedVisit(family, s.day, s.at) for s in open_slots(slots, days))
    planned.sort(key=lambda p: (*Slot(p.day, p.at).sort_key(), p.family.display_name))
    return planned, counts


def not_seen_families(
    families: QuerySet[Family], now: datetime
) -> list[tuple[Family, date | None]]:
    """Active families of `families` (scoped by the caller) without a completed home visit
    for NOT_SEEN_DAYS days, with the day of their last one (None: never seen).

    A family whose current episode began less than NOT_SEEN_DAYS days ago is not listed:
    nobody can have failed to see it for two weeks yet. Once that time has passed, a family
    never seen is listed (last None). One query.
    """
    cutoff = now - timedelta(days=NOT_SEEN_DAYS)
    episode_start = Subquery(
        Enrollment.objects.filter(family=OuterRef("pk"), discharged_on__isnull=True)
        .order_by("-enrolled_on")
        .values("enrolled_on")[:1]
    )
    rows = (
        families.active()
        .annotate(
            episode_start=episode_start,
            # The family's latest completed home visit: one probe of the partial index
            # `completed_home_visits` per family (a MAX over a join read every visit).
            last=Subquery(
                Visit.objects.home_visits()
                .filter(family=OuterRef("pk"))
                .order_by("-started_at")
                .values("started_at")[:1]
            ),
        )
        .filter(episode_start__lte=timezone.localtime(cutoff).date())
        .filter(Q(last__isnull=True) | Q(last__lt=cutoff))
        .select_related("home_visitor")
        .order_by("last", "display_name", "pk")
    )
    return [(f, timezone.localtime(f.last).date() if f.last else None) for f in rows]


@dataclass
class MyWeek:
    monday: date
    scheduled: list[Visit]
    to_document: list[Visit]
    to_sign: list[Visit]
    not_seen: list[tuple[Family, date | None]]
    alerts: list[tuple[Family, Disengagement]] = field(default_factory=list)
    planned: list[PlannedVisit] = field(default_factory=list)  # open planned visits
    # Reflective supervision in the week before and the week shown (`supervision_weeks`):
    # filled by `my_week` only (My week and its API), not by the home pages.
    supervision: list["SupervisionWeek"] = field(default_factory=list)

    def family_ids(self) -> list[int]:
        """Every family the week names (for the read event)."""
        return sorted(
            {v.family_id for v in self.scheduled + self.to_document + self.to_sign}
            | {f.pk for f, _ in self.not_seen}
            | {f.pk for f, _ in self.alerts}
            | {p.family.pk for p in self.planned}
        )

    def visit_ids(self) -> list[int]:
        return sorted({v.pk for v in self.scheduled + self.to_document + self.to_sign})


def _require(user: User, capability: str, view: str) -> None:
    if not user.can(capability):
        record(
            action="visit.list",
            outcome=Outcome.DENIED,
            object_type="visit",
            details={"view": view, "reason": f"missing capability {capability}"},
        )
        raise PermissionDenied


def build_my_week(user: User, day: date) -> MyWeek:
    """The home visitor's week, unaudited (the caller writes its one event): visits in it,
    the planned visits still open, notes to write or sign, families not seen, and
    disengagement alerts. Only visits and families still in `user`'s scope. A bounded
    number of queries whatever the caseload."""
    from imhhv.visits.fidelity import disengaged_families

    start, end = week_bounds(day)
    now = timezone.now()
    mine = my_visits(user).select_related("family")
    scheduled = list(
        mine.filter(scheduled_at__gte=start, scheduled_at__lt=end).order_by("scheduled_at")
    )
    to_document = list(
        mine.filter(outcome=Visit.Outcome.SCHEDULED, scheduled_at__lt=now).order_by("scheduled_at")
    )
    to_sign = list(
        mine.exclude(outcome=Visit.Outcome.SCHEDULED)
        .filter(signed_at__isnull=True)
        .order_by("scheduled_at")
    )
    caseload = my_caseload(user).active()
    # Coverage counts any visit of the caseload's families in the week, also one another
    # home visitor made (a family just transferred, a colleague covering).
    recorded = list(
        week_visits(visits_visible_to(user), day).filter(
            family_id__in=caseload.order_by().values("pk")
        )
    )
    planned, _ = planned_visits(caseload, day, recorded)
    not_seen = not_seen_families(my_caseload(user), now)
    alerts = disengaged_families(user, today=timezone.localdate())
    return MyWeek(week_start(day), scheduled, to_document, to_sign, not_seen, alerts, planned)


@dataclass(frozen=True)
class SupervisionWeek:
    """Reflective supervision in one week of My week (weekly for every home visitor,
    DOMAIN §2): the days with a session, whether every working day of the week was on
    leave (weeks whose working days are all on leave), and whether the week is over (else
    it counts "so far"). `when` names it as the page says it: "last week", "this week
    so far", "the week of 23 Nov 2026"."""

    monday: date
    session_days: tuple[date, ...]
    on_leave: bool
    over: bool
    when: str

    @property
    def missed(self) -> bool:
        """No session recorded (yet) and not on leave: what My week points out."""
        return not self.session_days and not self.on_leave


def supervision_weeks(user: User, monday: date, today: date) -> list[SupervisionWeek]:
    """The home visitor's own reflective supervision in the week before `monday` and in
    `monday`'s week, leaving out a week that has not started by `today`. Only the user's
    own sessions and leave (from workforce through `visits.hooks.own_supervision`); nothing for
    a role other than home visitor."""
    membership = user.membership
    if membership is None or membership.role != Role.HOME_VISITOR:
        return []
    weeks = [m for m in (monday - timedelta(weeks=1), monday) if m <= today]
    if not weeks:
        return []
    first, last = weeks[0], weeks[-1] + timedelta(days=6)
    days, leave = hooks.own_supervision(user, first, last)  # no session is ever in the future
    this_monday = week_start(today)
    out = []
    for m in weeks:
        if m == this_monday:
            when = "this week so far"
        elif m == this_monday - timedelta(weeks=1):
            when = "last week"
        else:
            when = f"the week of {m.day} {m:%b %Y}"
        out.append(
            SupervisionWeek(
                monday=m,
                session_days=tuple(sorted(d for d in days if m <= d <= m + timedelta(days=6))),
                on_leave=m in leave,
                over=m + timedelta(days=6) < today,
                when=when,
            )
        )
    return out


def my_week(user: User, day: date) -> MyWeek:
    """The home visitor's week (`build_my_week`) for My week and its API, with their
    reflective supervision in it and the week before (`supervision_weeks`): one read
    event."""
    _require(user, "document_visits", "my week")
    summary = build_my_week(user, day)
    summary.supervision = supervision_weeks(user, summary.monday, timezone.localdate())
    record(
        action="visit.list",
        object_type="visit",
        details={
            "view": "my week",
            "week": summary.monday.isoformat(),
            "ids": summary.visit_ids(),
            "family_ids": summary.family_ids(),
        },
    )
    return summary


def visit_list(
    user: User,
    *,
    family_id: int | None = None,
    visitor_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    page: Callable[[QuerySet[Visit]], list[Visit]] = list,
    prefetch: Callable[[QuerySet[Visit]], QuerySet[Visit]] = lambda visits: visits,
    via: str = "",
) -> list[Visit]:
    """Visits in `user`'s scope, newest first, filtered; `page` cuts the page shown (the
    API's paginator) and the event names exactly the visits on it."""
    visits = visits_visible_to(user)
    if family_id is not None:
        visits = visits.filter(family_id=family_id)
    if visitor_id is not None:
        visits = visits.filter(visitor_id=visitor_id)
    if start is not None:
        visits = visits.filter(scheduled_at__date__gte=start)
    if end is not None:
        visits = visits.filter(scheduled_at__date__lte=end)
    shown = page(prefetch(visits).order_by("-scheduled_at", "-pk"))
    details = {"count": len(shown), "ids": [v.pk for v in shown]}
    if via:
        details["via"] = via
    record(action="visit.list", object_type="visit", details=details)
    return shown


def recent_visits(family: Family, limit: int = 10) -> list[Visit]:
    return list(
        family.visits.select_related("visitor")
        .prefetch_related("components")
        .order_by("-scheduled_at")[:limit]
    )


def documented_late(visit: Visit, today: date) -> bool:
    """Signed (or still unsigned today) more than the deadline's business days after it,
    holidays of the reference calendar not counting as business days."""
    from imhhv.core.visit_rules import is_late

    if visit.outcome == Visit.Outcome.SCHEDULED:
        return False
    day = timezone.localtime(visit.started_at or visit.scheduled_at).date()
    done = timezone.localtime(visit.signed_at).date() if visit.signed_at else today
    return is_late(
        day,
        done,
        business_days=settings.DOCUMENTATION_DEADLINE_BUSINESS_DAYS,
        holidays=holidays(day, max(day, done)),
    )


@dataclass
class TeamWeek:
    monday: date
    rows: list[tuple[User, list[Visit], int]]  # (home visitor, visits this week, notes to sign)
    # Per home visitor (user id): the visits their families' plans promise this week, how
    # many of those no recorded visit covers yet (listed in `planned`), and the completed
    # visits they made this week.
    planned_counts: dict[int, int] = field(default_factory=dict)
    planned: dict[int, list[PlannedVisit]] = field(default_factory=dict)
    done: dict[int, int] = field(default_factory=dict)

    def visit_ids(self) -> list[int]:
        return [v.pk for _, week_visits, _ in self.rows for v in week_visits]

    def family_ids(self) -> list[int]:
        return sorted(
            {v.family_id for _, week_visits, _ in self.rows for v in week_visits}
            | {p.family.pk for open_visits in self.planned.values() for p in open_visits}
        )

    def lines(self) -> list[tuple[User, list[Visit], int, int, int, list[PlannedVisit]]]:
        """(visitor, visits, notes to sign, planned, done, open planned) per row, for pages."""
        return [
            (
                person,
                visits,
                unsigned,
                self.planned_counts.get(person.pk, 0),
                self.done.get(person.pk, 0),
                self.planned.get(person.pk, []),
            )
            for person, visits, unsigned in self.rows
        ]


def team_families(user: User, visitor_ids: list[int]) -> QuerySet[Family]:
    """The active families `user` may see that these home visitors carry today."""
    return families_visible_to(user).active().filter(home_visitor_id__in=visitor_ids)


def build_team_week(user: User, day: date) -> TeamWeek:
    """Each home visitor the supervisor sees: their visits this week, the planned visits
    of their families still open, and unsigned notes. Unaudited (the caller writes its
    event). A bounded number of queries whatever the team's size.

    Visits come from `visits_visible_to(user)`: a home visitor who joined the team from
    another agency brings none of that agency's families along.
    """
    start, end = week_bounds(day)
    memberships: list[Membership] = list(
        visitors_visible_to(user).order_by("user__last_name", "user_id")
    )
    ids = [m.user_id for m in memberships]
    scoped = visits_visible_to(user).filter(visitor_id__in=ids)
    visits = (
        scoped.filter(scheduled_at__gte=start, scheduled_at__lt=end)
        .select_related("family")
        .order_by("scheduled_at")
    )
    by_visitor: dict[int, list[Visit]] = {i: [] for i in ids}
    for visit in visits:
        by_visitor[visit.visitor_id].append(visit)
    unsigned = dict(
        scoped.filter(signed_at__isnull=True)
        .exclude(outcome=Visit.Outcome.SCHEDULED)
        .values_list("visitor_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    families = team_families(user, ids)
    # The team's own visits of the week cover its families' planned visits.
    recorded = [v for week in by_visitor.values() for v in week]
    open_visits, counts = planned_visits(families, day, recorded)
    planned: dict[int, list[PlannedVisit]] = {}
    for visit in open_visits:
        planned.setdefault(visit.family.home_visitor_id, []).append(visit)
    planned_counts: dict[int, int] = {}
    for family, n in counts:
        planned_counts[family.home_visitor_id] = planned_counts.get(family.home_visitor_id, 0) + n
    done: dict[int, int] = {}
    for visit in recorded:
        if visit.outcome == Visit.Outcome.COMPLETED and visit.visitor_id in by_visitor:
            done[visit.visitor_id] = done.get(visit.visitor_id, 0) + 1
    return TeamWeek(
        week_start(day),
        [(m.user, by_visitor[m.user_id], unsigned.get(m.user_id, 0)) for m in memberships],
        planned_counts,
        planned,
        done,
    )


def team_week(user: User, day: date) -> TeamWeek:
    """The Team week page and its API (`build_team_week`): one read event."""
    _require(user, "supervise", "team week")
    summary = build_team_week(user, day)
    record(
        action="visit.list",
        object_type="visit",
        details={
            "view": "team week",
            "week": summary.monday.isoformat(),
            "ids": summary.visit_ids(),
            "family_ids": summary.family_ids(),
        },
    )
    return summary


def team_alerts(user: User, families: QuerySet[Family]) -> list[tuple[Family, Disengagement]]:
    """Disengagement alerts of `families` (scoped by the caller, e.g. `team_families`):
    no completed home visit for 3 weeks or more, longest first, each with its family (named,
    never "family 23"). From this week's facts rows: two queries."""
    from imhhv.visits.fidelity import _alerts
    from imhhv.visits.models import FamilyWeekFacts

    rows = fidelity_facts(user, FamilyWeekFacts).filter(
        family_id__in=families.order_by().values("pk")
    )
    found = [
        a
        for alerts in _alerts(rows, "agency_id", timezone.localdate(), visitor_chain=False).values()
        for a in alerts
    ]
    found.sort(key=lambda a: (-a.weeks_without_visit, a.family_id))
    named = families.select_related("home_visitor").in_bulk([a.family_id for a in found])
    return [(named[a.family_id], a) for a in found if a.family_id in named]


NOTES_SHOWN = 20


def notes_waiting(user: User, visitor_ids: list[int], *, limit: int = NOTES_SHOWN) -> list[Visit]:
    """Documented visits of these home visitors (in `user`'s scope) whose note is not signed
    yet, oldest first, at most `limit` (the counts per visitor are in `build_team_week`)."""
    return list(
        visits_visible_to(user)
        .filter(visitor_id__in=visitor_ids, signed_at__isnull=True)
        .exclude(outcome=Visit.Outcome.SCHEDULED)
        .select_related("family", "visitor")
        .order_by("scheduled_at", "pk")[:limit]
    )
