"""A family's path through IMH-HV: referral, enrollment episodes, people, consents,
home visitor assignments and discharge.

Referral data is what intake hears on the phone; enrollment turns it into a Family with
caregivers, children and consents. A family may have several enrollment episodes: a
discharged family is read-only until it is re-enrolled, which opens a new episode and
keeps the old one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from imhhv.core.eligibility import MEDICAID_STATUSES

# The risk factor list is reference data (imhhv.reference, issue 7); the name stays
# importable from here until every import says `from imhhv.reference.models import …`.
from imhhv.reference.models import RiskFactor

# --- reference data ---------------------------------------------------------------------

REFERRAL_SOURCES = [
    ("self", "Self-referral"),
    ("prenatal", "Prenatal or OB clinic"),
    ("pediatric", "Pediatric or primary care"),
    ("hospital", "Hospital or NICU"),
    ("child_welfare", "Child welfare"),
    ("wic", "WIC"),
    ("early_on", "Early On"),
    ("community", "Community agency"),
    ("other", "Other"),
]
MEDICAID_CHOICES = [
    ("enrolled", "Enrolled in Medicaid"),
    ("eligible", "Eligible, not yet enrolled"),
    ("pending", "Application pending"),
    ("not_eligible", "Not eligible"),
    ("unknown", "Unknown"),
]
assert {c for c, _ in MEDICAID_CHOICES} == set(MEDICAID_STATUSES)

LANGUAGES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("ar", "Arabic"),
    ("bn", "Bengali"),
    ("zh", "Chinese"),
    ("sq", "Albanian"),
    ("vi", "Vietnamese"),
    ("fr", "French"),
    ("asl", "American Sign Language"),
    ("other", "Other"),
]

# --- referrals --------------------------------------------------------------------------


class ReferralQuerySet(models.QuerySet):
    def waiting(self) -> "ReferralQuerySet":
        """Eligible (by screen or override) and neither enrolled nor closed: the waitlist."""
        return self.filter(status=Referral.Status.ELIGIBLE)


class Referral(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New, not screened"
        ELIGIBLE = "eligible", "Eligible, waiting"
        INELIGIBLE = "ineligible", "Not eligible"
        ENROLLED = "enrolled", "Enrolled"
        CLOSED = "closed", "Closed without enrolling"

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="referrals"
    )
    referral_date = models.DateField()
    source = models.CharField(max_length=20, choices=REFERRAL_SOURCES)
    referrer_name = models.CharField("referrer's name", max_length=200, blank=True)
    referrer_organization = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField("referrer's phone", max_length=40, blank=True)
    pregnant = models.BooleanField(default=False)
    due_date = models.DateField(null=True, blank=True)
    medicaid_status = models.CharField(max_length=20, choices=MEDICAID_CHOICES, default="unknown")
    medicaid_id = models.CharField("Medicaid id", max_length=40, blank=True, db_index=True)
    other_funding = models.CharField(
        "other funding source",
        max_length=200,
        blank=True,
        help_text="When the family is not Medicaid-eligible: the source that pays.",
    )
    consent_to_contact = models.BooleanField(default=False)
    risk_factors = models.ManyToManyField(RiskFactor, blank=True, related_name="+")
    notes = models.TextField(blank=True)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    screened_on = models.DateField(null=True, blank=True)
    screen_eligible = models.BooleanField(null=True, blank=True)
    screen_reasons = models.JSONField(default=list, blank=True)
    override_reason = models.TextField(blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_reason = models.CharField(max_length=200, blank=True)
    family = models.ForeignKey(
        "Family", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    # The caregivers' and children's names folded for search (imhhv.core.search), kept by
    # the intake services: " ana jose garcia ".
    search_text = models.TextField(blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-referral_date", "-pk"]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"referral {self.pk}"

    @property
    def primary_caregiver(self) -> "ReferralCaregiver | None":
        people = list(self.caregivers.all())
        return people[0] if people else None


class ReferralCaregiver(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="caregivers")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    normalized_name = models.CharField(max_length=200, db_index=True, editable=False)
    birth_date = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100, blank=True)
    zip_code = models.CharField("ZIP code", max_length=10, blank=True)
    preferred_language = models.CharField(max_length=10, choices=LANGUAGES, default="en")
    interpreter_needed = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ReferralChild(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="children")
    first_name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField()

    class Meta:
        ordering = ["birth_date", "pk"]
        verbose_name_plural = "referral children"

    def __str__(self) -> str:
        return self.first_name or f"child born {self.birth_date}"


# --- families ---------------------------------------------------------------------------


class FamilyQuerySet(models.QuerySet):
    def active(self) -> "FamilyQuerySet":
        """Families with an open enrollment episode."""
        open_episode = Enrollment.objects.filter(family=OuterRef("pk"), discharged_on__isnull=True)
        return self.filter(Exists(open_episode))

    def discharged(self) -> "FamilyQuerySet":
        open_episode = Enrollment.objects.filter(family=OuterRef("pk"), discharged_on__isnull=True)
        return self.exclude(Exists(open_episode))


class Family(models.Model):
    """A family served by IMH-HV.

    `home_visitor` is the current assignment, kept by `assign_home_visitor` together with
    the `Assignment` history: scoping every query through it keeps lists to one join.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="families")
    home_visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="caseload",
    )
    display_name = models.CharField(max_length=200)
    # The display name and every caregiver's and child's name folded for search
    # (imhhv.core.search), kept by the family services (`services.search`). One column:
    # a search is one LIKE per term on the rows already scoped, no join.
    search_text = models.TextField(blank=True, default="", editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FamilyQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "pk"]
        verbose_name_plural = "families"
        indexes = [models.Index(fields=["agency", "home_visitor"])]

    def __str__(self) -> str:
        return self.display_name


