"""Families: list, chart, assign (or transfer) and discharge.

Scoped through imhhv.families.access like the pages: out of scope is a 404, like
missing, and audited. Writes go through imhhv.families.services, which audit them.

A discharged family is read-only: a write to it answers 409 Conflict with the service's
message (`FamilyIsDischarged.message`), not 403. The caller has the capability; it is the
state of the record that refuses the write, and re-enrollment lifts it. The refusal is
audited (family.write, denied) by access.get_family_for_user.
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from imhhv.accounts.models import User
from imhhv.accounts.policies import capability
from imhhv.agencies.policy import policy_on
from imhhv.api.common import (
    BAD_INPUT,
    FORBIDDEN,
    NOT_FOUND,
    DetailSerializer,
    PolicyAPIView,
    VersionField,
    _blank,
    bad_input,
    conflict,
    validated,
)
from imhhv.api.permissions import PolicyPermission
from imhhv.audit.services import record
from imhhv.families import services as family_services
from imhhv.families.access import (
    families_visible_to,
    get_family_for_user,
)
from imhhv.families.chart import child_view, youngest_age_months
from imhhv.families.models import (
    Assignment,
    Caregiver,
    Consent,
    Enrollment,
    Family,
)
from imhhv.families.services import FamilyIsDischarged, OverCap, StaleEdit


class OverCapConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    active = serializers.IntegerField(help_text="Active families the home visitor has now.")
    capacity = serializers.IntegerField(help_text="Cap for the home visitor's FTE.")


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


NOT_A_VISITOR = "Choose a home visitor of this family's agency."

STALE = OpenApiResponse(DetailSerializer, description="Stale version, or discharged family.")


class FamilyListView(GenericAPIView):
    """The families in the caller's scope: active ones (default) or discharged ones."""

    access_policy = capability("view_families")
    permission_classes = [PolicyPermission]
    serializer_class = FamilySerializer

    def get_queryset(self):
        return (
            families_visible_to(self.request.user)
            .select_related("agency", "home_visitor")
            .prefetch_related("children")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(
        operation_id="families_list",
        parameters=[FamilyQuerySerializer],
        responses={200: FamilySerializer(many=True), 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def get(self, request):
        query = validated(FamilyQuerySerializer, request.query_params)
        families = self.get_queryset()
        families = families.discharged() if query["status"] == "discharged" else families.active()
        page = self.paginate_queryset(families)
        data = self.get_serializer(page, many=True).data
        record(
            action="family.list",
            object_type="family",
            details={
                "count": len(page),
                "ids": [f["id"] for f in data],
                "status": query["status"],
                "via": "api",
            },
        )
        return self.get_paginated_response(data)


def chart_family(family: Family) -> Family:
    """The family again, with everything the chart shows fetched in a bounded number of
    queries (the object already passed access.get_family_for_user)."""
    return (
        Family.objects.filter(pk=family.pk)
        .select_related("agency", "home_visitor")
        .prefetch_related(
            "caregivers",
            "children",
            "consents",
            Prefetch(
                "enrollments",
                queryset=Enrollment.objects.select_related("enrolled_by", "discharged_by"),
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("home_visitor", "assigned_by"),
            ),
        )
        .get()
    )


class FamilyDetailView(PolicyAPIView):
    """The family chart: caregivers with demographics, children with their ages
    (corrected age, transition planning), episodes, home visitor history, consents."""

    access_policy = capability("view_families")

    @extend_schema(
        operation_id="families_retrieve",
        responses={200: FamilyDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        family = chart_family(get_family_for_user(request.user, pk))
        record(action="family.read", target=family, details={"via": "api"})
        today = timezone.localdate()
        context = {"request": request, "today": today, "policy": policy_on(today)}
        return Response(FamilyDetailSerializer(family, context=context).data)


class FamilyAssignView(PolicyAPIView):
    """Assign or transfer the family to a home visitor, keeping the history.

    409 with `active` and `capacity` when the visitor would go over the cap for their FTE:
    send `over_cap_confirmed: true` with a `reason` to go ahead. 409 on a stale `version`
    and on a discharged family.
    """

    access_policy = capability("assign_caseload")

    @extend_schema(
        operation_id="families_assign",
        request=AssignSerializer,
        responses={
            201: AssignResultSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(
                OverCapConflictSerializer,
                description="Over the cap (with active and capacity), a stale version, "
                "or a discharged family (detail only).",
            ),
        },
    )
    def post(self, request, pk: int):
        try:
            family = get_family_for_user(request.user, pk, write=True, capability="assign_caseload")
        except FamilyIsDischarged:
            return conflict(FamilyIsDischarged.message)
        data = validated(AssignSerializer, request.data)
        visitor = User.objects.filter(pk=data["home_visitor"]).first()
        if visitor is None:
            return Response({"home_visitor": [NOT_A_VISITOR]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            assignment = family_services.assign_home_visitor(
                family=family,
                home_visitor=visitor,
                by=request.user,
                start_date=data.get("start_date"),
                reason=data["reason"],
                over_cap_confirmed=data["over_cap_confirmed"],
                expected_version=data.get("version"),
            )
        except StaleEdit:
            return conflict(StaleEdit.message)
        except FamilyIsDischarged:
            return conflict(FamilyIsDischarged.message)
        except OverCap as error:
            return conflict(error.messages[0], active=error.active, capacity=error.capacity)
        except ValidationError as error:
            return bad_input(error)
        body = {"assignment": assignment, "version": family.version}
        return Response(AssignResultSerializer(body).data, status=status.HTTP_201_CREATED)


def _before_current_assignment(family: Family, day) -> str:
    """Workaround: `discharge_family` ends the open assignment on the discharge date, which
    the database refuses (500) when that assignment started later. Refuse it as bad input.
    Earlier than enrollment is left to the service, which says so."""
    episode = family.enrollments.filter(discharged_on__isnull=True).first()
    current = family.assignments.filter(end_date__isnull=True).order_by("-start_date").first()
    if episode and current and episode.enrolled_on <= day < current.start_date:
        return (
            "The discharge date cannot be before the current home visitor assignment began "
            f"({current.start_date:%-d %B %Y})."
        )
    return ""


class FamilyDischargeView(PolicyAPIView):
    """Close the family's open episode; the record is read-only afterwards."""

    access_policy = capability("assign_caseload")

    @extend_schema(
        operation_id="families_discharge",
        request=DischargeSerializer,
        responses={
            200: DischargeResultSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: STALE,
        },
    )
    def post(self, request, pk: int):
        try:
            family = get_family_for_user(request.user, pk, write=True, capability="assign_caseload")
        except FamilyIsDischarged:
            return conflict(FamilyIsDischarged.message)
        data = validated(DischargeSerializer, request.data)
        early = _before_current_assignment(family, data["discharged_on"])
        if early:
            return Response({"discharged_on": [early]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            episode = family_services.discharge_family(
                family=family,
                by=request.user,
                discharged_on=data["discharged_on"],
                reason=data["reason"],
                planned=data["planned"],
                transition_plan=data["transition_plan"],
                referrals_made=data["referrals_made"],
                expected_version=data.get("version"),
            )
        except StaleEdit:
            return conflict(StaleEdit.message)
        except FamilyIsDischarged:
            return conflict(FamilyIsDischarged.message)
        except ValidationError as error:
            return bad_input(error)
        body = {"episode": episode, "version": family.version}
        return Response(DischargeResultSerializer(body).data)
