"""Input and output schemas of the API, one per endpoint.

Inputs check shape and types; the rules of the domain (dates, duplicates, caps, stale
edits) are checked by the services the pages use, and their errors come back as 400
field errors or 409 conflicts (see imhhv.api.views).
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from imhhv.core.ages import check_child_dates
from imhhv.families.chart import child_view, youngest_age_months
from imhhv.families.models import (
    LANGUAGES,
    MEDICAID_CHOICES,
    REFERRAL_SOURCES,
    Assignment,
    Caregiver,
    Consent,
    Enrollment,
    Family,
    Referral,
    ReferralCaregiver,
    ReferralChild,
)

FUTURE_BIRTH = "A birth date cannot be in the future."


# --- errors (for the schema) ------------------------------------------------------------


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PossibleDuplicatesSerializer(serializers.Serializer):
    referrals = serializers.ListField(child=serializers.IntegerField())
    families = serializers.ListField(child=serializers.IntegerField())


class DuplicateConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    possible_duplicates = PossibleDuplicatesSerializer()


class OverCapConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    active = serializers.IntegerField(help_text="Active families the home visitor has now.")
    capacity = serializers.IntegerField(help_text="Cap for the home visitor's FTE.")


# --- sign-in ----------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)
    otp = serializers.CharField(max_length=32, required=False, allow_blank=True)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    agency = serializers.CharField(allow_null=True)
    team = serializers.CharField(allow_null=True)
    capabilities = serializers.ListField(child=serializers.CharField())


# --- referrals: input -------------------------------------------------------------------


def _blank(max_length: int) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default=""
    )


class FlatListSerializer(serializers.ListSerializer):
    """A nested list whose own errors (not a list, empty) read `{"caregivers": ["..."]}`
    instead of DRF's `{"caregivers": {"non_field_errors": [...]}}`; errors of an item stay
    keyed by its index: `{"children": {"0": {"birth_date": ["..."]}}}`."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            key = api_settings.NON_FIELD_ERRORS_KEY
            if isinstance(error.detail, dict) and set(error.detail) == {key}:
                raise serializers.ValidationError(error.detail[key]) from error
            raise


class ReferralCaregiverInSerializer(serializers.Serializer):
    class Meta:
        list_serializer_class = FlatListSerializer

    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    phone = _blank(40)
    address = _blank(300)
    city = _blank(100)
    zip_code = _blank(10)
    preferred_language = serializers.ChoiceField(choices=LANGUAGES, default="en")
    interpreter_needed = serializers.BooleanField(default=False)

    def validate_birth_date(self, value):
        if value is not None and value > timezone.localdate():
            raise serializers.ValidationError(FUTURE_BIRTH)
        return value


class ReferralChildInSerializer(serializers.Serializer):
    class Meta:
        list_serializer_class = FlatListSerializer

    first_name = _blank(100)
    birth_date = serializers.DateField()

    def validate_birth_date(self, value):
        # The same rule the service applies; checked here too so the error names the child.
        errors = check_child_dates(today=timezone.localdate(), birth_date=value, due_date=None)
        if errors:
            raise serializers.ValidationError(list(errors.values()))
        return value


class ReferralCreateSerializer(serializers.Serializer):
    referral_date = serializers.DateField(
        default=timezone.localdate, help_text="Defaults to today; cannot be in the future."
    )
    source = serializers.ChoiceField(choices=REFERRAL_SOURCES)
    referrer_name = _blank(200)
    referrer_organization = _blank(200)
    referrer_phone = _blank(40)
    pregnant = serializers.BooleanField(default=False)
    due_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Needed when pregnant: at most 10 months ahead, passed by at most 4 weeks.",
    )
    medicaid_status = serializers.ChoiceField(choices=MEDICAID_CHOICES, default="unknown")
    medicaid_id = _blank(40)
    other_funding = _blank(200)
    consent_to_contact = serializers.BooleanField(default=False)
    notes = _blank(5000)
    caregivers = ReferralCaregiverInSerializer(many=True, help_text="One to four people.")
    children = ReferralChildInSerializer(
        many=True, required=False, default=list, help_text="Born children, up to six."
    )
    risk_factors = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        default=list,
        max_length=40,
        help_text="Risk factor codes from the reference list (parent and child).",
    )
    confirm_not_duplicate = serializers.BooleanField(
        default=False,
        help_text="Send true after checking the possible duplicates a 409 answer listed.",
    )

    def validate_caregivers(self, value):
        if not value:
            raise serializers.ValidationError("Give at least one caregiver.")
        if len(value) > 4:
            raise serializers.ValidationError("Give at most four caregivers.")
        return value

    def validate_children(self, value):
        if len(value) > 6:
            raise serializers.ValidationError("Give at most six children.")
        return value


class ReferralQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Referral.Status.choices, required=False, help_text="Only referrals in this state."
    )


class ScreenResultSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())


class OverrideSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reason = serializers.CharField(
        max_length=2000, help_text="Why the rule is overridden (at least 10 characters)."
    )


