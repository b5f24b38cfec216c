"""Who may deliver the model: qualification rules for home visitors and supervisors.

Pure rules (issue 10, part 2; DOMAIN.md §2 "Staffing"). The app `imhhv.workforce` turns
its rows into the plain facts below and shows the `Requirement` results; nothing here
reads a database or the clock: `today` is always passed in.

Thresholds are policy data (`WorkforcePolicy`, versioned), never constants in the rules.
Decisions, with where DOMAIN.md and the issue differ (DOMAIN.md wins):

- Continuing education: DOMAIN.md says 24 hours a year *related to children's mental
  health*, so only the categories in `ce_categories` count (children's mental health,
  relationship-based infant mental health, reflective supervision/consultation); "other"
  does not. The issue says "24 hours per fiscal year" without the restriction.
- The 15 relationship-based hours a year are marked "(verify)" in DOMAIN.md: they are
  policy data here, counted per endorsement year (from the anniversary of the
  endorsement date; the fiscal year for staff not yet endorsed).
- Supervisors: DOMAIN.md adds psychotherapy coursework to master's + license, so it is a
  requirement (the facts carry it as a yes/no/unknown).
- Degree: a master's or doctorate. DOMAIN.md's "social work, psychology or related" field
  cannot be judged by a rule ("related"), so the field is shown, not checked.
- Pace: a yearly target is met on a straight line from the start of the period (or the
  start in role, when later, with the target prorated to the days in role); an hour
  count exactly on the line is on pace (met); behind it is due soon; a period that has
  ended short is not met.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from imhhv.core.calendar import week_start

HOME_VISITOR = "home_visitor"
SUPERVISOR = "supervisor"
ROLES = (HOME_VISITOR, SUPERVISOR)

MET, DUE_SOON, NOT_MET = "met", "due_soon", "not_met"
STATUSES = (MET, DUE_SOON, NOT_MET)
_RANK = {NOT_MET: 0, DUE_SOON: 1, MET: 2}

# Endorsement categories in order (MI-AIMH; formerly Levels I–IV).
INFANT_FAMILY_ASSOCIATE = "infant_family_associate"
INFANT_FAMILY_SPECIALIST = "infant_family_specialist"
IMH_SPECIALIST = "imh_specialist"
IMH_MENTOR = "imh_mentor"
CATEGORY_ORDER = (INFANT_FAMILY_ASSOCIATE, INFANT_FAMILY_SPECIALIST, IMH_SPECIALIST, IMH_MENTOR)
CATEGORY_LABELS = {
    INFANT_FAMILY_ASSOCIATE: "Infant Family Associate",
    INFANT_FAMILY_SPECIALIST: "Infant Family Specialist",
    IMH_SPECIALIST: "Infant Mental Health Specialist",
    IMH_MENTOR: "Infant Mental Health Mentor",
}
NOT_STARTED, REGISTERED, ENDORSED, LAPSED = "not_started", "registered", "endorsed", "lapsed"

# Training ledger categories.
CHILDREN_MENTAL_HEALTH = "children_mental_health"
RELATIONSHIP_BASED = "relationship_based"
REFLECTIVE_SUPERVISION = "reflective_supervision"
OTHER = "other"
TRAINING_CATEGORIES = (CHILDREN_MENTAL_HEALTH, RELATIONSHIP_BASED, REFLECTIVE_SUPERVISION, OTHER)

GRADUATE_LEVELS = frozenset({"master", "doctorate"})

# Requirement names (stable keys for pages, API and reports).
DEGREE = "degree"
LICENSE = "license"
COURSEWORK = "psychotherapy_coursework"
ENDORSEMENT = "endorsement"
SELF_ASSESSMENT = "self_assessment"
COLLABORATIVE = "learning_collaborative"
CONTINUING_EDUCATION = "continuing_education"
RELATIONSHIP_HOURS = "relationship_based_hours"
SUPERVISION_HOURS = "reflective_supervision_hours"
STATUS_LABELS = {MET: "Met", DUE_SOON: "Due soon", NOT_MET: "Not met"}
REQUIREMENT_ORDER = (
    DEGREE,
    LICENSE,
    COURSEWORK,
    ENDORSEMENT,
    SELF_ASSESSMENT,
    COLLABORATIVE,
    CONTINUING_EDUCATION,
    RELATIONSHIP_HOURS,
    SUPERVISION_HOURS,
)
REQUIREMENT_LABELS = {
    DEGREE: "Master's degree",
    LICENSE: "License",
    COURSEWORK: "Psychotherapy coursework",
    ENDORSEMENT: "Endorsement or waiver",
    SELF_ASSESSMENT: "Self-assessment discussed",
    COLLABORATIVE: "Learning collaborative",
    CONTINUING_EDUCATION: "Continuing education (24 h per fiscal year)",
    RELATIONSHIP_HOURS: "Relationship-based training (15 h per endorsement year)",
    SUPERVISION_HOURS: "Reflective supervision hours toward endorsement",
}

MAX_HOURS_PER_ENTRY = 24


@dataclass(frozen=True)
class WorkforcePolicy:
    """The thresholds, as data. A new version is a new instance with a new `version`."""

    version: str = "2026-12"
    ce_hours_per_fiscal_year: int = 24
    ce_categories: frozenset[str] = frozenset(
        {CHILDREN_MENTAL_HEALTH, RELATIONSHIP_BASED, REFLECTIVE_SUPERVISION}
    )
    relationship_hours_per_endorsement_year: int = 15
    # Reflective supervision hours toward an endorsement, within a window from registration.
    supervision_hours_toward: tuple[tuple[str, int], ...] = (
        (INFANT_FAMILY_SPECIALIST, 24),
        (IMH_SPECIALIST, 50),
    )
    supervision_window_days: int = 730  # "within 1–2 years": the 2-year end
    license_due_soon_days: int = 60
    collaborative_within_days: int = 365  # the first year in role
    minimum_endorsement: str = INFANT_FAMILY_SPECIALIST
    preferred_endorsement: str = IMH_SPECIALIST
    supervisor_endorsement: str = IMH_SPECIALIST
    # "Supervised weekly" on the fidelity pages (DOMAIN §4): the least share of a period's
    # full weeks (weeks on leave left out) with a reflective supervision session. 9 in 10
    # lets one missed week in ten pass (a holiday week, a cancelled session), so a
    # 12-week period needs 11 of 12 weeks and a 10-week one 9 of 10.
    supervised_weekly_target: Fraction = Fraction(9, 10)


DEFAULT_POLICY = WorkforcePolicy()


# ---------------------------------------------------------------- fiscal year


def fiscal_year(day: date) -> int:
    """The state fiscal year of `day`: October–September, named by the year it ends in.

    FY2027 runs from 1 October 2026 to 30 September 2027.
    """
    return day.year + 1 if day.month >= 10 else day.year


def fiscal_year_start(fy: int) -> date:
    return date(fy - 1, 10, 1)


def fiscal_year_end(fy: int) -> date:
    return date(fy, 9, 30)


# ---------------------------------------------------------------- facts


@dataclass(frozen=True)
class Degree:
    level: str  # "bachelor", "master", "doctorate", …
    field: str = ""
    institution: str = ""
    year: int | None = None


@dataclass(frozen=True)
class License:
    type: str  # LMSW, LLMSW, LPC, LLPC, LP, LLP, LMFT, other
    issued_on: date
    expires_on: date
    number: str = ""
    state: str = "MI"


@dataclass(frozen=True)
class Endorsement:
    category: str
    status: str  # not_started, registered, endorsed, lapsed
    registered_on: date | None = None
    endorsed_on: date | None = None


@dataclass(frozen=True)
class Waiver:
    fiscal_year: int
    requested_on: date
    approved_on: date | None = None


@dataclass(frozen=True)
class SelfAssessment:
    completed_on: date | None = None
    discussed_on: date | None = None


@dataclass(frozen=True)
class Collaborative:
    start: date
    end: date | None = None
    completed_on: date | None = None


@dataclass(frozen=True)
class TrainingEntry:
    day: date
    hours: Decimal | int | float
    category: str


@dataclass(frozen=True)
class SupervisionSession:
    day: date
    hours: Decimal | int | float


@dataclass(frozen=True)
class StaffFacts:
    role: str
    role_started_on: date
    first_family_on: date | None = None
    degrees: Sequence[Degree] = ()
    licenses: Sequence[License] = ()
    endorsements: Sequence[Endorsement] = ()
    waivers: Sequence[Waiver] = ()
    self_assessment: SelfAssessment | None = None
    collaboratives: Sequence[Collaborative] = ()
    training: Sequence[TrainingEntry] = ()
    supervision: Sequence[SupervisionSession] = ()
    psychotherapy_coursework: bool | None = None  # None: not recorded


@dataclass(frozen=True)
class Requirement:
    name: str
    status: str
    reason: str
    next_due: date | None = None


# ---------------------------------------------------------------- validation


def check_license_dates(issued_on: date, expires_on: date) -> None:
    """A license cannot expire before it was issued."""
    if expires_on < issued_on:
        raise ValueError("The expiry date cannot be before the issue date.")


def check_training_hours(hours: Decimal | int | float) -> None:
    """Hours in one training entry: not negative, at most 24 (one day)."""
    if hours < 0:
        raise ValueError("Training hours cannot be negative.")
    if hours > MAX_HOURS_PER_ENTRY:
        raise ValueError("One training entry cannot have more than 24 hours.")


def check_waiver_year(fy: int, waivers: Iterable[Waiver]) -> None:
    """One waiver per staff member per fiscal year."""
    if any(w.fiscal_year == fy for w in waivers):
        raise ValueError(f"A waiver for FY{fy} is already recorded.")


# ---------------------------------------------------------------- helpers


def needs_no_waiver(
    endorsements: Iterable[Endorsement], on: date, policy: WorkforcePolicy | None = None
) -> bool:
    """Whether the person holds at least the minimum endorsement on `on` (so a waiver
    for that fiscal year would be refused)."""
    policy = policy or DEFAULT_POLICY
    facts = StaffFacts(role=HOME_VISITOR, role_started_on=on, endorsements=tuple(endorsements))
    held = _held(facts, on)
    return held is not None and _rank(held.category) >= _rank(policy.minimum_endorsement)


def _rank(category: str) -> int:
    return CATEGORY_ORDER.index(category) if category in CATEGORY_ORDER else -1


def _held(facts: StaffFacts, today: date) -> Endorsement | None:
    """The highest endorsement held on `today` (status endorsed, not dated later)."""
    held = [
        e
        for e in facts.endorsements
        if e.status == ENDORSED and (e.endorsed_on is None or e.endorsed_on <= today)
    ]
    return max(held, key=lambda e: _rank(e.category), default=None)


def _approved_waiver(facts: StaffFacts, today: date) -> Waiver | None:
    fy = fiscal_year(today)
    for w in facts.waivers:
        if w.fiscal_year == fy and w.approved_on is not None and w.approved_on <= today:
            return w
    return None


def _fmt(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _hours(value: Fraction) -> str:
    rounded = round(float(value), 1)
    return f"{rounded:g}"


def pace_status(
    hours: Decimal | int | float | Fraction,
    target: int | Fraction,
    start: date,
    end: date,
    today: date,
) -> tuple[str, Fraction]:
    """(status, hours expected by today) for a yearly target on a straight line.

    The line runs from `start` (0 hours the day before) to `end` (the full target), so on
    day n of N the expected hours are target x n / N. At or above the line: met; below:
    due soon; `today` after `end` and short of the target: not met.
    """
    got, target = Fraction(hours), Fraction(target)
    if got >= target:
        return MET, target
    if today > end:
        return NOT_MET, target
    total = (end - start).days + 1
    elapsed = max(0, (today - start).days + 1)
    expected = target * elapsed / total
    return (MET if got >= expected else DUE_SOON), expected


def _sum(entries: Iterable[TrainingEntry | SupervisionSession]) -> Fraction:
    return sum((Fraction(e.hours) for e in entries), Fraction(0))


def _anniversary(anchor: date, year: int) -> date:
    try:
        return anchor.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28)


# ---------------------------------------------------------------- the rules


def degree_requirement(facts: StaffFacts) -> Requirement:
    graduate = [d for d in facts.degrees if d.level in GRADUATE_LEVELS]
    if graduate:
        d = graduate[0]
        what = f"{d.level.capitalize()}'s degree" if d.level == "master" else "Doctorate"
        field_text = f" in {d.field}" if d.field else ""
        return Requirement(DEGREE, MET, f"{what}{field_text} recorded.")
    return Requirement(DEGREE, NOT_MET, "No master's degree recorded.")


def license_requirement(facts: StaffFacts, today: date, policy: WorkforcePolicy) -> Requirement:
    """The license valid today with the latest expiry; due soon within the window."""
    valid = [lic for lic in facts.licenses if lic.issued_on <= today <= lic.expires_on]
    if not valid:
        expired = [lic for lic in facts.licenses if lic.expires_on < today]
        if expired:
            last = max(expired, key=lambda lic: lic.expires_on)
            return Requirement(
                LICENSE, NOT_MET, f"The {last.type} license expired on {_fmt(last.expires_on)}."
            )
        return Requirement(LICENSE, NOT_MET, "No valid license recorded.")
    best = max(valid, key=lambda lic: lic.expires_on)
    days = (best.expires_on - today).days
    if days <= policy.license_due_soon_days:
        return Requirement(
            LICENSE,
            DUE_SOON,
            f"The {best.type} license expires on {_fmt(best.expires_on)}, in {days} days.",
            best.expires_on,
        )
    return Requirement(
        LICENSE,
        MET,
        f"The {best.type} license is valid until {_fmt(best.expires_on)}.",
        best.expires_on,
    )


def coursework_requirement(facts: StaffFacts) -> Requirement:
    if facts.psychotherapy_coursework:
        return Requirement(COURSEWORK, MET, "Psychotherapy coursework recorded.")
    if facts.psychotherapy_coursework is None:
        return Requirement(COURSEWORK, NOT_MET, "Psychotherapy coursework is not recorded.")
    return Requirement(COURSEWORK, NOT_MET, "No psychotherapy coursework.")


def endorsement_requirement(facts: StaffFacts, today: date, policy: WorkforcePolicy) -> Requirement:
    """Home visitors: at least the minimum endorsement, or an approved waiver this FY."""
    held = _held(facts, today)
    minimum, preferred = policy.minimum_endorsement, policy.preferred_endorsement
    if held is not None and _rank(held.category) >= _rank(preferred):
        return Requirement(ENDORSEMENT, MET, f"Endorsed as {CATEGORY_LABELS[held.category]}.")
    if held is not None and _rank(held.category) >= _rank(minimum):
        return Requirement(
            ENDORSEMENT,
            MET,
            f"Endorsed as {CATEGORY_LABELS[held.category]}; "
            f"{CATEGORY_LABELS[preferred]} is preferred.",
        )
    fy = fiscal_year(today)
    waiver = _approved_waiver(facts, today)
    if waiver is not None:
        return Requirement(
            ENDORSEMENT,
            MET,
            f"Waiver approved for FY{fy} (until {_fmt(fiscal_year_end(fy))}); "
            f"not yet endorsed as {CATEGORY_LABELS[minimum]}.",
            fiscal_year_end(fy),
        )
    pending = any(w.fiscal_year == fy and w.approved_on is None for w in facts.waivers)
    if pending:
        reason = f"Not endorsed as {CATEGORY_LABELS[minimum]}; the FY{fy} waiver is not approved."
    else:
        reason = f"Not endorsed as {CATEGORY_LABELS[minimum]} and no waiver for FY{fy}."
    return Requirement(ENDORSEMENT, NOT_MET, reason)


def supervisor_endorsement_requirement(
    facts: StaffFacts, today: date, policy: WorkforcePolicy
) -> Requirement:
    """Supervisors: the IMH Specialist endorsement held, or registered toward it."""
    target = policy.supervisor_endorsement
    label = CATEGORY_LABELS[target]
    held = _held(facts, today)
    if held is not None and _rank(held.category) >= _rank(target):
        return Requirement(ENDORSEMENT, MET, f"Endorsed as {CATEGORY_LABELS[held.category]}.")
    working = [
        e
        for e in facts.endorsements
        if e.status == REGISTERED
        and _rank(e.category) >= _rank(target)
        and (e.registered_on is None or e.registered_on <= today)
    ]
    if working:
        return Requirement(ENDORSEMENT, MET, f"Working toward {label} (registered).")
    return Requirement(ENDORSEMENT, NOT_MET, f"Neither endorsed as nor working toward {label}.")


def self_assessment_requirement(facts: StaffFacts, today: date) -> Requirement:
    """Discussed with the supervisor before the first family is assigned (same day is before)."""
    assessment = facts.self_assessment
    discussed = assessment.discussed_on if assessment else None
    if discussed is not None and discussed > today:
        discussed = None
    first = facts.first_family_on
    if discussed is not None:
        if first is not None and first < discussed:
            return Requirement(
                SELF_ASSESSMENT,
                NOT_MET,
                f"A family was assigned on {_fmt(first)}, before the self-assessment was "
                f"discussed on {_fmt(discussed)}.",
            )
        return Requirement(SELF_ASSESSMENT, MET, f"Self-assessment discussed on {_fmt(discussed)}.")
    if first is not None:
        return Requirement(
            SELF_ASSESSMENT,
            NOT_MET,
            "Families are assigned but the self-assessment has not been discussed.",
        )
    return Requirement(
        SELF_ASSESSMENT,
        DUE_SOON,
        "Discuss the self-assessment with the supervisor before the first family.",
    )


def collaborative_requirement(
    facts: StaffFacts, today: date, policy: WorkforcePolicy
) -> Requirement:
    """In progress, or completed, within the first year in role.

    A cohort completed (any time, even before this role) meets it; one that started
    within the first year and has not ended is in progress; an ended cohort without
    completion counts for nothing.
    """
    first_year_end = facts.role_started_on + timedelta(days=policy.collaborative_within_days)
    done = [c for c in facts.collaboratives if c.completed_on and c.completed_on <= today]
    if done:
        when = max(c.completed_on for c in done if c.completed_on)
        late = " (after the first year in role)" if when > first_year_end else ""
        return Requirement(
            COLLABORATIVE, MET, f"Learning collaborative completed on {_fmt(when)}{late}."
        )
    running = [
        c
        for c in facts.collaboratives
        if c.start <= today and (c.end is None or today <= c.end) and c.start <= first_year_end
    ]
    if running:
        c = min(running, key=lambda c: c.start)
        return Requirement(
            COLLABORATIVE,
            MET,
            f"Learning collaborative in progress since {_fmt(c.start)}.",
            c.end,
        )
    if today <= first_year_end:
        return Requirement(
            COLLABORATIVE,
            DUE_SOON,
            f"Join a learning collaborative by {_fmt(first_year_end)}.",
            first_year_end,
        )
    return Requirement(
        COLLABORATIVE,
        NOT_MET,
        "No learning collaborative in progress or completed within the first year.",
    )


def _paced_requirement(
    name: str,
    what: str,
    got: Fraction,
    target: int,
    start: date,
    end: date,
    role_started_on: date,
    today: date,
) -> Requirement:
    """A yearly target over [start, end], prorated when the role started inside it."""
    begin = max(start, role_started_on)
    target_f = Fraction(target)
    if begin > start:  # prorated; nothing due in a period ending before the role starts
        days_in_role = max(0, (end - begin).days + 1)
        target_f = target_f * days_in_role / ((end - start).days + 1)
    status, expected = pace_status(got, target_f, begin, end, today)
    goal = _hours(target_f)
    if status == MET and got >= target_f:
        reason = f"{_hours(got)} of {goal} {what} hours done (by {_fmt(end)})."
    elif status == MET:
        reason = f"{_hours(got)} of {goal} {what} hours by {_fmt(end)}: on pace."
    elif status == DUE_SOON:
        reason = (
            f"{_hours(got)} of {goal} {what} hours by {_fmt(end)}: behind pace "
            f"({_hours(expected)} expected by today)."
        )
    else:
        reason = f"Only {_hours(got)} of {goal} {what} hours by {_fmt(end)}."
    return Requirement(name, status, reason, end)


def ce_requirement(facts: StaffFacts, today: date, policy: WorkforcePolicy) -> Requirement:
    """24 hours in the fiscal year of `today`, in the categories policy counts."""
    fy = fiscal_year(today)
    start, end = fiscal_year_start(fy), fiscal_year_end(fy)
    got = _sum(
        t
        for t in facts.training
        if start <= t.day <= min(end, today) and t.category in policy.ce_categories
    )
    return _paced_requirement(
        CONTINUING_EDUCATION,
        "continuing-education",
        got,
        policy.ce_hours_per_fiscal_year,
        start,
        end,
        facts.role_started_on,
        today,
    )


def endorsement_year(facts: StaffFacts, today: date) -> tuple[date, date]:
    """The endorsement year containing `today`: from the last anniversary of the
    endorsement date; the fiscal year when nothing is endorsed yet."""
    held = _held(facts, today)
    if held is None or held.endorsed_on is None:
        fy = fiscal_year(today)
        return fiscal_year_start(fy), fiscal_year_end(fy)
    start = _anniversary(held.endorsed_on, today.year)
    if start > today:
        start = _anniversary(held.endorsed_on, today.year - 1)
    return start, _anniversary(held.endorsed_on, start.year + 1) - timedelta(days=1)


def relationship_requirement(
    facts: StaffFacts, today: date, policy: WorkforcePolicy
) -> Requirement:
    start, end = endorsement_year(facts, today)
    got = _sum(
        t
        for t in facts.training
        if start <= t.day <= min(end, today) and t.category == RELATIONSHIP_BASED
    )
    return _paced_requirement(
        RELATIONSHIP_HOURS,
        "relationship-based",
        got,
        policy.relationship_hours_per_endorsement_year,
        start,
        end,
        facts.role_started_on,
        today,
    )


def supervision_hours_requirement(
    facts: StaffFacts, today: date, policy: WorkforcePolicy
) -> Requirement:
    """Reflective supervision hours toward the next endorsement, on a straight line over
    the window from registration (or, for someone not yet endorsed at the minimum, from
    the start in role when not registered). Someone endorsed at the minimum who has not
    registered toward the next category meets it: that category is preferred only."""
    held = _held(facts, today)
    rank = _rank(held.category) if held else -1
    targets = sorted(policy.supervision_hours_toward, key=lambda kv: _rank(kv[0]))
    nxt = next(((cat, hours) for cat, hours in targets if _rank(cat) > rank), None)
    if nxt is None:
        label = CATEGORY_LABELS[held.category] if held else "the highest category"
        return Requirement(SUPERVISION_HOURS, MET, f"Endorsed as {label}: no hours needed.")
    category, target = nxt
    registered = [
        e.registered_on
        for e in facts.endorsements
        if e.category == category and e.registered_on is not None and e.registered_on <= today
    ]
    if not registered and rank >= _rank(policy.minimum_endorsement):
        # Endorsed at the minimum and not working toward the next category (preferred,
        # not required): there is no window to be behind in.
        return Requirement(
            SUPERVISION_HOURS,
            MET,
            f"Endorsed as {CATEGORY_LABELS[held.category]}; hours toward "
            f"{CATEGORY_LABELS[category]} count once registered for it.",
        )
    start = min(registered) if registered else facts.role_started_on
    end = start + timedelta(days=policy.supervision_window_days - 1)
    got = _sum(s for s in facts.supervision if start <= s.day <= today)
    status, expected = pace_status(got, target, start, end, today)
    label = CATEGORY_LABELS[category]
    if status == MET and got >= target:
        reason = f"{_hours(got)} of {target} reflective supervision hours toward {label}."
    elif status == MET:
        reason = (
            f"{_hours(got)} of {target} reflective supervision hours toward {label} "
            f"by {_fmt(end)}: on pace."
        )
    elif status == DUE_SOON:
        reason = (
            f"{_hours(got)} of {target} reflective supervision hours toward {label} "
            f"by {_fmt(end)}: behind pace ({_hours(expected)} expected by today)."
        )
    else:
        reason = (
            f"Only {_hours(got)} of {target} reflective supervision hours toward {label} "
            f"by {_fmt(end)}."
        )
    return Requirement(SUPERVISION_HOURS, status, reason, end)


def requirements(
    facts: StaffFacts, today: date, policy: WorkforcePolicy = DEFAULT_POLICY
) -> list[Requirement]:
    """Every requirement for the person's role, in the order a profile shows them."""
    if facts.role not in ROLES:
        raise ValueError(f"Unknown role: {facts.role}.")
    if facts.role == SUPERVISOR:
        return [
            degree_requirement(facts),
            license_requirement(facts, today, policy),
            coursework_requirement(facts),
            supervisor_endorsement_requirement(facts, today, policy),
            ce_requirement(facts, today, policy),
            relationship_requirement(facts, today, policy),
        ]
    return [
        degree_requirement(facts),
        license_requirement(facts, today, policy),
        endorsement_requirement(facts, today, policy),
        self_assessment_requirement(facts, today),
        collaborative_requirement(facts, today, policy),
        ce_requirement(facts, today, policy),
        relationship_requirement(facts, today, policy),
        supervision_hours_requirement(facts, today, policy),
    ]


