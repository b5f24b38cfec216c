"""Rows of the staff record and of reflective supervision (issue 10, parts 1 and 3).

The rules that judge these rows live in `imhhv.core.workforce` (pure); `queries.py` turns
rows into its `StaffFacts`. Choice values are the core's constants, so a row and a rule
can never spell a category differently (the training category is `children_mental_health`,
as in the core).

Learning-collaborative cohorts are run by the state (`Cohort`, `CohortMember` with the
attendance); booster sessions are training-ledger entries marked `booster`; an evidence
file (a certificate) is kept in the database beside its entry (`TrainingEvidence`, at
most 5 MB: backed up and restored with everything else, served only through access).
Staff questionnaires (`StaffInstrument`, `StaffQuestionnaire`) keep scores only, never
item text: the agency names its instrument and its score range.

Session notes (`SupervisionSession.notes`) are readable only by the people in the
session: every read goes through `imhhv.workforce.access.session_notes_for`, and the
query helpers defer the column.
"""

from django.db import models
from django.db.models import F, Q

from imhhv.accounts.models import User
from imhhv.core import workforce as rules


class Degree(models.Model):
    class Level(models.TextChoices):
        BACHELOR = "bachelor", "Bachelor's"
        MASTER = "master", "Master's"
        DOCTORATE = "doctorate", "Doctorate"
        OTHER = "other", "Other"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="degrees")
    level = models.CharField(max_length=12, choices=Level.choices)
    field = models.CharField(max_length=120, blank=True)
    institution = models.CharField(max_length=160, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1940, year__lte=2100),
                name="workforce_degree_year_plausible",
                violation_error_message="Give the year the degree was awarded (1940–2100).",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} degree of user {self.user_id}"


class License(models.Model):
    class Type(models.TextChoices):
        LMSW = "LMSW", "LMSW"
        LLMSW = "LLMSW", "LLMSW"
        LPC = "LPC", "LPC"
        LLPC = "LLPC", "LLPC"
        LP = "LP", "LP"
        LLP = "LLP", "LLP"
        LMFT = "LMFT", "LMFT"
        OTHER = "other", "Other"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="licenses")
    type = models.CharField(max_length=8, choices=Type.choices)
    number = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=2, default="MI")
    issued_on = models.DateField()
    expires_on = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("issued_on")),
                name="workforce_license_expiry_after_issue",
                violation_error_message="The expiry date cannot be before the issue date.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} license of user {self.user_id}"


