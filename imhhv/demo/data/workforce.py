"""The demo workforce (issue 10, part 7): staff records, reflective supervision, training
ledgers, learning-collaborative cohorts and staff questionnaires for every agency.

Called by `seed` (the small demo) and `seed_state` (`--scale`), with its own seeded random
generator so the families and visits drawn before it are unchanged. Everything is relative
to `today`, judged by the rules of `imhhv.core.workforce`:

* Most staff joined years ago (the organisation's start): a master's degree and a license
  (a few expiring within 60 days), endorsed as Infant Family Specialist or Infant Mental
  Health Specialist (some of the former registered toward the latter), the pre-service
  self-assessment discussed before their first family, and a completed learning
  collaborative.
* A few home visitors per agency are newer (`stagger_starts`, run before the families are
  written): they joined 3-11 months ago, so the families they carry were handed over to
  them after they started (an old teammate held them before); they are registered toward
  Infant Family Specialist with an approved waiver for the current fiscal year
  (`rules.fiscal_year`) and are members of the state's cohort in progress.
* The small demo has one new home visitor (`new_visitor`: the first agency's half-time
  visitor, not the visitor of the demo logins): started three weeks ago, two families
  handed over with a supervisor override, the self-assessment completed but not yet
  discussed and the waiver requested, not approved. The only visitor the assignment gate
  would stop.
* Supervisors: psychotherapy coursework, endorsed (or registered) as Infant Mental Health
  Specialist or Mentor, and their own reflective consultation every other week, from an
  external consultant without an account (`supervisor=None`, a name and a credential) or
  from the agency's other supervisor.
* Reflective supervision over the last 26 weeks: a weekly individual session for every
  home visitor and a group session for the team every other week, with gaps: weeks on
  leave (recorded as `Leave`), holidays (`imhhv.reference.holidays`: a session moves to
  another day of the week, or a short week has none), and a few missed weeks (one visitor
  per agency misses more). No session is dated today or later; families discussed are
  families the supervisee carries (the current assignment began by the session day).
  Notes read "Synthetic note: …".
* Continuing education over the previous and the current fiscal year at different paces
  (some on pace, some behind), booster sessions for cohort graduates.
* One staff questionnaire per agency (a 1-5 self-efficacy form) with baseline and 6-month
  scores for some staff.

Rows are collected unsaved and written by `save(write)` in dependency order with the
caller's bulk writer (bulk_create for the small demo, the state's `_Writer`).
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

from imhhv.accounts.models import Membership, User
from imhhv.core import workforce as rules
from imhhv.core.calendar import week_start
from imhhv.core.roles import Role
from imhhv.families.models import Assignment
from imhhv.reference.holidays import holidays_between
from imhhv.workforce.models import (
    Cohort,
    CohortMember,
    Coursework,
    Degree,
    Endorsement,
    Leave,
    License,
    SelfAssessment,
    SessionFamily,
    StaffInstrument,
    StaffQuestionnaire,
    SupervisionParticipant,
    SupervisionSession,
    TrainingEntry,
    TrainingEvidence,
    Waiver,
)

WEEKS = 26  # reflective supervision history
NEW_VISITOR_FAMILIES = 2  # families handed over to the new visitor
NEW_VISITOR_DAYS = 19  # the new visitor started this many days ago
NEWER_DAYS = (100, 330)  # newer visitors started this many days ago
INSTRUMENT_NAME = "Reflective supervision self-efficacy (agency form)"
CONSULTANT = ("Demo Consultant Juniper Hollow", "LMSW, IMH-E (Infant Mental Health Mentor)")
TRAINERS = "Demo Trainer Tamarack Wren, LMSW, IMH-E; Demo Trainer Sumac Heron, PhD, IMH-E"

# Degree field -> (full license, limited license) in Michigan.
FIELDS = {
    "Social Work": ("LMSW", "LLMSW"),
    "Clinical Mental Health Counseling": ("LPC", "LLPC"),
    "Clinical Psychology": ("LLP", "LLP"),
    "Marriage and Family Therapy": ("LMFT", "LMFT"),
}
FIELD_WEIGHTS = (55, 25, 12, 8)
INSTITUTIONS = (
    "Demo State University",
    "Demo Lakes University",
    "University of Demo Peninsula",
    "Demo Valley College",
)
TRAINING = {
    rules.CHILDREN_MENTAL_HEALTH: (
        "Synthetic training: early childhood mental health diagnosis (DC:0-5 overview)",
        "Synthetic training: perinatal depression and the infant",
        "Synthetic training: trauma-informed care for young children",
    ),
    rules.RELATIONSHIP_BASED: (
        "Synthetic training: infant-parent psychotherapy in the home",
        "Synthetic training: observing the baby together with the caregiver",
        "Synthetic training: working with fathers and partners",
    ),
    rules.REFLECTIVE_SUPERVISION: (
        "Synthetic training: foundations of reflective supervision",
        "Synthetic training: parallel process in home visiting",
    ),
    rules.OTHER: (
        "Synthetic training: agency records system refresher",
        "Synthetic training: mandated reporter update",
    ),
}
PROVIDERS = (
    "Demo Regional Training Center",
    "Demo State University Extension",
    "Agency in-service (demo)",
)
THEMES = (
    "Parallel process; holding the baby in mind",
    "A caregiver's own early experiences",
    "Pacing with a family in crisis",
    "Endings and transitions",
    "Self-care after a hard visit",
    "Cultural humility in the home",
    "Wondering about the baby's cues",
)
NOTES = (
    "Synthetic note: we slowed down and noticed what the visitor felt after the visit.",
    "Synthetic note: talked about pacing with a tired parent and what the baby might need.",
    "Synthetic note: wondered together about a caregiver's worry and the visitor's own.",
    "Synthetic note: the team shared how endings stir old feelings; planned a goodbye visit.",
    "Synthetic note: noticed the pull to fix things; practised staying with the feeling.",
)
CONSULTATION_NOTES = (
    "Synthetic note: consultation on supporting the team through a heavy month.",
    "Synthetic note: consultation on holding two visitors' strong feelings in group.",
)
PDF = (
    b"%PDF-1.4\n% Synthetic certificate of attendance (demo)\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class WorkforceFigures:
    staff: int = 0
    licenses: int = 0
    supervision_sessions: int = 0
    training_entries: int = 0
    leaves: int = 0
    cohorts: int = 0
    questionnaires: int = 0

    def summary(self) -> str:
        return (
            f"workforce: {self.staff} staff records ({self.licenses} licenses), "
            f"{self.supervision_sessions} supervision sessions, "
            f"{self.training_entries} training entries, {self.leaves} leaves, "
            f"{self.cohorts} cohorts, {self.questionnaires} staff questionnaires"
        )


def _d(hours: float) -> Decimal:
    return Decimal(str(round(hours, 2)))


def new_visitor(contexts) -> User | None:
    """The small demo's new home visitor: the first agency's half-time visitor (never the
    first visitor, whom the demo logins show)."""
    if not contexts:
        return None
    visitors = contexts[0].visitors
    for number, (user, _, fte) in enumerate(visitors):
        if fte < 1 and number > 0:
            return user
    return None


class WorkforceBuilder:
    """Collects the workforce rows of `contexts` (the organisation's agencies)."""

    def __init__(
        self,
        rng: random.Random,
        today: date,
        contexts,
        users,
        *,
        new=None,
        newer_per_agency: int = 1,
        evidence: bool = False,
    ):
        self.rng = rng
        self.today = today
        self.contexts = contexts
        self.state_admin = next((u for u in users if u.username == "state.admin"), None)
        self.new = new
        self.newer_per_agency = newer_per_agency
        self.evidence = evidence
        self.starts: dict[int, date] = {}  # user id -> role start, for re-timed visitors
        self.handover: dict[int, date] = {}  # user id -> first day they may carry a family
        self.rows: dict[type, list] = defaultdict(list)
        self.figures = WorkforceFigures()

    # ------------------------------------------------------------ newer staff

    def stagger_starts(self, build) -> None:
        """Choose the newer visitors, and hand the families they carry over to them after
        they started (run on the builder's unsaved assignments, before they are written)."""
        rng, today = self.rng, self.today
        replacement: dict[int, User] = {}
        first = self.contexts[0].visitors if self.contexts else []
        login = first[0][0] if first else None  # the visitor the demo logins show
        for ctx in self.contexts:
            pool = [u for u, _, _ in ctx.visitors if u is not login and u is not self.new]
            chosen = rng.sample(pool, min(self.newer_per_agency, max(0, len(pool) - 2)))
            if self.new is not None and any(u is self.new for u, _, _ in ctx.visitors):
                chosen.append(self.new)
            chosen_ids = {u.pk for u in chosen}
            old = [(u, t) for u, t, _ in ctx.visitors if u.pk not in chosen_ids]
            for user, team, _ in ctx.visitors:
                if user.pk not in chosen_ids:
                    continue
                mates = [u for u, t in old if t == team] or [u for u, _ in old]
                if not mates:  # nobody to have held the families before
                    continue
                replacement[user.pk] = rng.choice(mates)
                if user is self.new:
                    start = today - timedelta(days=NEW_VISITOR_DAYS)
                    self.handover[user.pk] = start + timedelta(days=7)
                else:
                    start = today - timedelta(days=rng.randint(*NEWER_DAYS))
                    self.handover[user.pk] = start + timedelta(days=rng.randint(14, 40))
                self.starts[user.pk] = start
        if not self.starts:
            return
        groups: dict[int, list[Assignment]] = {}
        for a in build.assignments:
            groups.setdefault(id(a.family), []).append(a)
        rewritten: list[Assignment] = []
        first_visitor: dict[int, User] = {}
        for items in groups.values():
            out: list[Assignment] = []
            for a in items:
                visitor = a.home_visitor
                ready = self.handover.get(visitor.pk)
                if ready is None or a.start_date >= ready:
                    out.append(a)
                    continue
                other = replacement[visitor.pk]
                if a.end_date is not None and a.end_date < ready:
                    a.home_visitor = other
                    out.append(a)
                    continue
                out.append(
                    Assignment(
                        family=a.family,
                        home_visitor=other,
                        start_date=a.start_date,
                        end_date=ready - timedelta(days=1),
                        reason=a.reason,
                        assigned_by=a.assigned_by,
                    )
                )
                a.start_date = ready
                a.reason = (
                    "Supervisor override: caseload handed over before the self-assessment "
                    "discussion (demo)."
                    if visitor is self.new
                    else "Caseload built up for a new home visitor."
                )
                out.append(a)
            merged: list[Assignment] = []
            for a in out:
                prev = merged[-1] if merged else None
                if (
                    prev is not None
                    and prev.home_visitor is a.home_visitor
                    and prev.end_date is not None
                    and prev.end_date + timedelta(days=1) == a.start_date
                ):
                    prev.end_date = a.end_date
                    continue
                merged.append(a)
            if len(items) == 1 and len(merged) == 2 and merged[-1].end_date is None:
                build.transferred += 1
            family = merged[0].family
            family.home_visitor = merged[-1].home_visitor
            first_visitor[id(family)] = merged[0].home_visitor
            rewritten += merged
        build.assignments = rewritten
        for consent in build.consents:
            start = self.starts.get(consent.recorded_by.pk)
            if start is not None and consent.given_on < self.handover[consent.recorded_by.pk]:
                consent.recorded_by = first_visitor.get(id(consent.family), consent.recorded_by)

    def update_memberships(self) -> None:
        """Write the newer visitors' start dates (the memberships are already saved)."""
        for user_id, start in self.starts.items():
            Membership.objects.filter(user_id=user_id, role=Role.HOME_VISITOR).update(
                start_date=start
            )

    # ------------------------------------------------------------ the rows

    def add(self, row) -> None:
        self.rows[type(row)].append(row)

    def build(self, build) -> WorkforceFigures:
        """Every row, once the families and assignments are saved (families need keys)."""
        today, rng = self.today, self.rng
        self.update_memberships()
        people = [u for ctx in self.contexts for u in ctx.supervisors.values()]
        people += [u for ctx in self.contexts for u, _, _ in ctx.visitors]
        starts = dict(
            Membership.objects.filter(user__in=people, role__in=rules.ROLES).values_list(
                "user_id", "start_date"
            )
        )
        first_family: dict[int, date] = {}
        carried: dict[int, list[tuple]] = defaultdict(list)  # visitor -> (family, since)
        for a in build.assignments:
            v = a.home_visitor_id
            if v not in first_family or a.start_date < first_family[v]:
                first_family[v] = a.start_date
            if a.end_date is None and a.family.home_visitor_id == v:
                carried[v].append((a.family, a.start_date))
        self.carried = carried
        fy = rules.fiscal_year(today)
        old_start = min((s for uid, s in starts.items() if uid not in self.starts), default=today)
        done = Cohort(
            name=f"Learning collaborative FY{rules.fiscal_year(old_start) + 1} cohort (demo)",
            trainers=TRAINERS,
            start=old_start + timedelta(days=20),
            end=old_start + timedelta(days=384),
            instruction_sessions=10,
            coaching_calls=22,
            created_by=self.state_admin,
        )
        running = Cohort(
            name=f"Learning collaborative FY{fy} cohort (demo)",
            trainers=TRAINERS,
            start=today - timedelta(days=150),
            end=today + timedelta(days=214),
            instruction_sessions=10,
            coaching_calls=22,
            created_by=self.state_admin,
        )
        if self.state_admin is not None:
            self.add(done)
            self.add(running)
        holidays = holidays_between(today - timedelta(weeks=WEEKS + 1), today)
        for ctx in self.contexts:
            instrument = StaffInstrument(
                agency=ctx.agency,
                name=INSTRUMENT_NAME,
                min_score=Decimal("1.00"),
                max_score=Decimal("5.00"),
                higher_is_better=True,
            )
            self.add(instrument)
            visitors = [u for u, _, _ in ctx.visitors]
            behind = rng.choice(visitors) if visitors else None  # misses more sessions
            # Licenses expiring within 60 days: one or two per agency (staff of some years).
            staff = [
                u for u in visitors + list(ctx.supervisors.values()) if u.pk not in self.starts
            ]
            soon = set(rng.sample(staff, min(len(staff), 1 if len(visitors) <= 8 else 2)))
            for sup in ctx.supervisors.values():
                self._staff(sup, rules.SUPERVISOR, starts, fy, expiring=sup in soon)
                self._questionnaire(instrument, sup, starts[sup.pk], ctx.admin)
            for user in visitors:
                self._staff(
                    user,
                    rules.HOME_VISITOR,
                    starts,
                    fy,
                    expiring=user in soon,
                    first_family=first_family.get(user.pk),
                    ctx=ctx,
                )
                cohort = running if user.pk in self.starts else done
                if self.state_admin is not None:
                    self._member(cohort, user, starts[user.pk])
                self._questionnaire(instrument, user, starts[user.pk], ctx.admin)
            self._sessions(ctx, starts, holidays, behind)
        self.figures.staff = len(people)
        self.figures.cohorts = len(self.rows[Cohort])
        self.figures.licenses = len(self.rows[License])
        self.figures.supervision_sessions = len(self.rows[SupervisionSession])
        self.figures.training_entries = len(self.rows[TrainingEntry])
        self.figures.leaves = len(self.rows[Leave])
        self.figures.questionnaires = len(self.rows[StaffQuestionnaire])
        return self.figures

    def _staff(self, user, role, starts, fy, *, expiring, first_family=None, ctx=None) -> None:
        rng, today = self.rng, self.today
        start = starts[user.pk]
        newer = user.pk in self.starts
        new = user is self.new
        field = rng.choices(list(FIELDS), FIELD_WEIGHTS)[0]
        doctor = role == rules.SUPERVISOR and field == "Clinical Psychology" and rng.random() < 0.6
        grad_year = start.year - rng.randint(0 if newer else 1, 6)
        if rng.random() < 0.5:
            self.add(
                Degree(
                    user=user,
                    level=Degree.Level.BACHELOR,
                    field="Psychology",
                    institution=rng.choice(INSTITUTIONS),
                    year=grad_year - 3,
                )
            )
        self.add(
            Degree(
                user=user,
                level=Degree.Level.DOCTORATE if doctor else Degree.Level.MASTER,
                field=field,
                institution=rng.choice(INSTITUTIONS),
                year=grad_year,
            )
        )
        full, limited = FIELDS[field]
        kind = "LP" if doctor else (limited if newer else full)
        if expiring:
            expires = today + timedelta(days=rng.randint(10, 55))
        else:
            expires = today + timedelta(days=rng.randint(75, 1000))
        issued = min(expires - timedelta(days=3 * 365), start - timedelta(days=30))
        if newer:
            issued = start - timedelta(days=rng.randint(20, 120))
            expires = issued + timedelta(days=2 * 365) if not expiring else expires
        self.add(
            License(
                user=user,
                type=kind,
                number=f"DEMO-{kind}-{user.pk:05d}",
                state="MI",
                issued_on=issued,
                expires_on=expires,
            )
        )
        if role == rules.SUPERVISOR:
            self.add(
                Coursework(
                    user=user,
                    psychotherapy=True,
                    description="Graduate psychotherapy coursework: infant-parent and "
                    "family therapy (demo)",
                    recorded_on=start + timedelta(days=30),
                )
            )
            self._endorsement_of_supervisor(user, start)
        else:
            self._endorsement_of_visitor(user, start, newer, new, fy)
            self._self_assessment(user, start, first_family, ctx, new)
        self._training(user, start, fy, role)
        self._leave(user, start)

    def _endorsement_of_supervisor(self, user, start) -> None:
        rng, today = self.rng, self.today
        roll = rng.random()
        if roll < 0.15:  # working toward it
            self.add(
                Endorsement(
                    user=user,
                    category=rules.IMH_SPECIALIST,
                    status=rules.REGISTERED,
                    registered_on=today - timedelta(days=rng.randint(200, 600)),
                )
            )
            return
        category = rules.IMH_MENTOR if roll > 0.75 else rules.IMH_SPECIALIST
        endorsed = start + timedelta(days=rng.randint(0, 1500))
        endorsed = min(endorsed, today - timedelta(days=60))
        self.add(
            Endorsement(
                user=user,
                category=category,
                mentor_track=Endorsement.MentorTrack.CLINICAL
                if category == rules.IMH_MENTOR
                else "",
                status=rules.ENDORSED,
                registered_on=endorsed - timedelta(days=rng.randint(300, 700)),
                endorsed_on=endorsed,
                number=f"DEMO-E{user.pk:05d}",
                renewal_year=today.year + rng.randint(0, 1),
            )
        )

    def _endorsement_of_visitor(self, user, start, newer, new, fy) -> None:
        rng, today = self.rng, self.today
        if newer:
            registered = min(start + timedelta(days=rng.randint(5, 12)), today - timedelta(days=1))
            self.add(
                Endorsement(
                    user=user,
                    category=rules.INFANT_FAMILY_SPECIALIST,
                    status=rules.REGISTERED,
                    registered_on=registered,
                )
            )
            if new:
                self.add(Waiver(user=user, fiscal_year=fy, requested_on=today - timedelta(days=8)))
                return
            fy_start = rules.fiscal_year_start(fy)
            if rules.fiscal_year(start) < fy:  # joined last fiscal year: a waiver for it too
                self.add(
                    Waiver(
                        user=user,
                        fiscal_year=rules.fiscal_year(start),
                        requested_on=start + timedelta(days=3),
                        approved_on=start + timedelta(days=rng.randint(5, 12)),
                    )
                )
                requested = max(start, fy_start - timedelta(days=rng.randint(10, 30)))
            else:
                requested = start + timedelta(days=3)
            approved = min(max(requested, fy_start) + timedelta(days=rng.randint(0, 15)), today)
            self.add(
                Waiver(
                    user=user,
                    fiscal_year=fy,
                    requested_on=min(requested, approved),
                    approved_on=approved,
                )
            )
            return
        specialist = rng.random() < 0.45
        category = rules.IMH_SPECIALIST if specialist else rules.INFANT_FAMILY_SPECIALIST
        endorsed = min(start + timedelta(days=rng.randint(200, 1400)), today - timedelta(days=90))
        self.add(
            Endorsement(
                user=user,
                category=category,
                status=rules.ENDORSED,
                registered_on=start + timedelta(days=rng.randint(5, 30)),
                endorsed_on=endorsed,
                number=f"DEMO-E{user.pk:05d}",
                renewal_year=today.year + rng.randint(0, 1),
            )
        )
        if not specialist and rng.random() < 0.7:  # working toward the preferred category
            self.add(
                Endorsement(
                    user=user,
                    category=rules.IMH_SPECIALIST,
                    status=rules.REGISTERED,
                    registered_on=today - timedelta(days=rng.randint(100, 400)),
                )
            )

    def _self_assessment(self, user, start, first_family, ctx, new) -> None:
        rng = self.rng
        completed = start + timedelta(days=rng.randint(2, 6))
        supervisor = ctx.supervisor(self._team_of(ctx, user)) if ctx else None
        if new:
            self.add(
                SelfAssessment(
                    user=user,
                    completed_on=min(completed, self.today - timedelta(days=1)),
                    gaps="Synthetic: new to observing infant-parent interaction in the home.",
                    follow_up="Synthetic: discussion with the supervisor scheduled (demo).",
                )
            )
            return
        discussed = completed + timedelta(days=rng.randint(1, 5))
        if first_family is not None and first_family < discussed:
            discussed = first_family
            completed = min(completed, discussed)
        self.add(
            SelfAssessment(
                user=user,
                completed_on=completed,
                discussed_on=discussed,
                discussed_with=supervisor,
                gaps=rng.choice(
                    (
                        "Synthetic: wants more practice with infant observation.",
                        "Synthetic: new to working with fathers and partners.",
                        "Synthetic: building confidence with perinatal loss.",
                    )
                ),
                resources="Synthetic: demo reading list on infant-parent psychotherapy.",
                follow_up="Synthetic: revisit in reflective supervision after 3 months.",
            )
        )

    @staticmethod
    def _team_of(ctx, user):
        return next((t for u, t, _ in ctx.visitors if u is user), None)

    def _training(self, user, start, fy, role) -> None:
        """The previous fiscal year's ledger and the current one at this person's pace."""
        rng, today = self.rng, self.today
        fy_start, fy_end = rules.fiscal_year_start(fy), rules.fiscal_year_end(fy)
        yesterday = today - timedelta(days=1)
        entries: list[TrainingEntry] = []

        def entry(day, category, hours, booster=False):
            title = (
                "Synthetic training: learning-collaborative booster session"
                if booster
                else rng.choice(TRAINING[category])
            )
            entries.append(
                TrainingEntry(
                    user=user,
                    day=day,
                    title=title,
                    provider=rng.choice(PROVIDERS),
                    hours=_d(hours),
                    category=category,
                    booster=booster,
                )
            )

        counted = (
            rules.CHILDREN_MENTAL_HEALTH,
            rules.RELATIONSHIP_BASED,
            rules.REFLECTIVE_SUPERVISION,
        )
        weights = (2, 6, 2)
        # The previous fiscal year: about the 24 hours (more or less), from the start in role.
        prev_start = max(rules.fiscal_year_start(fy - 1), start)
        prev_end = fy_start - timedelta(days=1)
        if prev_start <= prev_end:
            share = ((prev_end - prev_start).days + 1) / 365
            goal, got = 24 * share * rng.uniform(0.8, 1.4), 0.0
            while got < goal:
                hours = rng.choice((1.5, 2, 3, 3, 6))
                day = prev_start + timedelta(days=rng.randint(0, (prev_end - prev_start).days))
                entry(day, rng.choices(counted, weights)[0], hours)
                got += hours
        # The current fiscal year so far, on pace or behind it.
        begin = max(fy_start, start)
        if begin <= yesterday:
            expected = 24 * ((today - begin).days + 1) / ((fy_end - fy_start).days + 1)
            on_pace = rng.random() < 0.75
            goal = expected * (rng.uniform(1.1, 2.0) if on_pace else rng.uniform(0.0, 0.7))
            got = 0.0
            while True:
                hours = rng.choice((1, 1.5, 2, 3))
                if on_pace and got >= goal or not on_pace and got + hours > goal:
                    break
                day = begin + timedelta(days=rng.randint(0, (yesterday - begin).days))
                entry(day, rng.choices(counted, weights)[0], hours)
                got += hours
            if rng.random() < 0.3:  # not counted toward CE
                entry(
                    begin + timedelta(days=rng.randint(0, (yesterday - begin).days)), rules.OTHER, 1
                )
        if role == rules.HOME_VISITOR and user.pk not in self.starts and rng.random() < 0.5:
            day = today - timedelta(days=rng.randint(20, 300))
            entry(max(day, start), rules.RELATIONSHIP_BASED, 2, booster=True)
        for row in entries:
            self.add(row)
        if self.evidence and self.contexts and user is self.contexts[0].visitors[0][0] and entries:
            self.add(
                TrainingEvidence(
                    entry=entries[-1],
                    filename="synthetic-certificate.pdf",
                    content_type="application/pdf",
                    size=len(PDF),
                    data=PDF,
                )
            )

    def _leave(self, user, start) -> None:
        """Some staff take a week (a few two or three) in the last 26 weeks; some a day."""
        rng, today = self.rng, self.today
        this_week = week_start(today)
        roll = rng.random()
        if roll < 0.35:
            weeks = 1 if roll < 0.29 else rng.randint(2, 3)
            monday = this_week - timedelta(weeks=rng.randint(weeks + 1, WEEKS - 1))
            if monday >= start:
                end = monday + timedelta(weeks=weeks - 1, days=4)
                self.add(Leave(user=user, start=monday, end=end))
        if rng.random() < 0.3:
            day = this_week - timedelta(weeks=rng.randint(1, WEEKS - 1), days=-rng.randint(0, 4))
            if day >= start:
                self.add(Leave(user=user, start=day, end=day))

    def _member(self, cohort, user, start) -> None:
        rng, today = self.rng, self.today
        if cohort.end < today:
            self.add(
                CohortMember(
                    cohort=cohort,
                    user=user,
                    instruction_attended=rng.randint(8, 10),
                    coaching_attended=rng.randint(17, 22),
                    completed_on=cohort.end,
                )
            )
            return
        length = (cohort.end - cohort.start).days + 1

        def held(n, since):
            return int(n * max(0, (today - max(since, cohort.start)).days) / length)

        instruction = held(cohort.instruction_sessions, start)
        coaching = held(cohort.coaching_calls, start)
        self.add(
            CohortMember(
                cohort=cohort,
                user=user,
                instruction_attended=max(0, instruction - rng.randint(0, 1)),
                coaching_attended=max(0, coaching - rng.randint(0, 2)),
            )
        )

    def _questionnaire(self, instrument, user, start, admin) -> None:
        rng, today = self.rng, self.today
        if admin is None or rng.random() < 0.3:
            return
        baseline = max(start + timedelta(days=14), today - timedelta(days=rng.randint(220, 300)))
        if baseline >= today:
            return
        score = rng.uniform(2.2, 4.0)
        self.add(
            StaffQuestionnaire(
                instrument=instrument,
                user=user,
                time_point="baseline",
                day=baseline,
                score=_d(score),
                recorded_by=admin,
            )
        )
        later = baseline + timedelta(days=182 + rng.randint(0, 14))
        if later < today:
            score = min(5.0, max(1.0, score + rng.gauss(0.35, 0.3)))
            self.add(
                StaffQuestionnaire(
                    instrument=instrument,
                    user=user,
                    time_point="month_6",
                    day=later,
                    score=_d(score),
                    recorded_by=admin,
                )
            )

    # ------------------------------------------------------------ supervision

    def _leave_days(self, user_id: int) -> set[date]:
        days: set[date] = set()
        for leave in self.rows[Leave]:
            if leave.user.pk == user_id:
                day = leave.start
                while day <= leave.end:
                    days.add(day)
                    day += timedelta(days=1)
        return days

    def _session(
        self,
        ctx,
        day,
        start,
        minutes,
        fmt,
        supervisor,
        supervisees,
        families=(),
        consultant=None,
        notes=NOTES,
    ) -> None:
        rng = self.rng
        name, credential = consultant or ("", "")
        session = SupervisionSession(
            agency=ctx.agency,
            day=day,
            started_at=start,
            minutes=minutes,
            format=fmt,
            supervisor=supervisor,
            consultant_name=name,
            consultant_credential=credential,
            themes=", ".join(rng.sample(THEMES, rng.randint(1, 2))),
            notes=rng.choice(notes),
            recorded_by=supervisor or supervisees[0],
        )
        self.add(session)
        for user in supervisees:
            self.add(SupervisionParticipant(session=session, user=user))
        for family, user in families:
            self.add(SessionFamily(session=session, family=family, supervisee=user))

    def _families_on(self, user, day, k):
        options = [f for f, since in self.carried.get(user.pk, ()) if since <= day]
        return [(f, user) for f in self.rng.sample(options, min(k, len(options)))]

    def _sessions(self, ctx, starts, holidays, behind) -> None:
        rng, today = self.rng, self.today
        this_week = week_start(today)
        mondays = [this_week - timedelta(weeks=n) for n in range(WEEKS, -1, -1)]
        leave = {u.pk: self._leave_days(u.pk) for u in ctx.supervisors.values()}
        leave.update({u.pk: self._leave_days(u.pk) for u, _, _ in ctx.visitors})
        miss = {u.pk: rng.uniform(0.03, 0.1) for u, _, _ in ctx.visitors}
        if behind is not None:
            miss[behind.pk] = rng.uniform(0.3, 0.4)
        weekday = {u.pk: rng.choice((0, 1, 3)) for u, _, _ in ctx.visitors}

        def free(day, *users) -> bool:
            return (
                day < today
                and day not in holidays
                and all(starts[u.pk] <= day and day not in leave[u.pk] for u in users)
            )

        def moved(day, *users):
            """The day, or another working day of its week when it is a holiday."""
            if day in holidays:
                options = [week_start(day) + timedelta(days=n) for n in range(5)]
                options = [d for d in options if d not in holidays]
                day = rng.choice(options) if options else day
            return day if free(day, *users) else None

        supervisors = list(ctx.supervisors.items())
        for number, monday in enumerate(mondays):
            short = any(monday + timedelta(days=n) in holidays for n in range(5)) and (
                rng.random() < 0.4
            )
            for t_index, (team_pk, sup) in enumerate(supervisors):
                if short:
                    continue
                team = [u for u, t, _ in ctx.visitors if t.pk == team_pk]
                group_week = (number + t_index) % 2 == 0
                if group_week:
                    day = moved(monday + timedelta(days=2 + t_index % 2), sup)
                    present = [u for u in team if day and free(day, u)] if day else []
                    if len(present) >= 2:
                        pick = rng.choice(present)
                        families = self._families_on(pick, day, rng.randint(0, 1))
                        self._session(
                            ctx,
                            day,
                            time(10, 0),
                            90,
                            SupervisionSession.Format.GROUP,
                            sup,
                            present,
                            families,
                        )
                for visitor in team:
                    if rng.random() < miss[visitor.pk] or (group_week and rng.random() < 0.4):
                        continue
                    day = moved(monday + timedelta(days=weekday[visitor.pk]), sup, visitor)
                    if day is None:
                        continue
                    minutes = rng.choice((60, 60, 60, 45, 75))
                    hour = rng.choice((9, 11, 13, 14))
                    families = self._families_on(visitor, day, rng.randint(0, 2))
                    self._session(
                        ctx,
                        day,
                        time(hour, 0),
                        minutes,
                        SupervisionSession.Format.INDIVIDUAL,
                        sup,
                        [visitor],
                        families,
                    )
            # The supervisors' own consultation, every other week: the first from an
            # external consultant, the others from the first.
            if number % 2 == 1 and supervisors:
                lead = supervisors[0][1]
                day = moved(monday + timedelta(days=4), lead)
                if day is not None and rng.random() > 0.1:
                    self._session(
                        ctx,
                        day,
                        time(9, 0),
                        60,
                        SupervisionSession.Format.INDIVIDUAL,
                        None,
                        [lead],
                        consultant=CONSULTANT,
                        notes=CONSULTATION_NOTES,
                    )
                for _, sup in supervisors[1:]:
                    day = moved(monday + timedelta(days=1), lead, sup)
                    if day is not None and rng.random() > 0.1:
                        self._session(
                            ctx,
                            day,
                            time(15, 0),
                            60,
                            SupervisionSession.Format.INDIVIDUAL,
                            lead,
                            [sup],
                            notes=CONSULTATION_NOTES,
                        )

    # ------------------------------------------------------------ writing

    ORDER = (
        Cohort,
        StaffInstrument,
        Degree,
        License,
        Endorsement,
        Waiver,
        SelfAssessment,
        Coursework,
        TrainingEntry,
        TrainingEvidence,
        Leave,
        CohortMember,
        SupervisionSession,
        SupervisionParticipant,
        SessionFamily,
        StaffQuestionnaire,
    )

    def save(self, write) -> None:
        """Write every table in dependency order with `write(list_of_unsaved_rows)`."""
        for model in self.ORDER:
            objs = self.rows.get(model)
            if objs:
                write(objs)


def bulk_write(objs: list) -> None:
    """The small demo's writer: bulk_create (keys come back, for the dependent rows)."""
    type(objs[0]).objects.bulk_create(objs, batch_size=2000)
