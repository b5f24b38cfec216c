"""Home visits and the fidelity tool.

The fidelity catalogue (key components and the strategies under each) is versioned: the
state publishes a new version, and every visit keeps the version it was documented with.
A visit is scheduled, then documented (outcome; for a completed visit: times, place, who
took part, components and strategies, note), then signed. After signing, changes are
amendments with a reason; the text as signed stays readable.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Catalogue(models.Model):
    """One published version of the fidelity tool."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    is_starter = models.BooleanField(
        default=False,
        help_text="The starter catalogue written from the model's public descriptions, "
        "in use until the state loads its own tool.",
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class KeyComponent(models.Model):
    catalogue = models.ForeignKey(Catalogue, on_delete=models.PROTECT, related_name="components")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["catalogue", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "code"],
                name="component_code_unique_in_catalogue",
                violation_error_message=(
                    "This catalogue already has a key component with that code."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.label


class Strategy(models.Model):
    class ResponseType(models.TextChoices):
        YES_NO = "yes_no", "Yes / no"
        RATING = "rating", "Rating 0–3"

    component = models.ForeignKey(KeyComponent, on_delete=models.PROTECT, related_name="strategies")
    code = models.SlugField(max_length=60)
    text = models.CharField(max_length=300)
    response_type = models.CharField(max_length=10, choices=ResponseType.choices)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["component", "order"]
        verbose_name_plural = "strategies"
        constraints = [
            models.UniqueConstraint(
                fields=["component", "code"],
                name="strategy_code_unique_in_component",
                violation_error_message="This key component already has a strategy with that code.",
            )
        ]

    def __str__(self) -> str:
        return self.text


class VisitPlan(models.Model):
    """How often a family is visited, from a date on; the newest row on a day applies."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        TWICE_WEEKLY = "twice_weekly", "Twice weekly"
        EVERY_OTHER_WEEK = "every_other_week", "Every other week"
        PAUSED = "paused", "Paused"

    DAYS = [
        (0, "Monday"),
        (1, "Tuesday"),
        (2, "Wednesday"),
        (3, "Thursday"),
        (4, "Friday"),
        (5, "Saturday"),
        (6, "Sunday"),
    ]

    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="visit_plans"
    )
    effective_from = models.DateField()
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY)
    paused_until = models.DateField(null=True, blank=True)
    pause_reason = models.CharField(max_length=300, blank=True)
    preferred_day = models.PositiveSmallIntegerField(choices=DAYS, null=True, blank=True)
    preferred_time = models.TimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family", "-effective_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(frequency="paused")
                | (Q(paused_until__isnull=False) & Q(paused_until__gte=F("effective_from"))),
                name="paused_plan_has_an_end",
                violation_error_message=(
                    "A pause needs an end date on or after the day the plan changes."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.frequency} from {self.effective_from}"


class VisitQuerySet(models.QuerySet):
    def completed(self) -> "VisitQuerySet":
        return self.filter(outcome=Visit.Outcome.COMPLETED)

    def home_visits(self) -> "VisitQuerySet":
        return self.completed().filter(place=Visit.Place.HOME)


class Visit(models.Model):
    class Outcome(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        COMPLETED = "completed", "Completed"
        ATTEMPTED = "attempted", "Attempted: family not home"
        CANCELLED_FAMILY = "cancelled_family", "Cancelled by the family"
        CANCELLED_VISITOR = "cancelled_visitor", "Cancelled by the home visitor"
        RESCHEDULED = "rescheduled", "Rescheduled"

    class Place(models.TextChoices):
        HOME = "home", "Family home"
        OTHER = "other", "Other in-person place"
        VIDEO = "video", "Video"
        PHONE = "phone", "Phone"

    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="visits")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits"
    )
    scheduled_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.SCHEDULED)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    place = models.CharField(max_length=10, choices=Place.choices, blank=True)
    caregivers_present = models.ManyToManyField("families.Caregiver", blank=True, related_name="+")
    children_present = models.ManyToManyField("families.Child", blank=True, related_name="+")
    others_present = models.CharField("other household members present", max_length=200, blank=True)
    catalogue = models.ForeignKey(
        Catalogue, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    components = models.ManyToManyField(KeyComponent, blank=True, related_name="visits")
    asked_about_development = models.BooleanField(
        "asked the caregiver about concerns with the child's development or behaviour",
        default=False,
    )
    safety_concern = models.BooleanField(default=False)
    note = models.TextField("narrative note", blank=True)
    next_steps = models.TextField(blank=True)
    documented_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_at", "-pk"]
        indexes = [
            models.Index(fields=["visitor", "scheduled_at"]),
            models.Index(fields=["family", "scheduled_at"]),
            # The latest home visit of a family (My week, disengagement alerts).
            models.Index(
                fields=["family", "started_at"],
                condition=Q(outcome="completed", place="home"),
                name="completed_home_visits",
            ),
            # Notes not signed yet: few at any time, judged on every fidelity report.
            models.Index(
                fields=["started_at"],
                condition=Q(outcome="completed", signed_at__isnull=True),
                name="unsigned_notes",
            ),
            # Notes waiting for a signature per home visitor (My day, My week, Team week,
            # the supervisor's home): a few rows of each visitor's thousands of visits.
            models.Index(
                fields=["visitor", "scheduled_at"],
                condition=Q(signed_at__isnull=True) & ~Q(outcome="scheduled"),
                name="unsigned_by_visitor",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(ended_at__gt=F("started_at")),
                name="visit_ends_after_start",
                violation_error_message=(
                    "A visit ends after it starts: check the start and end times."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"visit {self.pk}"

    @property
    def minutes(self) -> int | None:
        if self.started_at and self.ended_at:
            return int((self.ended_at - self.started_at).total_seconds() // 60)
        return None

    @property
    def is_home_visit(self) -> bool:
        return self.outcome == self.Outcome.COMPLETED and self.place == self.Place.HOME

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class StrategyResponse(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="strategy_responses")
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(help_text="yes/no as 1/0, or a rating 0–3")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "strategy"],
                name="one_response_per_strategy",
                violation_error_message="Each strategy takes one answer per visit.",
            ),
            models.CheckConstraint(
                condition=Q(value__lte=3),
                name="strategy_value_in_range",
                violation_error_message="A strategy's rating is from 0 to 3.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy_id}={self.value}"


class Amendment(models.Model):
    """A change to a signed visit note: who, when, why, and what it was before."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="amendments")
    amended_at = models.DateTimeField()
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=500)
    changes = models.JSONField(help_text="{field: [before, after]}")

    class Meta:
        ordering = ["amended_at", "pk"]

    def __str__(self) -> str:
        return f"amendment of visit {self.visit_id} at {self.amended_at}"