def qualification_requirements(
    facts: StaffFacts, today: date, policy: WorkforcePolicy = DEFAULT_POLICY
) -> list[Requirement]:
    """Only the requirements `qualified` reads (degree, license, coursework for
    supervisors, endorsement or waiver), in the profile's order: the same results as
    `requirements` gives for them, without the training and supervision ledgers."""
    if facts.role not in ROLES:
        raise ValueError(f"Unknown role: {facts.role}.")
    if facts.role == SUPERVISOR:
        return [
            degree_requirement(facts),
            license_requirement(facts, today, policy),
            coursework_requirement(facts),
            supervisor_endorsement_requirement(facts, today, policy),
        ]
    return [
        degree_requirement(facts),
        license_requirement(facts, today, policy),
        endorsement_requirement(facts, today, policy),
    ]


def may_carry_families(
    facts: StaffFacts, today: date, policy: WorkforcePolicy = DEFAULT_POLICY
) -> tuple[bool, list[str]]:
    """Whether a family may be assigned without a supervisor override, and why not.

    Two gates (issue 10): the self-assessment discussed (by today), and endorsed at the
    minimum category or waived for the current fiscal year. Other requirements (CE pace,
    a license due soon) show on the profile but do not hold up an assignment.
    """
    reasons: list[str] = []
    assessment = facts.self_assessment
    if assessment is None or assessment.discussed_on is None or assessment.discussed_on > today:
        reasons.append("The self-assessment has not been discussed with the supervisor.")
    held = _held(facts, today)
    endorsed = held is not None and _rank(held.category) >= _rank(policy.minimum_endorsement)
    if not endorsed and _approved_waiver(facts, today) is None:
        reasons.append(
            f"Not endorsed as {CATEGORY_LABELS[policy.minimum_endorsement]} and no approved "
            f"waiver for FY{fiscal_year(today)}."
        )
    return not reasons, reasons


