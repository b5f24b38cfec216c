"""Families along the whole journey: timelines of active, re-enrolled and discharged
families, their people, episodes, consents and assignment history (some transferred)."""

from dataclasses import dataclass
from datetime import date, timedelta

from imhhv.accounts.models import User
from imhhv.agencies.models import Team
from imhhv.core.ages import add_months
from imhhv.core.names import normalize_name
from imhhv.core.search import search_text
from imhhv.demo.data.children import _Child
from imhhv.demo.data.common import _between, _days
from imhhv.demo.data.names import CHILD_NAMES
from imhhv.demo.data.organisation import _Agency
from imhhv.families.models import (
    Assignment,
    Caregiver,
    Child,
    Consent,
    Enrollment,
    Family,
)

# Demo shape.
DISCHARGED_SHARE = 0.30  # of every family ever served
REENROLLED_PER_AGENCY = 2
TRANSFER_SHARE = 0.12
DISCHARGE_MIX = {
    # reason: (weight, share planned)
    Enrollment.DischargeReason.GOALS_MET: (22, 1.0),
    Enrollment.DischargeReason.AGE_LIMIT: (18, 1.0),
    Enrollment.DischargeReason.MOVED: (14, 0.4),
    Enrollment.DischargeReason.FAMILY_ENDED: (14, 0.2),
    Enrollment.DischargeReason.UNABLE_TO_LOCATE: (13, 0.0),
    Enrollment.DischargeReason.TRANSFERRED: (8, 0.8),
    Enrollment.DischargeReason.PLACED: (4, 0.0),
    Enrollment.DischargeReason.OTHER: (7, 0.5),
}
TRANSITION_PLANS = {
    "goals_met": [
        "Goals of the plan of service met; closing visits held, family knows how to return.",
        "Caregiver's depression in remission and attachment secure; celebrated at last visit.",
    ],
    "age_limit": [
        "Child turned 3: warm hand-off visit with the Head Start family advocate.",
        "Child turned 3: transition meeting with the school district's preschool team.",
    ],
    "moved": ["Family moving out of the county; connected with the CMH in their new county."],
    "family_ended": ["Family chose to end services; closing letter with community resources."],
    "transferred": [
        "Transferred to outpatient infant mental health therapy at the agency.",
        "Transferred to Early Head Start home-based services.",
    ],
    "other": ["Caregiver started a full-time job; visits could not be scheduled."],
    "unplanned": ["Closing letter mailed with community resources and a phone number."],
}
REFERRALS_MADE = [
    "Early On evaluation",
    "Early Head Start",
    "Head Start",
    "Great Start Readiness Program",
    "Outpatient therapy for the caregiver",
    "Pediatric developmental clinic",
    "WIC",
    "Housing assistance",
    "Substance use treatment",
    "Parent support group",
]
TRANSFER_REASONS = [
    "Caseload rebalanced across the team.",
    "Family moved to the other side of the county.",
    "Home visitor on extended leave.",
    "Better match for the family's visit schedule.",
]


@dataclass
class _Episode:
    enrolled: date
    prenatal: bool
    ga: int | None
    discharged: date | None = None
    reason: str = ""
    planned: bool | None = None