class Endorsement(models.Model):
    """One row per person and category (set_endorsement updates it in place)."""

    CATEGORY_CHOICES = [(c, rules.CATEGORY_LABELS[c]) for c in rules.CATEGORY_ORDER]
    STATUS_CHOICES = [
        (rules.NOT_STARTED, "Not started"),
        (rules.REGISTERED, "Registered"),
        (rules.ENDORSED, "Endorsed"),
        (rules.LAPSED, "Lapsed"),
    ]

    class MentorTrack(models.TextChoices):
        NONE = "", "—"
        CLINICAL = "clinical", "Clinical"
        POLICY = "policy", "Policy"
        RESEARCH_FACULTY = "research_faculty", "Research/Faculty"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="endorsements")
    category = models.CharField(max_length=30, choices=CATEGORY_CHOICES)
    mentor_track = models.CharField(
        max_length=20, choices=MentorTrack.choices, blank=True, default=""
    )
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=rules.NOT_STARTED)
    registered_on = models.DateField(null=True, blank=True)
    endorsed_on = models.DateField(null=True, blank=True)
    number = models.CharField(max_length=40, blank=True)
    renewal_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category"],
                name="workforce_one_endorsement_per_category",
                violation_error_message="This endorsement category is already recorded.",
            ),
            models.CheckConstraint(
                condition=Q(mentor_track="") | Q(category=rules.IMH_MENTOR),
                name="workforce_mentor_track_only_for_mentor",
                violation_error_message="Only the Mentor endorsement has a track.",
            ),
            models.CheckConstraint(
                condition=~Q(status=rules.ENDORSED) | Q(endorsed_on__isnull=False),
                name="workforce_endorsed_has_date",
                violation_error_message="Give the date the endorsement was granted.",
            ),
            models.CheckConstraint(
                condition=~Q(status=rules.REGISTERED) | Q(registered_on__isnull=False),
                name="workforce_registered_has_date",
                violation_error_message="Give the date of registration.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} endorsement of user {self.user_id}"


class Waiver(models.Model):
    """A fiscal-year waiver for staff below Infant Family Specialist."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="waivers")
    fiscal_year = models.PositiveSmallIntegerField()
    requested_on = models.DateField()
    approved_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "fiscal_year"],
                name="workforce_one_waiver_per_fiscal_year",
                violation_error_message="A waiver for this fiscal year is already recorded.",
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True) | Q(approved_on__gte=F("requested_on")),
                name="workforce_waiver_approved_after_request",
                violation_error_message="A waiver cannot be approved before it was requested.",
            ),
        ]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} waiver of user {self.user_id}"


class SelfAssessment(models.Model):
    """The pre-service self-assessment: one per person, updated in place."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="self_assessments")
    completed_on = models.DateField(null=True, blank=True)
    discussed_on = models.DateField(null=True, blank=True)
    discussed_with = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    gaps = models.TextField(blank=True)
    resources = models.TextField(blank=True)
    follow_up = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                name="workforce_one_self_assessment",
                violation_error_message="The self-assessment is already recorded.",
            ),
            models.CheckConstraint(
                condition=Q(discussed_on__isnull=True)
                | (Q(completed_on__isnull=False) & Q(discussed_on__gte=F("completed_on"))),
                name="workforce_discussed_after_completed",
                violation_error_message="It can be discussed only on or after it was completed.",
            ),
        ]

    def __str__(self) -> str:
        return f"self-assessment of user {self.user_id}"


class TrainingEntry(models.Model):
    CATEGORY_CHOICES = [
        (rules.CHILDREN_MENTAL_HEALTH, "Children's mental health"),
        (rules.RELATIONSHIP_BASED, "Relationship-based infant mental health"),
        (rules.REFLECTIVE_SUPERVISION, "Reflective supervision/consultation"),
        (rules.OTHER, "Other"),
    ]

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="training_entries")
    day = models.DateField()
    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=160, blank=True)
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    category = models.CharField(max_length=30, choices=CATEGORY_CHOICES)
    booster = models.BooleanField(default=False)  # a learning-collaborative booster session

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0, hours__lte=rules.MAX_HOURS_PER_ENTRY),
                name="workforce_training_hours_in_a_day",
                violation_error_message="Training hours are between 0 and 24 in one entry.",
            )
        ]

    def __str__(self) -> str:
        return f"training of user {self.user_id} on {self.day}"


