"""Intake: referrals (list, create, detail, screen, override, close, enroll), the
waitlist and capacity.

Referrals are agency-wide for intake staff (capability `manage_intake`), scoped through
imhhv.families.access like the pages: once a referral is enrolled, the family's data on it
follows the family's scope (`family_data_withheld`). Reads call imhhv.families.queries,
writes imhhv.families.services, the same calls as the pages; errors are not caught here
but mapped once by the exception handler (imhhv.api.common), refusals audited on the way
out by `audit_refusal`.

Capacity is two endpoints, one per audience, so that each declares the one capability it
needs and has one response shape:

  GET /capacity/        agency roles (`assign_caseload`): every home visitor of the
                        caller's agency with FTE, active families, cap and open slots.
  GET /capacity/state/  the state (`view_state_reports`): per agency, counts only, with
                        counts of 1..10 families suppressed (null).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from imhhv.accounts.policies import capability
from imhhv.api.common import (
    BAD_INPUT,
    FORBIDDEN,
    NOT_FOUND,
    FlatListSerializer,
    PolicyAPIView,
    _blank,
    field_errors,
    validated,
)
from imhhv.api.families import (
    FamilySerializer,
    OverCapConflictSerializer,
    PageQuerySerializer,
    page_of,
    paged,
)
from imhhv.audit.refusals import audit_refusal
from imhhv.audit.services import record
from imhhv.core.ages import check_child_dates
from imhhv.core.dates import not_in_future
from imhhv.families import queries
from imhhv.families import services as family_services
from imhhv.families.access import MAX_ID, get_referral_for_user
from imhhv.families.filters import REFERRAL_SORTS, ReferralFilterForm, WaitlistFilterForm
from imhhv.families.models import (
    LANGUAGES,
    MEDICAID_CHOICES,
    REFERRAL_SOURCES,
    Caregiver,
    Consent,
    Referral,
    ReferralCaregiver,
    ReferralChild,
)
from imhhv.families.services import REFERRAL_FIELDS
from imhhv.reports.queries import agency_figures


class DuplicateReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    referral_date = serializers.DateField()
    status = serializers.ChoiceField(choices=Referral.Status.choices)
    status_label = serializers.CharField()


class DuplicateFamilySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DuplicateConflictSerializer(serializers.Serializer):
    """Possible duplicates, scoped to the caller: matches they may see are listed; an
    enrolled family out of their scope is only counted in `hidden`, with whom to `ask`."""

    detail = serializers.CharField()
    code = serializers.CharField()
    referrals = DuplicateReferralSerializer(many=True)
    families = DuplicateFamilySerializer(many=True)
    hidden = serializers.IntegerField(help_text="Matches the caller may not see.")
    ask = serializers.CharField(help_text="Whom to ask about the hidden matches.")


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
        # Core's rule, here only to key the error by the caregiver's index in the list.
        if message := not_in_future(value, today=timezone.localdate(), what="A birth date"):
            raise serializers.ValidationError(message)
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


class ReferralQuerySerializer(PageQuerySerializer):
    """The list's query parameters, for the schema: `ReferralFilterForm`
    (imhhv.families.filters) validates them, for this endpoint and the page alike."""

    q = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Search: part of a caregiver's or child's name, or a Medicaid id. A "
        "referral enrolled into a family outside your scope is never found by a search.",
    )
    status = serializers.ChoiceField(
        choices=Referral.Status.choices, required=False, help_text="Only referrals in this state."
    )
    source = serializers.ChoiceField(
        choices=REFERRAL_SOURCES, required=False, help_text="Only referrals from this source."
    )
    referred_from = serializers.DateField(required=False, help_text="Referred on or after.")
    referred_to = serializers.DateField(required=False, help_text="Referred on or before.")
    sort = serializers.ChoiceField(
        choices=list(REFERRAL_SORTS.items()), default="-referral_date", help_text="Order."
    )


class WaitlistQuerySerializer(serializers.Serializer):
    """For the schema; `WaitlistFilterForm` validates."""

    pregnant = serializers.ChoiceField(choices=["yes", "no"], required=False)
    youngest_under_months = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=60,
        help_text="Youngest child under this age (a pregnancy counts as under).",
    )
    min_days_waiting = serializers.IntegerField(required=False, min_value=0, max_value=3650)


class ScreenResultSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text="Where the ticked risk factors contradict the recorded dates.",
    )


class OverrideSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reason = serializers.CharField(
        max_length=2000, help_text="Why the rule is overridden (at least 10 characters)."
    )


# --- referrals: output ------------------------------------------------------------------


class ReferralListSerializer(serializers.ModelSerializer):
    """A referral in the list; one enrolled into a family out of the caller's scope comes
    without the caregiver's name (`family_data_withheld`)."""

    primary_caregiver = serializers.SerializerMethodField()
    family_data_withheld = serializers.SerializerMethodField()

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
            "family_data_withheld",
            "version",
        ]

    def get_primary_caregiver(self, referral: Referral) -> str | None:
        person = referral.primary_caregiver
        if person is None or self.get_family_data_withheld(referral):
            return None
        return f"{person.first_name} {person.last_name}"

    def get_family_data_withheld(self, referral: Referral) -> bool:
        return not getattr(referral, "family_in_scope", True)


class ReferralListResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReferralListSerializer(many=True)


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
    family_data_withheld = serializers.SerializerMethodField(
        help_text="True when the referral was enrolled into a family outside your scope: "
        "the family's data (people, dates, risk factors, Medicaid id, notes) is left out."
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "agency",
            *REFERRAL_FIELDS,
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
            "family_data_withheld",
            "created_at",
            "version",
        ]

    def get_family_data_withheld(self, referral: Referral) -> bool:
        return bool(self.context.get("withheld"))

    def to_representation(self, referral):
        """When the family's data is withheld, only what says that a referral came in,
        when, from what kind of source and in what state stays; lists come back empty and
        every other field null (each is declared nullable in the schema for that)."""
        data = super().to_representation(referral)
        if not data["family_data_withheld"]:
            return data
        return {
            key: value if key in KEPT_WHEN_WITHHELD else ([] if isinstance(value, list) else None)
            for key, value in data.items()
        }


KEPT_WHEN_WITHHELD = frozenset(
    {"id", "agency", "referral_date", "source", "status", "created_at", "version"}
    | {"family_data_withheld"}
)
WITHHELD_SCALARS = [
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
    "screened_on",
    "screen_eligible",
    "override_reason",
    "closed_reason",
    "family",
]
ReferralDetailSerializer.Meta.extra_kwargs = {
    name: {"allow_null": True} for name in WITHHELD_SCALARS
}


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


@contextmanager
def renamed_fields(rename: dict[str, str]) -> Iterator[None]:
    """A service's field errors under the API's field names (`override_reason` is
    `reason` here); the exception handler answers them (400)."""
    try:
        yield
    except ValidationError as error:
        raise serializers.ValidationError(field_errors(error, rename=rename)) from error


