"""Fidelity for real units: read the facts from the database, let imhhv.core.fidelity count.

Units and what belongs to them:

- a home visitor: the visits they made, and the weeks each family was both enrolled and
  assigned to them (so a transferred family counts for each visitor for their own weeks);
- a team: the union of its home visitors' facts;
- an agency or the state: every family's visits and enrollment weeks.

Facts are read in a bounded number of queries per call, whatever the number of units:
`summaries_by_visitor` and `summaries_by_group` read once and split in memory.

`fidelity_report(user, level=..., unit_id=..., period=...)` is the one use case: the
fidelity pages and `GET /api/v1/fidelity/` call it and only render what it returns, so
they agree by construction (which units, which capability, which period limit). It
writes its read event (or its denial) itself. Facts are counted over
`fidelity_families(user)`; families are named only from `families_visible_to(user)`.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from imhhv.accounts.models import Membership, User
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core.calendar import week_start
from imhhv.core.fidelity import (
    EnrollmentSpan,
    FidelitySummary,
    VisitFact,
    WeekCoverage,
    coverage_by_week,
    public_figures,
    public_trend,
    summarize,
)
from imhhv.core.roles import Role
from imhhv.families.access import families_visible_to
from imhhv.families.models import Family
from imhhv.visits.access import (
    FIDELITY_LEVELS,
    FidelityUnit,
    fidelity_families,
    fidelity_units_visible_to,
    my_caseload,
)
from imhhv.visits.facts import Facts, read_facts


def spans_of_visitor(facts: Facts, visitor_id: int) -> list[EnrollmentSpan]:
    """Enrollment spans cut to the periods the family was assigned to this visitor."""
    spans = []
    by_family: dict[int, list[EnrollmentSpan]] = defaultdict(list)
    for span in facts.enrollments:
        by_family[span.family_id].append(span)
    for family_id, visitor, a_start, a_end in facts.assignments:
        if visitor != visitor_id:
            continue
        for span in by_family.get(family_id, ()):
            lo = max(span.start, a_start)
            ends = [d for d in (span.end, a_end) if d is not None]
            hi = min(ends) if ends else None
            if hi is None or hi >= lo:
                spans.append(EnrollmentSpan(family_id, lo, hi, span.paused))
    return spans


def _summary(
    visits: Iterable[VisitFact],
    spans: list[EnrollmentSpan],
    start: date,
    end: date,
    today: date,
    facts: "Facts",
) -> FidelitySummary:
    return summarize(
        visits,
        spans,
        start,
        end,
        today=today,
        late_after_business_days=settings.DOCUMENTATION_DEADLINE_BUSINESS_DAYS,
        holidays=facts.holidays,
        plans=facts.plans,
    )


def summaries_by_visitor(
    facts: Facts, visitor_ids: Iterable[int], start: date, end: date, *, today: date
) -> dict[int, FidelitySummary]:
    by_visitor: dict[int, list[VisitFact]] = defaultdict(list)
    for fact in facts.visits:
        by_visitor[fact.visitor_id].append(fact)
    return {
        v: _summary(by_visitor.get(v, []), spans_of_visitor(facts, v), start, end, today, facts)
        for v in visitor_ids
    }


def summaries_by_group(
    facts: Facts, group_of_visitor: dict[int, int], start: date, end: date, *, today: date
) -> dict[int, FidelitySummary]:
    """One summary per group (a team) of home visitors."""
    visits: dict[int, list[VisitFact]] = defaultdict(list)
    spans: dict[int, list[EnrollmentSpan]] = defaultdict(list)
    for fact in facts.visits:
        if fact.visitor_id in group_of_visitor:
            visits[group_of_visitor[fact.visitor_id]].append(fact)
    for visitor, group in group_of_visitor.items():
        spans[group].extend(spans_of_visitor(facts, visitor))
    return {
        g: _summary(visits.get(g, []), spans.get(g, []), start, end, today, facts)
        for g in set(group_of_visitor.values())
    }


def summaries_by_family_group(
    facts: Facts,
    group_of_family: Callable[[int], int | None],
    start: date,
    end: date,
    *,
    today: date,
) -> dict[int, FidelitySummary]:
    """One summary per group of families (an agency), from enrollments, not assignments."""
    visits: dict[int, list[VisitFact]] = defaultdict(list)
    spans: dict[int, list[EnrollmentSpan]] = defaultdict(list)
    for fact in facts.visits:
        group = group_of_family(fact.family_id)
        if group is not None:
            visits[group].append(fact)
    for span in facts.enrollments:
        group = group_of_family(span.family_id)
        if group is not None:
            spans[group].append(span)
    return {g: _summary(visits[g], spans[g], start, end, today, facts) for g in spans}


def summary_of_families(facts: Facts, start: date, end: date, *, today: date) -> FidelitySummary:
    return _summary(facts.visits, facts.enrollments, start, end, today, facts)


def weekly_trend(facts: Facts, start: date, end: date, *, visitor_id: int | None = None):
    if visitor_id is None:
        return coverage_by_week(facts.visits, facts.enrollments, start, end, facts.plans)
    visits = [f for f in facts.visits if f.visitor_id == visitor_id]
    return coverage_by_week(visits, spans_of_visitor(facts, visitor_id), start, end, facts.plans)


def summaries_trend(facts: Facts, start: date, end: date, *, visitor_ids: Iterable[int]):
    """Weekly coverage over several home visitors together (a team)."""
    ids = set(visitor_ids)
    visits = [f for f in facts.visits if f.visitor_id in ids]
    spans = [s for v in ids for s in spans_of_visitor(facts, v)]
    return coverage_by_week(visits, spans, start, end, facts.plans)


def family_rows(
    facts: Facts, visitor_id: int, start: date, end: date, *, today: date
) -> dict[int, FidelitySummary]:
    """One summary per family for the weeks it was with this home visitor."""
    spans: dict[int, list[EnrollmentSpan]] = defaultdict(list)
    for span in spans_of_visitor(facts, visitor_id):
        spans[span.family_id].append(span)
    visits: dict[int, list[VisitFact]] = defaultdict(list)
    for fact in facts.visits:
        if fact.visitor_id == visitor_id:
            visits[fact.family_id].append(fact)
    return {
        fid: _summary(visits.get(fid, []), family_spans, start, end, today, facts)
        for fid, family_spans in spans.items()
    }


def disengaged_families(
    user, *, today: date, threshold_weeks: int = 3
) -> list[tuple[Family, object]]:
    """The home visitor's own families (in their scope) without a completed home visit
    for `threshold_weeks` weeks: the alerts on My week."""
    from imhhv.core.calendar import week_start
    from imhhv.core.fidelity import missed_streaks

    families = my_caseload(user).active()
    start = week_start(today) - timedelta(weeks=threshold_weeks + 1)
    facts = read_facts(families, start, today, with_holidays=False)
    streaks = missed_streaks(
        facts.visits, spans_of_visitor(facts, user.pk), today, threshold_weeks=threshold_weeks
    )
    names = {f.pk: f for f in families}
    return [(names[s.family_id], s) for s in streaks if s.family_id in names]


# --- the period -----------------------------------------------------------------------

DEFAULT_WEEKS = 12
# Two years including a leap day: [1 Jan 2024, 31 Dec 2025] is 730 days apart; a period
# may be up to 731 days apart (732 days long). The one limit for pages and API.
MAX_PERIOD_DAYS = 731


@dataclass(frozen=True)
class Period:
    start: date
    end: date


def default_period(today: date) -> Period:
    """The last 12 weeks: from the Monday 11 weeks before this week's, to today."""
    return Period(week_start(today) - timedelta(weeks=DEFAULT_WEEKS - 1), today)