# --- pre-aggregated fidelity facts ----------------------------------------------------
# Maintained by imhhv/visits/facts.py inside the transaction of every write that changes
# them (visits, plans, enrollment, assignment); `rebuild_facts` repairs, `verify_facts`
# checks them against a recomputation from the raw rows. Column names are the totals of
# `imhhv.core.fidelity.weekly.summable`: a report is their SUM over rows.

COMPONENT_COLUMNS = (
    "component_alliance",
    "component_material_needs",
    "component_emotional_support",
    "component_developmental_guidance",
    "component_infant_parent_psychotherapy",
    "component_life_coping",
    "component_culturally_responsive",
)


class WeekTotals(models.Model):
    """The summable figures of one week (of a family, a visitor's family, an agency...)."""

    week = models.DateField(help_text="the Monday")
    expected = models.PositiveIntegerField(default=0)
    covered = models.PositiveIntegerField(default=0)
    planned = models.FloatField(default=0)
    delivered = models.PositiveIntegerField(default=0)
    windows = models.PositiveIntegerField(default=0)
    distinct_total = models.PositiveIntegerField(default=0)
    home_visits = models.PositiveIntegerField(default=0)
    contacts = models.PositiveIntegerField(default=0)
    durations = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=0)
    within = models.PositiveIntegerField(default=0)
    short = models.PositiveIntegerField(default=0)
    long = models.PositiveIntegerField(default=0)
    min_minutes = models.PositiveIntegerField(null=True)
    max_minutes = models.PositiveIntegerField(null=True)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    unsigned = models.PositiveIntegerField(default=0)
    component_alliance = models.PositiveIntegerField(default=0)
    component_material_needs = models.PositiveIntegerField(default=0)
    component_emotional_support = models.PositiveIntegerField(default=0)
    component_developmental_guidance = models.PositiveIntegerField(default=0)
    component_infant_parent_psychotherapy = models.PositiveIntegerField(default=0)
    component_life_coping = models.PositiveIntegerField(default=0)
    component_culturally_responsive = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.week}"


class FamilyWeekFacts(WeekTotals):
    """One row of a family chain (`imhhv.core.fidelity.weekly.WeekFact`)."""

    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    enrolled_days = models.PositiveSmallIntegerField(default=0)
    paused_days = models.PositiveSmallIntegerField(default=0)
    streak_in = models.PositiveIntegerField(default=0)
    last_home_visit = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["family", "week"], name="one_family_week"),
        ]
        indexes = [
            models.Index(fields=["week", "agency"], name="family_week_by_week"),
            # This week's disengagement alerts (streak of 3, `visits.fidelity.STREAK_WEEKS`):
            # a few hundred rows of the state's 8,000 current families (explain_fidelity).
            models.Index(
                fields=["week", "agency"],
                condition=Q(streak_in__gte=3, home_visits=0),
                name="family_week_streaks",
            ),
        ]


class VisitorWeekFacts(WeekTotals):
    """One row of a family-with-one-home-visitor chain: that visitor's visits, the days
    the family was assigned to them."""

    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    enrolled_days = models.PositiveSmallIntegerField(default=0)
    paused_days = models.PositiveSmallIntegerField(default=0)
    streak_in = models.PositiveIntegerField(default=0)
    last_home_visit = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["visitor", "family", "week"], name="one_visitor_family_week"
            ),
        ]
        indexes = [
            models.Index(fields=["visitor", "week"], name="visitor_week_by_visitor"),
            models.Index(fields=["family", "week"], name="visitor_week_by_family"),
        ]


class AgencyWeekTotals(WeekTotals):
    """The sum of an agency's family rows for one week (the state and agency reports)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "week"], name="one_agency_week"),
        ]


class VisitorWeekTotals(WeekTotals):
    """The sum of a home visitor's rows at one agency for one week (team reports)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["visitor", "agency", "week"], name="one_visitor_agency_week"
            ),
        ]