class ReferralListView(PolicyAPIView):
    """The agency's referrals (GET, newest first) and a new referral (POST).

    POST checks for possible duplicates first: when there are some and the body lacks
    `"confirm_not_duplicate": true`, the answer is 409 `possible_duplicates` with the
    matches the caller may see, and nothing is saved.
    """

    access_policy = capability("manage_intake")

    @extend_schema(
        operation_id="referrals_list",
        parameters=[ReferralQuerySerializer],
        responses={
            200: ReferralListResponseSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request):
        page = page_of(request.query_params)
        filters = ReferralFilterForm(request.query_params).filters()  # bad input: a 400
        result = queries.referral_list(
            request.user, filters=filters, page=page, strict=True, via="api"
        )
        data = ReferralListSerializer(result.page.object_list, many=True).data
        return paged(request, result.page, data)

    @extend_schema(
        operation_id="referrals_create",
        request=ReferralCreateSerializer,
        responses={
            201: ReferralDetailSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            409: OpenApiResponse(DuplicateConflictSerializer, description="Possible duplicates."),
        },
    )
    def post(self, request):
        data = validated(ReferralCreateSerializer, request.data)
        with audit_refusal(action="referral.create", object_type="referral", via="api"):
            referral = family_services.create_referral(
                agency=request.user.membership.agency,
                by=request.user,
                data={k: data[k] for k in REFERRAL_FIELDS},
                caregivers=data["caregivers"],
                children=data["children"],
                risk_factor_codes=data["risk_factors"],
                confirm_not_duplicate=data["confirm_not_duplicate"],
            )
        return Response(ReferralDetailSerializer(referral).data, status=status.HTTP_201_CREATED)


class ReferralDetailView(PolicyAPIView):
    """The referral; one enrolled into a family out of your scope comes without the
    family's data (`family_data_withheld`)."""

    access_policy = capability("manage_intake")

    @extend_schema(
        operation_id="referrals_retrieve",
        responses={200: ReferralDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        shown = queries.referral_detail(request.user, pk, via="api")
        context = {"withheld": not shown.identity_visible}
        return Response(ReferralDetailSerializer(shown.referral, context=context).data)


class ReferralScreenView(PolicyAPIView):
    """Apply the eligibility rule on today's date; every reason, met or not, comes back,
    with warnings where the ticked risk factors contradict the dates.

    A referral already enrolled or closed cannot be screened again (400).
    """

    access_policy = capability("manage_intake")

    @extend_schema(
        operation_id="referrals_screen",
        request=None,
        responses={
            200: ScreenResultSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request, pk: int):
        referral = get_referral_for_user(request.user, pk)
        result = family_services.screen_referral(referral=referral, by=request.user)
        return Response(ScreenResultSerializer(result).data)


class ReferralOverrideView(PolicyAPIView):
    """A supervisor's decision against the rule, with a written reason (audited)."""

    access_policy = capability("supervise")

    @extend_schema(
        operation_id="referrals_override",
        request=OverrideSerializer,
        responses={
            200: ReferralDetailSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request, pk: int):
        referral = get_referral_for_user(request.user, pk)
        data = validated(OverrideSerializer, request.data)
        with renamed_fields({"override_reason": "reason"}):
            referral = family_services.override_eligibility(
                referral=referral, by=request.user, eligible=data["eligible"], reason=data["reason"]
            )
        return Response(ReferralDetailSerializer(referral).data)


class CloseReferralSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="Why it closes without enrolling.")


class ReferralCloseView(PolicyAPIView):
    """Close a referral without enrolling (an enrolled referral cannot be closed: 400)."""

    access_policy = capability("manage_intake")

    @extend_schema(
        operation_id="referrals_close",
        request=CloseReferralSerializer,
        responses={
            200: ReferralDetailSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request, pk: int):
        referral = get_referral_for_user(request.user, pk)
        data = validated(CloseReferralSerializer, request.data)
        with renamed_fields({"closed_reason": "reason"}):
            referral = family_services.close_referral(
                referral=referral, by=request.user, reason=data["reason"]
            )
        return Response(ReferralDetailSerializer(referral).data)


class EnrollCaregiverSerializer(ReferralCaregiverInSerializer):
    relationship = serializers.ChoiceField(choices=Caregiver.Relationship.choices)
    races = serializers.ListField(
        child=serializers.ChoiceField(choices=Caregiver.RACES), required=False, default=list
    )
    hispanic = serializers.ChoiceField(
        choices=Caregiver.HISPANIC, required=False, allow_blank=True, default=""
    )
    tribal_affiliation = _blank(200)
    education = serializers.ChoiceField(choices=Caregiver.EDUCATION, default="unknown")
    employment = serializers.ChoiceField(choices=Caregiver.EMPLOYMENT, default="unknown")
    programs = serializers.ListField(
        child=serializers.ChoiceField(choices=Caregiver.PROGRAMS), required=False, default=list
    )
    insurance = serializers.ChoiceField(choices=Caregiver.INSURANCE, default="unknown")
    medicaid_id = _blank(40)


class EnrollChildSerializer(serializers.Serializer):
    class Meta:
        list_serializer_class = FlatListSerializer

    first_name = _blank(100)
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    gestational_age_weeks = serializers.IntegerField(
        min_value=20, max_value=45, required=False, allow_null=True, default=None
    )
    birth_weight_grams = serializers.IntegerField(
        min_value=200, max_value=7000, required=False, allow_null=True, default=None
    )

    def validate(self, attrs):
        if (attrs["birth_date"] is None) == (attrs["due_date"] is None):
            raise serializers.ValidationError(
                "Give the birth date of a born child or the due date of an expected one."
            )
        return attrs


class EnrollSerializer(serializers.Serializer):
    enrolled_on = serializers.DateField()
    caregivers = EnrollCaregiverSerializer(many=True, help_text="Exactly one primary.")
    children = EnrollChildSerializer(many=True, help_text="Born or expected, at least one.")
    consents = serializers.ListField(
        child=serializers.CharField(max_length=20),
        help_text=f"Consent kinds ({', '.join(Consent.Kind.values)}); services is required.",
    )
    prenatal = serializers.BooleanField(default=False)
    gestational_weeks = serializers.IntegerField(
        min_value=4, max_value=42, required=False, allow_null=True, default=None
    )
    home_visitor = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text="User id of a home visitor of the agency to assign now (optional).",
    )
    assign_reason = _blank(300)
    over_cap_confirmed = serializers.BooleanField(default=False)
    qualification_override = serializers.BooleanField(
        default=False,
        help_text="A supervisor's override: assign a home visitor who may not carry families "
        "yet (needs an assign_reason and the supervise capability).",
    )

    def validate_caregivers(self, value):
        if not value or len(value) > 6:
            raise serializers.ValidationError("Give one to six caregivers.")
        return value

    def validate_children(self, value):
        if len(value) > 6:
            raise serializers.ValidationError("Give at most six children.")
        return value

    def validate_consents(self, value):
        # Checked here (not with a second enum of the same choices in the schema).
        unknown = sorted(set(value) - set(Consent.Kind.values))
        if unknown:
            raise serializers.ValidationError(f"Unknown consent: {', '.join(unknown)}.")
        return value


class EnrollView(PolicyAPIView):
    """Enroll an eligible, waiting referral: the family, its first episode, consents and
    (optionally) its home visitor. 409 `over_cap` and `not_qualified` (with `reasons`)
    like assigning: nothing is saved until confirmed or overridden with an assign_reason."""

    access_policy = capability("manage_intake")

    @extend_schema(
        operation_id="referrals_enroll",
        request=EnrollSerializer,
        responses={
            201: FamilySerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(
                OverCapConflictSerializer,
                description="Over the cap (with active and capacity), or the home visitor "
                "not qualified yet (with reasons).",
            ),
        },
    )
    def post(self, request, pk: int):
        referral = get_referral_for_user(request.user, pk)
        data = validated(EnrollSerializer, request.data)
        visitor = None
        if data["home_visitor"] is not None:
            visitors = family_services.assignable_visitors(referral.agency)
            visitor = next((m.user for m in visitors if m.user_id == data["home_visitor"]), None)
            if visitor is None:
                raise serializers.ValidationError(
                    {"home_visitor": ["Choose a home visitor of this agency."]}
                )
        with audit_refusal(action="family.enroll", target=referral, via="api"):
            family = family_services.enroll_family(
                referral=referral,
                by=request.user,
                enrolled_on=data["enrolled_on"],
                caregivers=data["caregivers"],
                children=data["children"],
                consents=data["consents"],
                prenatal=data["prenatal"],
                gestational_weeks=data["gestational_weeks"],
                home_visitor=visitor,
                assign_reason=data["assign_reason"],
                over_cap_confirmed=data["over_cap_confirmed"],
                qualification_override=data["qualification_override"],
            )
        family.refresh_from_db()
        context = {"today": timezone.localdate()}
        return Response(
            FamilySerializer(family, context=context).data, status=status.HTTP_201_CREATED
        )


class WaitlistView(PolicyAPIView):
    """The agency's eligible referrals not yet enrolled, in the order of the policy in
    effect. Entries carry the facts that rank them and the referral id, no names."""

    access_policy = capability("manage_intake")

    @extend_schema(
        operation_id="waitlist_retrieve",
        parameters=[WaitlistQuerySerializer],
        responses={200: WaitlistSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def get(self, request):
        filters = WaitlistFilterForm(request.query_params).filters()  # bad input: a 400
        shown = queries.waitlist(request.user, filters=filters, via="api")
        body = {"priority": list(shown.priority), "count": len(shown.rows), "results": shown.rows}
        return Response(WaitlistSerializer(body).data)


class CapacityView(PolicyAPIView):
    """Open slots per home visitor of the caller's agency (cap x FTE minus active)."""

    access_policy = capability("assign_caseload")

    @extend_schema(
        operation_id="capacity_list",
        responses={200: VisitorCapacitySerializer(many=True), 403: FORBIDDEN},
    )
    def get(self, request):
        _, rows = queries.capacity(request.user, via="api")
        return Response(VisitorCapacitySerializer(rows, many=True).data)


class StateCapacityView(PolicyAPIView):
    """Per agency, counts only: home visitors, capacity, active families, open slots and
    waitlist length. Counts of 1..10 families (active, waiting) are suppressed as null,
    and so are the open slots that would reveal a suppressed count."""

    access_policy = capability("view_state_reports")

    @extend_schema(
        operation_id="capacity_state_list",
        responses={200: AgencyCapacitySerializer(many=True), 403: FORBIDDEN},
    )
    def get(self, request):
        rows = [
            {
                "agency": row.agency.pk,
                "name": row.agency.name,
                "home_visitors": row.home_visitors,
                "capacity": row.capacity,
                "active_families": row.families,
                "open_slots": row.open_slots,
                "waiting": row.waiting,
            }
            for row in agency_figures()  # small cells already suppressed
        ]
        record(
            action="capacity.read",
            object_type="agency",
            details={"scope": "state", "agencies": len(rows), "via": "api"},
        )
        return Response(AgencyCapacitySerializer(rows, many=True).data)


# The endpoints of this module, for imhhv/api/urls.py: `*intake.urlpatterns`.
urlpatterns = [
    path("referrals/", ReferralListView.as_view(), name="referrals"),
    path("referrals/<int:pk>/", ReferralDetailView.as_view(), name="referral"),
    path("referrals/<int:pk>/screen/", ReferralScreenView.as_view(), name="referral_screen"),
    path("referrals/<int:pk>/override/", ReferralOverrideView.as_view(), name="referral_override"),
    path("referrals/<int:pk>/close/", ReferralCloseView.as_view(), name="referral_close"),
    path("referrals/<int:pk>/enroll/", EnrollView.as_view(), name="referral_enroll"),
    path("waitlist/", WaitlistView.as_view(), name="waitlist"),
    path("capacity/", CapacityView.as_view(), name="capacity"),
    path("capacity/state/", StateCapacityView.as_view(), name="capacity_state"),
]