# --- referrals: output ------------------------------------------------------------------


class ReferralListSerializer(serializers.ModelSerializer):
    primary_caregiver = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "referral_date",
            "source",
            "status",
            "pregnant",
            "primary_caregiver",
            "screen_eligible",
            "version",
        ]

    def get_primary_caregiver(self, referral: Referral) -> str | None:
        person = referral.primary_caregiver
        return f"{person.first_name} {person.last_name}" if person else None


class ReferralCaregiverSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferralCaregiver
        fields = [
            "id",
            "first_name",
            "last_name",
            "birth_date",
            "phone",
            "address",
            "city",
            "zip_code",
            "preferred_language",
            "interpreter_needed",
        ]


class ReferralChildSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferralChild
        fields = ["id", "first_name", "birth_date"]


class ReferralDetailSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name", read_only=True)
    caregivers = ReferralCaregiverSerializer(many=True, read_only=True)
    children = ReferralChildSerializer(many=True, read_only=True)
    risk_factors = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    screen_reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    override_by = serializers.CharField(
        source="override_by.username", read_only=True, allow_null=True
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "agency",
            "referral_date",
            "source",
            "referrer_name",
            "referrer_organization",
            "referrer_phone",
            "pregnant",
            "due_date",
            "medicaid_status",
            "medicaid_id",
            "other_funding",
            "consent_to_contact",
            "notes",
            "caregivers",
            "children",
            "risk_factors",
            "status",
            "screened_on",
            "screen_eligible",
            "screen_reasons",
            "override_reason",
            "override_by",
            "closed_reason",
            "family",
            "created_at",
            "version",
        ]


# --- waitlist and capacity --------------------------------------------------------------


class WaitlistEntrySerializer(serializers.Serializer):
    """One waiting referral: the facts that rank it, no names or contact details."""

    position = serializers.IntegerField()
    referral = serializers.IntegerField(source="referral.pk", help_text="Referral id.")
    referral_date = serializers.DateField(source="referral.referral_date")
    days_waiting = serializers.IntegerField()
    pregnant = serializers.BooleanField(source="referral.pregnant")
    youngest_child_birth = serializers.DateField(allow_null=True)
    risk_count = serializers.IntegerField()


class WaitlistSerializer(serializers.Serializer):
    priority = serializers.ListField(
        child=serializers.CharField(), help_text="The order criteria in effect, first first."
    )
    count = serializers.IntegerField()
    results = WaitlistEntrySerializer(many=True)


class VisitorCapacitySerializer(serializers.Serializer):
    user = serializers.IntegerField(source="membership.user_id", help_text="User id.")
    name = serializers.CharField(source="membership.user.display_name")
    team = serializers.CharField(source="membership.team.name", allow_null=True, default=None)
    fte = serializers.DecimalField(source="membership.fte", max_digits=4, decimal_places=2)
    active = serializers.IntegerField(help_text="Active families.")
    capacity = serializers.IntegerField(help_text="Cap x FTE, rounded down.")
    open_slots = serializers.IntegerField(help_text="Negative when over the cap.")


class AgencyCapacitySerializer(serializers.Serializer):
    """Counts only; counts of 1..10 families are suppressed (null)."""

    agency = serializers.IntegerField(help_text="Agency id.")
    name = serializers.CharField()
    home_visitors = serializers.IntegerField()
    capacity = serializers.IntegerField()
    active_families = serializers.IntegerField(allow_null=True)
    open_slots = serializers.IntegerField(allow_null=True)
    waiting = serializers.IntegerField(allow_null=True)


# --- families ---------------------------------------------------------------------------


class FamilyQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[("active", "Active"), ("discharged", "Discharged")],
        default="active",
        help_text="Families with an open episode (default) or discharged ones.",
    )


class FamilySerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name", read_only=True)
    home_visitor = serializers.CharField(
        source="home_visitor.username", read_only=True, allow_null=True
    )
    youngest_child_age_months = serializers.SerializerMethodField()

    class Meta:
        model = Family
        fields = [
            "id",
            "display_name",
            "agency",
            "home_visitor",
            "youngest_child_age_months",
            "version",
        ]

    def get_youngest_child_age_months(self, family: Family) -> int | None:
        return youngest_age_months(family, self.context["today"])


class CaregiverSerializer(serializers.ModelSerializer):
    races = serializers.ListField(child=serializers.CharField(), read_only=True)
    programs = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Caregiver
        fields = [
            "id",
            "relationship",
            "first_name",
            "last_name",
            "birth_date",
            "phone",
            "address",
            "city",
            "zip_code",
            "preferred_language",
            "interpreter_needed",
            "races",
            "hispanic",
            "tribal_affiliation",
            "education",
            "employment",
            "programs",
            "insurance",
            "medicaid_id",
        ]