def weekly_supervision_share(
    session_days: Iterable[date], weeks: Iterable[date], leave_weeks: Iterable[date] = ()
) -> Fraction | None:
    """Share of `weeks` (any day names its Monday's week) with at least one session.

    Weeks on leave are left out of both counts; None when no week is left to count.
    """
    leave = {week_start(d) for d in leave_weeks}
    counted = {week_start(d) for d in weeks} - leave
    if not counted:
        return None
    covered = {week_start(d) for d in session_days} & counted
    return Fraction(len(covered), len(counted))


QUALIFICATIONS = frozenset({DEGREE, LICENSE, COURSEWORK, ENDORSEMENT})


def qualified(results: Iterable[Requirement]) -> bool:
    """ "Qualified staff" on the fidelity pages (DOMAIN §4): every qualification the role
    needs (degree, license, coursework for supervisors, endorsement or waiver) is met or
    due soon. Training pace, self-assessment and supervision hours are shown beside it
    but are not qualifications: a person behind on CE hours is still qualified today."""
    return all(r.status != NOT_MET for r in results if r.name in QUALIFICATIONS)


def worst(statuses: Iterable[str]) -> str:
    """The lowest status of several (met when there are none)."""
    return min(statuses, key=_RANK.__getitem__, default=MET)


def status_rank(status: str) -> int:
    """not_met 0 < due_soon 1 < met 2, for comparing statuses."""
    return _RANK[status]


def supervised_weekly(
    share: Fraction | None, policy: WorkforcePolicy = DEFAULT_POLICY
) -> bool | None:
    """ "Supervised weekly" (DOMAIN §4): the share of a period's counted weeks with a
    session (`weekly_supervision_share`) is at least `policy.supervised_weekly_target`.

    A share exactly on the target passes. None when there is no week to judge (every
    week of the period on leave, or before the role started): neither supervised nor
    missed, so it counts on neither side of "n of m home visitors".
    """
    if share is None:
        return None
    if not 0 <= share <= 1:
        raise ValueError("a share of weeks is between 0 and 1")
    return share >= policy.supervised_weekly_target