def period_from(start: date | None, end: date | None, *, today: date) -> Period:
    """The period the person asked for, defaults filled in; ValidationError (keyed by the
    field at fault) if it ends before it starts or is longer than two years."""
    end = end or today
    start = start or week_start(end) - timedelta(weeks=DEFAULT_WEEKS - 1)
    if start > end:
        raise ValidationError({"end": ["The end must be on or after the start."]})
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationError({"start": ["A period is at most two years."]})
    return Period(start, end)


def parse_period(params, *, today: date) -> Period:
    """`?start=&end=` (YYYY-MM-DD, both optional) as a Period; ValidationError if bad."""
    values: dict[str, date | None] = {}
    for name in ("start", "end"):
        raw = (params.get(name) or "").strip()
        try:
            values[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            raise ValidationError({name: ["Enter a date as YYYY-MM-DD."]}) from None
    return period_from(values["start"], values["end"], today=today)


# --- the report -----------------------------------------------------------------------


@dataclass
class FidelityRow:
    unit: FidelityUnit  # a part of the report's unit, or one unit of the level
    # None: no data in the period. Outside an agency, the suppressed figures (a dict of
    # the same shape, `imhhv.core.fidelity.public`) instead of the summary.
    summary: FidelitySummary | dict | None


@dataclass
class FidelityReport:
    """What a fidelity page or the API shows.

    With a `unit`: its `total`, its parts in `rows` (a home visitor's families, a team's
    home visitors, an agency's teams, the state's agencies) and its weekly `trend`.
    Without: one row per unit of `level` the person may see (the API's list).
    `identifiable` is False for figures shown outside an agency (no family ids).
    """

    level: str
    period: Period
    unit: FidelityUnit | None
    total: FidelitySummary | dict | None
    rows: list[FidelityRow]
    trend: list[WeekCoverage] | list[dict] = field(default_factory=list)
    identifiable: bool = True


def _deny(level: str, unit_id, reason: str, *, not_found: bool) -> None:
    record(
        action="fidelity.read",
        outcome=Outcome.DENIED,
        object_type=level,
        object_id=unit_id if unit_id is not None else "",
        details={"reason": reason},
    )
    if not_found:
        raise Http404("No such unit.")
    raise PermissionDenied(f"Your role cannot see fidelity at the {level} level.")


def _team_members(team_ids: Iterable[int]) -> list[Membership]:
    """Active home visitors of these teams (staff, not people served)."""
    return list(
        Membership.objects.active()
        .filter(role=Role.HOME_VISITOR, team_id__in=list(team_ids))
        .select_related("user")
        .order_by("user__last_name", "user_id")
    )


def fidelity_report(
    user: User, *, level: str, unit_id: int | None = None, period: Period
) -> FidelityReport:
    """The fidelity of one unit (`unit_id`) or of every unit of `level` `user` may see.

    A level with no visible unit is a 403; a unit outside them a 404, like a missing one
    (both audited). One `fidelity.read` event per call, naming the families whose rows
    were shown.
    """
    if level not in FIDELITY_LEVELS:
        raise ValidationError({"level": [f"Choose one of {', '.join(FIDELITY_LEVELS)}."]})
    units = fidelity_units_visible_to(user, level)
    if not units:
        _deny(level, unit_id, "level not visible to this role", not_found=False)
    if unit_id is not None:
        chosen = [u for u in units if u.id == unit_id]
        if not chosen:
            _deny(level, unit_id, "not found or out of scope", not_found=True)
        units = chosen
    today = timezone.localdate()
    start, end = period.start, period.end
    identifiable = not user.can("view_state_reports")
    counted = fidelity_families(user)
    unit = units[0] if unit_id is not None else None
    named_families: list[int] = []

    if level == "visitor":
        ids = [u.id for u in units]
        facts = read_facts(counted.filter(assignments__home_visitor__in=ids).distinct(), start, end)
        by_visitor = summaries_by_visitor(facts, ids, start, end, today=today)
        if unit is None:
            rows = [FidelityRow(u, by_visitor[u.id]) for u in units]
            total, trend = None, []
        else:
            per_family = family_rows(facts, unit.id, start, end, today=today)
            # Names only for families the viewer may see today: a family transferred
            # away or left behind at another agency still counts, but is not listed.
            visible = dict(
                families_visible_to(user)
                .filter(pk__in=list(per_family))
                .values_list("pk", "display_name")
            )
            rows = [
                FidelityRow(FidelityUnit("family", fid, visible[fid], unit.agency_id), summary)
                for fid, summary in sorted(
                    per_family.items(), key=lambda kv: visible.get(kv[0], "")
                )
                if fid in visible
            ]
            named_families = sorted(visible)
            total = by_visitor[unit.id]
            trend = weekly_trend(facts, start, end, visitor_id=unit.id)
    elif level == "team":
        # The teams are visible to the user, so are their home visitors
        # (`visitors_visible_to` is the same set).
        members = _team_members(u.id for u in units)
        ids = [m.user_id for m in members]
        facts = read_facts(counted.filter(assignments__home_visitor__in=ids).distinct(), start, end)
        by_team = summaries_by_group(
            facts, {m.user_id: m.team_id for m in members}, start, end, today=today
        )
        if unit is None:
            rows = [FidelityRow(u, by_team.get(u.id)) for u in units]
            total, trend = None, []
        else:
            by_visitor = summaries_by_visitor(facts, ids, start, end, today=today)
            rows = [
                FidelityRow(
                    FidelityUnit("visitor", m.user_id, m.user.display_name(), unit.agency_id),
                    by_visitor[m.user_id],
                )
                for m in members
            ]
            total = by_team.get(unit.id)
            trend = summaries_trend(facts, start, end, visitor_ids=ids)
    elif level == "agency":
        families = counted.filter(agency_id__in=[u.id for u in units])
        if unit is None:
            facts = read_facts(families, start, end)
            by_agency = summaries_by_family_group(
                facts, facts.agency_of.get, start, end, today=today
            )
            rows = [FidelityRow(u, by_agency.get(u.id)) for u in units]
            total, trend = None, []
        else:
            facts = read_facts(families, start, end)
            from imhhv.agencies.models import Team

            teams = list(Team.objects.filter(agency_id=unit.id).order_by("name", "pk"))
            members = _team_members(t.pk for t in teams)
            by_team = summaries_by_group(
                facts, {m.user_id: m.team_id for m in members}, start, end, today=today
            )
            rows = [
                FidelityRow(FidelityUnit("team", t.pk, t.name, unit.id), by_team.get(t.pk))
                for t in teams
            ]
            total = summary_of_families(facts, start, end, today=today)
            trend = weekly_trend(facts, start, end)
    else:
        from imhhv.agencies.models import Agency

        agencies = list(Agency.objects.filter(state_id__in=[u.id for u in units]).order_by("name"))
        families = counted.filter(agency__in=agencies)
        facts = read_facts(families, start, end)
        by_agency = summaries_by_family_group(facts, facts.agency_of.get, start, end, today=today)
        rows = [
            FidelityRow(FidelityUnit("agency", a.pk, a.name, a.pk), by_agency.get(a.pk))
            for a in agencies
        ]
        unit = unit or units[0]
        total = summary_of_families(facts, start, end, today=today)
        trend = weekly_trend(facts, start, end)

    if not identifiable and level in ("agency", "state"):
        # Shown outside an agency: every count and rate through the one suppression rule.
        figures, total = public_figures([r.summary for r in rows], total)
        for row, shown in zip(rows, figures, strict=True):
            row.summary = shown
        trend = public_trend(trend)
    else:
        # Families named or listed by id (disengagement alerts) are named in the event.
        shown = [total, *(r.summary for r in rows)]
        named_families = sorted(
            set(named_families)
            | {d.family_id for s in shown if s is not None for d in s.disengaged}
        )
    details = {"start": start.isoformat(), "end": end.isoformat(), "units": len(rows)}
    if named_families:
        details["family_ids"] = named_families
    record(
        action="fidelity.read",
        object_type=level,
        object_id=unit.id if unit is not None and unit_id is not None else "",
        details=details,
    )
    return FidelityReport(level, period, unit, total, rows, trend, identifiable)