class ChildViewSerializer(serializers.Serializer):
    """A child with the ages the chart shows (imhhv.families.chart.child_view)."""

    id = serializers.IntegerField(source="child.pk")
    first_name = serializers.CharField(source="child.first_name")
    birth_date = serializers.DateField(source="child.birth_date", allow_null=True)
    due_date = serializers.DateField(source="child.due_date", allow_null=True)
    gestational_age_weeks = serializers.IntegerField(
        source="child.gestational_age_weeks", allow_null=True
    )
    birth_weight_grams = serializers.IntegerField(
        source="child.birth_weight_grams", allow_null=True
    )
    age_months = serializers.IntegerField(allow_null=True, help_text="Null before birth.")
    corrected_age_months = serializers.IntegerField(
        source="corrected_months",
        allow_null=True,
        help_text="Born before 37 weeks and under 24 months; null otherwise.",
    )
    turns_age_limit_on = serializers.DateField(source="turns_limit_on", allow_null=True)
    transition_planning = serializers.BooleanField()
    transition_message = serializers.CharField()


class EpisodeSerializer(serializers.ModelSerializer):
    open = serializers.BooleanField(source="is_open", read_only=True)
    # A plain string here: the choices are documented once, on the discharge request.
    discharge_reason = serializers.CharField(
        read_only=True, help_text="Blank while open; else a discharge reason code."
    )
    enrolled_by = serializers.CharField(
        source="enrolled_by.username", read_only=True, allow_null=True
    )
    discharged_by = serializers.CharField(
        source="discharged_by.username", read_only=True, allow_null=True
    )

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "referral",
            "enrolled_on",
            "prenatal",
            "gestational_weeks_at_enrollment",
            "open",
            "discharged_on",
            "discharge_reason",
            "discharge_planned",
            "transition_plan",
            "referrals_made",
            "enrolled_by",
            "discharged_by",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    home_visitor_name = serializers.CharField(source="home_visitor.display_name", read_only=True)
    assigned_by = serializers.CharField(
        source="assigned_by.username", read_only=True, allow_null=True
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "home_visitor",
            "home_visitor_name",
            "start_date",
            "end_date",
            "reason",
            "over_cap_confirmed",
            "assigned_by",
        ]


class ConsentSerializer(serializers.ModelSerializer):
    in_force = serializers.BooleanField(read_only=True)

    class Meta:
        model = Consent
        fields = ["id", "kind", "given_on", "revoked_on", "in_force"]


class FamilyDetailSerializer(FamilySerializer):
    """The family chart: people, ages, episodes, home visitor history and consents.

    Needs `today` and `policy` (the program policy in effect) in the context.
    """

    home_visitor_id = serializers.IntegerField(read_only=True, allow_null=True)
    active = serializers.SerializerMethodField()
    caregivers = CaregiverSerializer(many=True, read_only=True)
    children = serializers.SerializerMethodField()
    episodes = serializers.SerializerMethodField()
    assignments = AssignmentSerializer(many=True, read_only=True)
    consents = ConsentSerializer(many=True, read_only=True)

    class Meta(FamilySerializer.Meta):
        fields = [
            *FamilySerializer.Meta.fields,
            "home_visitor_id",
            "active",
            "caregivers",
            "children",
            "episodes",
            "assignments",
            "consents",
        ]

    def get_active(self, family: Family) -> bool:
        return any(e.is_open for e in family.enrollments.all())

    @extend_schema_field(ChildViewSerializer(many=True))
    def get_children(self, family: Family):
        today, policy = self.context["today"], self.context["policy"]
        views = [child_view(c, today=today, policy=policy) for c in family.children.all()]
        return ChildViewSerializer(views, many=True).data

    @extend_schema_field(EpisodeSerializer(many=True))
    def get_episodes(self, family: Family):
        return EpisodeSerializer(family.enrollments.all(), many=True).data


# --- family writes ----------------------------------------------------------------------


class VersionField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(
            min_value=1,
            max_value=2**31 - 1,
            required=False,
            help_text="The family version you saw: a later save by someone else is refused "
            "with 409 instead of being overwritten.",
            **kwargs,
        )


class AssignSerializer(serializers.Serializer):
    home_visitor = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="User id of a home visitor of the agency."
    )
    start_date = serializers.DateField(required=False, help_text="Defaults to today.")
    reason = _blank(300)
    over_cap_confirmed = serializers.BooleanField(
        default=False, help_text="Go over the visitor's cap (needs a reason)."
    )
    version = VersionField()


class AssignResultSerializer(serializers.Serializer):
    assignment = AssignmentSerializer()
    version = serializers.IntegerField(help_text="The family's new version.")


class DischargeSerializer(serializers.Serializer):
    discharged_on = serializers.DateField()
    reason = serializers.ChoiceField(choices=Enrollment.DischargeReason.choices)
    planned = serializers.BooleanField()
    transition_plan = _blank(5000)
    referrals_made = _blank(5000)
    version = VersionField()


class DischargeResultSerializer(serializers.Serializer):
    episode = EpisodeSerializer()
    version = serializers.IntegerField(help_text="The family's new version.")