class FamiliesMixin:
    """The builder's families, episodes, consents and assignments (see `builder.Builder`)."""

    def _active_timeline(self) -> tuple[list[_Child], list[_Episode]]:
        rng, today = self.rng, self.today
        if rng.random() < 0.17:  # pregnant now
            due = today + _days(rng.randint(7, 180))
            enrolled = today - _days(rng.randint(30, max(30, 224 - (due - today).days)))
            children = [self._expected(due)]
            if rng.random() < 0.3:
                children.append(self._born(today - _days(rng.randint(420, 1060)), known=False))
            return children, [_Episode(enrolled, True, self._ga_at(enrolled, due))]
        birth = today - _days(rng.randint(0, 1090))  # 0-35 months old
        earliest = today - _days(900)  # enrolled 1-30 months ago
        latest = today - _days(30)
        if rng.random() < 0.35 or birth + _days(7) > latest:
            child = self._born(birth, known=True, due_known=True)
            enrolled = min(self._prenatal_enrollment(child), latest)
            if enrolled >= earliest:
                episode = _Episode(enrolled, True, self._ga_at(enrolled, child.due))
                return self._siblings([child], birth, enrolled), [episode]
        child = self._born(birth, known=False)
        enrolled = _between(rng, max(birth + _days(7), earliest), latest)
        return self._siblings([child], birth, enrolled), [_Episode(enrolled, False, None)]

    def _siblings(self, children: list[_Child], birth: date, enrolled: date) -> list[_Child]:
        """Sometimes a new pregnancy (begun after enrollment) or an older sibling besides
        the child born on `birth`."""
        rng, today = self.rng, self.today
        roll = rng.random()
        first_due = max(today + _days(14), enrolled + _days(281), birth + _days(365))
        if roll < 0.15 and first_due <= today + _days(180):
            children.append(self._expected(_between(rng, first_due, today + _days(180))))
        elif roll < 0.30:
            children.append(self._born(birth - _days(rng.randint(400, 1300)), known=False))
        return children

    def _prenatal_enrollment(self, child: _Child) -> date:
        """An enrollment 4-26 weeks before the due date, and always before the birth."""
        weeks_left = max(self.rng.randint(4, 26), 41 - child.ga)
        return child.due - timedelta(weeks=weeks_left)

    def _reenrolled_timeline(self) -> tuple[list[_Child], list[_Episode]]:
        rng, today = self.rng, self.today
        birth = today - _days(rng.randint(420, 1000))
        first = birth + _days(rng.randint(0, 30))
        left = first + _days(rng.randint(60, 180))
        back = left + _days(rng.randint(30, 120))
        reason = rng.choice(
            [
                Enrollment.DischargeReason.MOVED,
                Enrollment.DischargeReason.FAMILY_ENDED,
                Enrollment.DischargeReason.UNABLE_TO_LOCATE,
            ]
        )
        episodes = [
            _Episode(first, False, None, left, reason, False),
            _Episode(back, False, None),
        ]
        return [self._born(birth, known=False)], episodes

    def _discharged_timeline(self, reason: str) -> tuple[list[_Child], list[_Episode]]:
        rng = self.rng
        discharged = self.today - _days(rng.randint(14, 730))
        if reason == Enrollment.DischargeReason.AGE_LIMIT:
            birth = add_months(discharged, -36)
            if rng.random() < 0.3:
                child = self._born(birth, known=True, due_known=True)
                enrolled = self._prenatal_enrollment(child)
                return [child], [
                    _Episode(enrolled, True, self._ga_at(enrolled, child.due), discharged)
                ]
            enrolled = birth + _days(rng.randint(0, 28 * 30))
            child = self._born(birth, known=False)
            return [child], [_Episode(enrolled, False, None, discharged)]
        length = {
            Enrollment.DischargeReason.GOALS_MET: (240, 1000),
            Enrollment.DischargeReason.TRANSFERRED: (90, 700),
        }.get(reason, (30, 600))
        enrolled = discharged - _days(rng.randint(*length))
        due = enrolled + _days(7 * rng.randint(4, 26))
        weeks, grams = self._gestation()
        birth = due - timedelta(weeks=40 - weeks)
        if rng.random() < 0.3 and enrolled < birth <= discharged:
            child = _Child(birth, due, weeks, grams, rng.choice(CHILD_NAMES))
            episode = _Episode(enrolled, True, self._ga_at(enrolled, due), discharged)
        else:
            spare = max(0, 1080 - (discharged - enrolled).days)
            child = self._born(enrolled - _days(rng.randint(0, spare)), known=False)
            episode = _Episode(enrolled, False, None, discharged)
        return [child], [episode]

    # -- families -----------------------------------------------------------------------

    def family(self, ctx: _Agency, *, visitor: User, team: Team, kind: str, reason: str = ""):
        """One family with its people, consents, referral, episodes and assignments."""
        rng = self.rng
        if kind == "active":
            children, episodes = self._active_timeline()
        elif kind == "reenrolled":
            children, episodes = self._reenrolled_timeline()
            self.reenrolled += 1
        else:
            children, episodes = self._discharged_timeline(reason)
            episodes[-1].reason = reason
            episodes[-1].planned = rng.random() < DISCHARGE_MIX[reason][1]
            self.discharged += 1
        first = episodes[0]
        referral_date = first.enrolled - _days(rng.randint(7, 75))
        people = self._caregivers(ctx.county, anchor=referral_date)
        primary = people[0]
        family = Family(
            agency=ctx.agency,
            display_name=f"{primary['first_name']} {primary['last_name']}",
            # What the services keep (families.services.search), built here for bulk rows.
            search_text=search_text(
                [p[k] for p in people for k in ("first_name", "last_name")]
                + [spec.name for spec in children if spec.birth]
            ),
        )
        self.families.append(family)
        ctx.families.append(family)
        for person in people:
            self.caregivers.append(
                Caregiver(
                    family=family,
                    normalized_name=normalize_name(person["first_name"], person["last_name"]),
                    **person,
                )
            )
        for spec in children:
            self.children.append(
                Child(
                    family=family,
                    first_name=spec.name if spec.birth else "",
                    birth_date=spec.birth,
                    due_date=spec.due,
                    gestational_age_weeks=spec.ga if spec.birth else None,
                    birth_weight_grams=spec.weight if spec.birth else None,
                )
            )
        referral = self._enrolled_referral(ctx, family, people, children, referral_date, first)
        assignments = self._assignments(ctx, visitor=visitor, team=team, episodes=episodes)
        family.home_visitor = assignments[-1].home_visitor
        recorder = assignments[0].home_visitor
        for number, episode in enumerate(episodes):
            self.enrollments.append(
                Enrollment(
                    family=family,
                    referral=referral if number == 0 else None,
                    enrolled_on=episode.enrolled,
                    prenatal=episode.prenatal,
                    gestational_weeks_at_enrollment=episode.ga if episode.prenatal else None,
                    discharged_on=episode.discharged,
                    discharge_reason=episode.reason,
                    discharge_planned=episode.planned,
                    transition_plan=self._transition_plan(episode),
                    referrals_made=self._referrals_made(episode),
                    enrolled_by=ctx.admin,
                    discharged_by=ctx.supervisor(team) if episode.discharged else None,
                )
            )
        self._consents(family, first.enrolled, episodes[-1].discharged, recorder)
        return family

    def _transition_plan(self, episode: _Episode) -> str:
        if episode.discharged is None:
            return ""
        if not episode.planned:
            return self.rng.choice(TRANSITION_PLANS["unplanned"]) if self.rng.random() < 0.6 else ""
        options = TRANSITION_PLANS.get(episode.reason) or TRANSITION_PLANS["goals_met"]
        return self.rng.choice(options)

    def _referrals_made(self, episode: _Episode) -> str:
        if episode.discharged is None or (not episode.planned and self.rng.random() < 0.5):
            return ""
        made = self.rng.sample(REFERRALS_MADE, self.rng.randint(1, 3))
        if episode.reason == Enrollment.DischargeReason.AGE_LIMIT and "Head Start" not in made:
            made.insert(0, "Head Start")
        return "; ".join(made)

    def _consents(self, family: Family, given: date, ended: date | None, by: User) -> None:
        rng, last = self.rng, ended or self.today
        kinds = [Consent.Kind.SERVICES]
        if rng.random() < 0.8:
            kinds.append(Consent.Kind.DEIDENTIFIED)
        if rng.random() < 0.1:
            kinds.append(Consent.Kind.PART2)
        for kind in kinds:
            on = given if kind != Consent.Kind.PART2 else _between(rng, given, last)
            revoked = None
            revoke_rate = {Consent.Kind.DEIDENTIFIED: 0.05, Consent.Kind.PART2: 0.2}.get(kind, 0)
            if rng.random() < revoke_rate and (last - on).days > 14:
                revoked = _between(rng, on + _days(14), last)
            self.consents.append(
                Consent(family=family, kind=kind, given_on=on, revoked_on=revoked, recorded_by=by)
            )

    def _assignments(
        self, ctx: _Agency, *, visitor: User, team: Team, episodes: list[_Episode]
    ) -> list[Assignment]:
        rng, today = self.rng, self.today
        made: list[Assignment] = []
        by = ctx.supervisor(team)
        first = episodes[0]
        if len(episodes) == 2:  # re-enrolled: the first episode's visitor, then today's
            before = self._other_visitor(ctx, team, visitor) if rng.random() < 0.5 else visitor
            made.append(
                Assignment(
                    home_visitor=before,
                    start_date=first.enrolled,
                    end_date=first.discharged,
                    reason="First assignment at enrollment.",
                )
            )
            made.append(
                Assignment(
                    home_visitor=visitor,
                    start_date=episodes[1].enrolled,
                    reason="Re-enrolled after a break in services.",
                )
            )
        elif (
            first.discharged is None
            and first.enrolled <= today - _days(60)
            and (rng.random() < TRANSFER_SHARE)
        ):
            former_fits = (
                ctx.former is not None
                and ctx.former_team == team
                and first.enrolled <= ctx.former_end - _days(30)
                and rng.random() < 0.5
            )
            if former_fits:
                before, moved = ctx.former, ctx.former_end + _days(1)
                why = "Home visitor left the agency."
            else:
                before = self._other_visitor(ctx, team, visitor)
                moved = _between(rng, first.enrolled + _days(30), today - _days(7))
                why = rng.choice(TRANSFER_REASONS)
            if before is not None:
                made.append(
                    Assignment(
                        home_visitor=before,
                        start_date=first.enrolled,
                        end_date=moved - _days(1),
                        reason="First assignment at enrollment.",
                    )
                )
                made.append(Assignment(home_visitor=visitor, start_date=moved, reason=why))
                self.transferred += 1
        if not made:
            made.append(
                Assignment(
                    home_visitor=visitor,
                    start_date=first.enrolled,
                    end_date=first.discharged,
                    reason="First assignment at enrollment.",
                )
            )
        family = self.families[-1]
        for assignment in made:
            assignment.family = family
            assignment.assigned_by = by
            self.assignments.append(assignment)
        return made

    def _other_visitor(self, ctx: _Agency, team: Team, visitor: User) -> User | None:
        same_team = [u for u, t, _ in ctx.visitors if t == team and u != visitor]
        anyone = [u for u, _, _ in ctx.visitors if u != visitor]
        pool = same_team or anyone
        return self.rng.choice(pool) if pool else None
