"""Intake: referrals (list, create, detail, screen, override), the waitlist and capacity.

Referrals are agency-wide for intake staff (capability `manage_intake`), scoped through
imhhv.families.access like the pages; writes go through imhhv.families.services.

Capacity is two endpoints, one per audience, so that each declares the one capability it
needs and has one response shape:

  GET /capacity/        agency roles (`assign_caseload`): every home visitor of the
                        caller's agency with FTE, active families, cap and open slots.
  GET /capacity/state/  the state (`view_state_reports`): per agency, counts only, with
                        counts of 1..10 families suppressed (null).
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from imhhv.accounts.policies import capability
from imhhv.api.common import (
    BAD_INPUT,
    FORBIDDEN,
    NOT_FOUND,
    FlatListSerializer,
    PolicyAPIView,
    _blank,
    bad_input,
    conflict,
    validated,
)
from imhhv.api.permissions import PolicyPermission
from imhhv.audit.services import record
from imhhv.core.ages import check_child_dates
from imhhv.families import services as family_services
from imhhv.families.access import (
    get_referral_for_user,
    referrals_visible_to,
)
from imhhv.families.models import (
    LANGUAGES,
    MEDICAID_CHOICES,
    REFERRAL_SOURCES,
    Referral,
    ReferralCaregiver,
    ReferralChild,
)
from imhhv.families.queries import agency_capacity, ranked_waitlist
from imhhv.families.services import REFERRAL_FIELDS
from imhhv.reports.queries import agency_figures

FUTURE_BIRTH = "A birth date cannot be in the future."


class PossibleDuplicatesSerializer(serializers.Serializer):
    referrals = serializers.ListField(child=serializers.IntegerField())
    families = serializers.ListField(child=serializers.IntegerField())


class DuplicateConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    possible_duplicates = PossibleDuplicatesSerializer()


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


POSSIBLE_DUPLICATE = (
    "Possible duplicates in your agency: the same caregiver name and birth date, or the "
    "same Medicaid id. Nothing was saved. Check them, then send confirm_not_duplicate: "
    "true to save a new referral anyway."
)


class ReferralListView(GenericAPIView):
    """The agency's referrals (GET, newest first) and a new referral (POST).

    POST checks for possible duplicates first: when there are some and the body lacks
    `"confirm_not_duplicate": true`, the answer is 409 with their ids and nothing is saved.
    """

    access_policy = capability("manage_intake")
    permission_classes = [PolicyPermission]
    serializer_class = ReferralListSerializer

    @extend_schema(
        operation_id="referrals_list",
        parameters=[ReferralQuerySerializer],
        responses={200: ReferralListSerializer(many=True), 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def get(self, request):
        query = validated(ReferralQuerySerializer, request.query_params)
        referrals = referrals_visible_to(request.user).prefetch_related("caregivers")
        if query.get("status"):
            referrals = referrals.filter(status=query["status"])
        page = self.paginate_queryset(referrals)
        record(
            action="referral.list",
            object_type="referral",
            details={
                "count": len(page),
                "ids": [r.pk for r in page],
                "status": query.get("status", ""),
                "via": "api",
            },
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

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
        agency = request.user.membership.agency
        duplicates = family_services.find_possible_duplicates(
            agency=agency, caregivers=data["caregivers"], medicaid_ids=[data["medicaid_id"]]
        )
        if duplicates and not data["confirm_not_duplicate"]:
            ids = {
                "referrals": [r.pk for r in duplicates.referrals],
                "families": [f.pk for f in duplicates.families],
            }
            record(
                action="referral.duplicate_check",
                object_type="referral",
                details={
                    "referral_ids": ids["referrals"],
                    "family_ids": ids["families"],
                    "via": "api",
                },
            )
            return conflict(POSSIBLE_DUPLICATE, possible_duplicates=ids)
        try:
            referral = family_services.create_referral(
                agency=agency,
                by=request.user,
                data={k: data[k] for k in REFERRAL_FIELDS},
                caregivers=data["caregivers"],
                children=data["children"],
                risk_factor_codes=data["risk_factors"],
            )
        except ValidationError as error:
            return bad_input(error)
        return Response(ReferralDetailSerializer(referral).data, status=status.HTTP_201_CREATED)


class ReferralDetailView(PolicyAPIView):
    access_policy = capability("manage_intake")

    @extend_schema(
        operation_id="referrals_retrieve",
        responses={200: ReferralDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        referral = get_referral_for_user(request.user, pk)
        record(action="referral.read", target=referral, details={"via": "api"})
        return Response(ReferralDetailSerializer(referral).data)


class ReferralScreenView(PolicyAPIView):
    """Apply the eligibility rule on today's date; every reason, met or not, comes back.

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
        try:
            result = family_services.screen_referral(referral=referral, by=request.user)
        except ValidationError as error:
            return bad_input(error)
        return Response({"eligible": result.eligible, "reasons": list(result.reasons)})


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
        try:
            referral = family_services.override_eligibility(
                referral=referral, by=request.user, eligible=data["eligible"], reason=data["reason"]
            )
        except ValidationError as error:
            return bad_input(error, rename={"override_reason": "reason"})
        return Response(ReferralDetailSerializer(referral).data)


class WaitlistView(PolicyAPIView):
    """The agency's eligible referrals not yet enrolled, in the order of the policy in
    effect. Entries carry the facts that rank them and the referral id, no names."""

    access_policy = capability("manage_intake")

    @extend_schema(
        operation_id="waitlist_retrieve", responses={200: WaitlistSerializer, 403: FORBIDDEN}
    )
    def get(self, request):
        agency = request.user.membership.agency
        rows, priority = ranked_waitlist(agency_ids=[agency.pk], today=timezone.localdate())
        record(
            action="waitlist.read",
            object_type="referral",
            details={"count": len(rows), "ids": [r.referral.pk for r in rows], "via": "api"},
        )
        body = {"priority": list(priority), "count": len(rows), "results": rows}
        return Response(WaitlistSerializer(body).data)


class CapacityView(PolicyAPIView):
    """Open slots per home visitor of the caller's agency (cap x FTE minus active)."""

    access_policy = capability("assign_caseload")

    @extend_schema(
        operation_id="capacity_list",
        responses={200: VisitorCapacitySerializer(many=True), 403: FORBIDDEN},
    )
    def get(self, request):
        agency = request.user.membership.agency
        rows = agency_capacity(agency, today=timezone.localdate())
        record(
            action="capacity.read",
            object_type="agency",
            object_id=agency.pk,
            details={"home_visitors": len(rows), "via": "api"},
        )
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