class Leave(models.Model):
    """A period away (weeks fully on leave do not count against weekly supervision)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="leaves")
    start = models.DateField()
    end = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="workforce_leave_ends_after_start",
                violation_error_message="Leave cannot end before it starts.",
            )
        ]

    def __str__(self) -> str:
        return f"leave of user {self.user_id} from {self.start}"


class SupervisionSession(models.Model):
    """A reflective supervision or consultation session.

    The supervisor is an account, or (a supervisor's own consultation) an external
    consultant without one, named with a credential: exactly one of the two.
    """

    class Format(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        GROUP = "group", "Group"

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="supervision_sessions"
    )
    day = models.DateField()
    started_at = models.TimeField()
    minutes = models.PositiveSmallIntegerField()
    format = models.CharField(max_length=10, choices=Format.choices)
    supervisor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_sessions_led",
    )
    consultant_name = models.CharField(max_length=120, blank=True)
    consultant_credential = models.CharField(max_length=60, blank=True)
    themes = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)  # only for the people in the session (access.py)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["agency", "day"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(supervisor__isnull=False) & Q(consultant_name=""))
                | (Q(supervisor__isnull=True) & ~Q(consultant_name="")),
                name="workforce_session_has_one_supervisor",
                violation_error_message=(
                    "Name either the supervisor or the external consultant, not both."
                ),
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=600),
                name="workforce_session_length",
                violation_error_message="A session lasts between 1 and 600 minutes.",
            ),
        ]

    def __str__(self) -> str:
        return f"supervision session {self.pk} on {self.day}"


class SupervisionParticipant(models.Model):
    session = models.ForeignKey(
        SupervisionSession, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="supervision_sessions")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                name="workforce_participant_once",
                violation_error_message="This person is already in the session.",
            )
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} in session {self.session_id}"


class SessionFamily(models.Model):
    """A family discussed in a session, by the supervisee who carries it."""

    session = models.ForeignKey(
        SupervisionSession, on_delete=models.CASCADE, related_name="families_discussed"
    )
    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="+")
    supervisee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "family"],
                name="workforce_family_once_per_session",
                violation_error_message="This family is already listed for the session.",
            )
        ]

    def __str__(self) -> str:
        return f"family {self.family_id} in session {self.session_id}"


class TrainingEvidence(models.Model):
    """A certificate or attendance record for one training entry (kept in the database)."""

    MAX_BYTES = 5 * 1024 * 1024
    CONTENT_TYPES = ("application/pdf", "image/png", "image/jpeg")

    entry = models.OneToOneField(TrainingEntry, on_delete=models.CASCADE, related_name="evidence")
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"evidence for training {self.entry_id}"


class Coursework(models.Model):
    """Psychotherapy coursework (the supervisor requirement): one row per person."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="coursework")
    psychotherapy = models.BooleanField()
    description = models.CharField(max_length=300, blank=True)
    recorded_on = models.DateField()

    def __str__(self) -> str:
        return f"coursework of user {self.user_id}"


class Cohort(models.Model):
    """A learning collaborative run by the state: a year of instruction and coaching."""

    name = models.CharField(max_length=120, unique=True)
    trainers = models.CharField(max_length=300)
    start = models.DateField()
    end = models.DateField()
    instruction_sessions = models.PositiveSmallIntegerField()
    coaching_calls = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="workforce_cohort_ends_after_start",
                violation_error_message="A cohort must end after it starts.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CohortMember(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="cohorts")
    instruction_attended = models.PositiveSmallIntegerField(default=0)
    coaching_attended = models.PositiveSmallIntegerField(default=0)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user"],
                name="workforce_cohort_member_once",
                violation_error_message="This person is already in the cohort.",
            )
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} in cohort {self.cohort_id}"


class StaffInstrument(models.Model):
    """An agency's staff questionnaire (for example a reflective-supervision self-efficacy
    scale or a job-satisfaction form): its name and score range only, no item text."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="staff_instruments"
    )
    name = models.CharField(max_length=120)
    min_score = models.DecimalField(max_digits=6, decimal_places=2)
    max_score = models.DecimalField(max_digits=6, decimal_places=2)
    higher_is_better = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"],
                name="workforce_instrument_name_once",
                violation_error_message="The agency already has an instrument of this name.",
            ),
            models.CheckConstraint(
                condition=Q(max_score__gt=F("min_score")),
                name="workforce_instrument_range",
                violation_error_message="The highest score must be above the lowest.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StaffQuestionnaire(models.Model):
    """One administration of a staff questionnaire: a time point and a total score."""

    class TimePoint(models.TextChoices):
        BASELINE = "baseline", "Baseline"
        MONTH_6 = "month_6", "6 months"
        MONTH_12 = "month_12", "12 months"
        MONTH_24 = "month_24", "24 months"

    instrument = models.ForeignKey(
        StaffInstrument, on_delete=models.PROTECT, related_name="administrations"
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="questionnaires")
    time_point = models.CharField(max_length=10, choices=TimePoint.choices)
    day = models.DateField()
    score = models.DecimalField(max_digits=6, decimal_places=2)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "user", "time_point"],
                name="workforce_questionnaire_once_per_time_point",
                violation_error_message="This time point is already recorded for this person.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.time_point} questionnaire of user {self.user_id}"