class Caregiver(models.Model):
    class Relationship(models.TextChoices):
        PRIMARY = "primary", "Primary caregiver"
        SECONDARY = "secondary", "Secondary caregiver"
        OTHER_ADULT = "other_adult", "Other significant adult"
        FOSTER = "foster", "Foster parent"
        KIN = "kin", "Kin caregiver"

    RACES = [
        ("aian", "American Indian or Alaska Native"),
        ("asian", "Asian"),
        ("black", "Black or African American"),
        ("mena", "Middle Eastern or North African"),
        ("nhpi", "Native Hawaiian or Pacific Islander"),
        ("white", "White"),
        ("declined", "Prefers not to say"),
    ]
    HISPANIC = [
        ("yes", "Hispanic or Latino"),
        ("no", "Not Hispanic or Latino"),
        ("declined", "Prefers not to say"),
    ]
    EDUCATION = [
        ("less_hs", "Less than high school"),
        ("hs", "High school diploma or GED"),
        ("some_college", "Some college or technical training"),
        ("associate", "Associate degree"),
        ("bachelor", "Bachelor's degree or higher"),
        ("unknown", "Unknown"),
    ]
    EMPLOYMENT = [
        ("full_time", "Employed full time"),
        ("part_time", "Employed part time"),
        ("not_employed", "Not employed"),
        ("student", "Student"),
        ("unknown", "Unknown"),
    ]
    PROGRAMS = [
        ("medicaid", "Medicaid"),
        ("wic", "WIC"),
        ("snap", "SNAP"),
        ("tanf", "TANF"),
        ("ssi", "SSI"),
        ("housing", "Housing assistance"),
    ]
    INSURANCE = [
        ("medicaid", "Medicaid"),
        ("private", "Private insurance"),
        ("other_public", "Other public coverage"),
        ("none", "No insurance"),
        ("unknown", "Unknown"),
    ]

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="caregivers")
    relationship = models.CharField(max_length=12, choices=Relationship.choices)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    normalized_name = models.CharField(max_length=200, db_index=True, editable=False)
    birth_date = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100, blank=True)
    zip_code = models.CharField("ZIP code", max_length=10, blank=True)
    preferred_language = models.CharField(max_length=10, choices=LANGUAGES, default="en")
    interpreter_needed = models.BooleanField(default=False)
    races = models.JSONField(default=list, blank=True)
    hispanic = models.CharField(max_length=10, choices=HISPANIC, blank=True)
    tribal_affiliation = models.CharField(max_length=200, blank=True)
    education = models.CharField(max_length=20, choices=EDUCATION, default="unknown")
    employment = models.CharField(max_length=20, choices=EMPLOYMENT, default="unknown")
    programs = models.JSONField("means-tested programs", default=list, blank=True)
    insurance = models.CharField(max_length=20, choices=INSURANCE, default="unknown")
    medicaid_id = models.CharField("Medicaid id", max_length=40, blank=True, db_index=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Child(models.Model):
    """A child born or expected. Recording a birth adds the date, gestational age and weight."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="children")
    first_name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    gestational_age_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_weight_grams = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["birth_date", "due_date", "pk"]
        verbose_name_plural = "children"
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_date__isnull=False) | Q(due_date__isnull=False),
                name="child_born_or_expected",
                violation_error_message=(
                    "Give the child's birth date, or the due date for an expected child."
                ),
            ),
            models.CheckConstraint(
                condition=Q(gestational_age_weeks__isnull=True)
                | Q(gestational_age_weeks__gte=20, gestational_age_weeks__lte=45),
                name="child_gestational_age_in_range",
                violation_error_message="Gestational age at birth is between 20 and 45 weeks.",
            ),
            models.CheckConstraint(
                condition=Q(birth_weight_grams__isnull=True)
                | Q(birth_weight_grams__gte=200, birth_weight_grams__lte=7000),
                name="child_birth_weight_in_range",
                violation_error_message="Birth weight is between 200 and 7,000 grams.",
            ),
        ]

    def __str__(self) -> str:
        if self.first_name:
            return self.first_name
        return "expected child" if self.birth_date is None else "child"

    @property
    def is_born(self) -> bool:
        return self.birth_date is not None


class Consent(models.Model):
    class Kind(models.TextChoices):
        SERVICES = "services", "Consent to services"
        DEIDENTIFIED = "deidentified", "Share de-identified data with evaluators"
        PART2 = "part2", "Disclose substance-use records (42 CFR Part 2)"

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    given_on = models.DateField()
    revoked_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-given_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=models.F("given_on")),
                name="consent_revoked_after_given",
                violation_error_message="A consent cannot be revoked before the day it was given.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} from {self.given_on}"

    @property
    def in_force(self) -> bool:
        return self.revoked_on is None


class Enrollment(models.Model):
    """One episode of service, from enrollment to discharge."""

    class DischargeReason(models.TextChoices):
        GOALS_MET = "goals_met", "Goals met"
        AGE_LIMIT = "age_limit", "Child reached the age limit"
        MOVED = "moved", "Moved away"
        FAMILY_ENDED = "family_ended", "Family ended services"
        UNABLE_TO_LOCATE = "unable_to_locate", "Unable to locate"
        TRANSFERRED = "transferred", "Transferred to other services"
        PLACED = "placed", "Child placed out of home"
        OTHER = "other", "Other"

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="enrollments")
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="enrollments"
    )
    enrolled_on = models.DateField()
    prenatal = models.BooleanField(default=False)
    gestational_weeks_at_enrollment = models.PositiveSmallIntegerField(null=True, blank=True)
    discharged_on = models.DateField(null=True, blank=True)
    discharge_reason = models.CharField(max_length=20, choices=DischargeReason.choices, blank=True)
    discharge_planned = models.BooleanField(null=True, blank=True)
    transition_plan = models.TextField(blank=True)
    referrals_made = models.TextField(blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    discharged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-enrolled_on", "-pk"]
        # Episodes open during a period (families counted by the fidelity reports): most
        # of a state's episodes ended years ago, and this finds the others.
        indexes = [models.Index(fields=["discharged_on", "enrolled_on"], name="episodes_by_end")]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True)
                | Q(discharged_on__gte=models.F("enrolled_on")),
                name="enrollment_discharged_after_enrolled",
                violation_error_message="The discharge date cannot be before the enrollment date.",
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(discharged_on__isnull=True),
                name="one_open_enrollment_per_family",
                violation_error_message=(
                    "This family already has an open episode: discharge it first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(gestational_weeks_at_enrollment__isnull=True)
                | Q(
                    gestational_weeks_at_enrollment__gte=4, gestational_weeks_at_enrollment__lte=42
                ),
                name="enrollment_gestational_weeks_in_range",
                violation_error_message="Weeks of pregnancy at enrollment are between 4 and 42.",
            ),
        ]

    def __str__(self) -> str:
        return f"episode from {self.enrolled_on}"

    @property
    def is_open(self) -> bool:
        return self.discharged_on is None


class Assignment(models.Model):
    """Who was the family's home visitor, when, and why it changed."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="assignments")
    home_visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    over_cap_confirmed = models.BooleanField(default=False)
    # Assigned by a supervisor's override although the home visitor could not carry
    # families yet (issue 10: self-assessment not discussed, not endorsed nor waived).
    qualification_override = models.BooleanField(default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_ends_after_start",
                violation_error_message="An assignment cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"family {self.family_id} with {self.home_visitor_id} from {self.start_date}"
