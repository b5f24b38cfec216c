"""Families: list, chart, assign (or transfer), discharge, re-enroll, and the edits of the
record: caregivers, children, births, consents.

Each endpoint adapts HTTP to the one query (imhhv.families.queries) or service
(imhhv.families.services) the page calls too: the input serializer checks shape, the
service checks rules, and the output serializer renders. Nothing here catches a service
error: the exception handler (imhhv.api.common) maps a ValidationError to 400 and a
DomainError to its status with `{"detail", "code", **extra}`. A refused write is audited
once by `audit_refusal` on its way out.

Scoped through imhhv.families.access like the pages: out of scope is a 404, like
missing, and audited; an id outside the 64-bit range is not found either.

A discharged family is read-only: a write to it answers 409 `code: "discharged"`, not
403. The caller has the capability; it is the state of the record that refuses the
write, and re-enrollment lifts it.
"""

from datetime import date

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from imhhv.accounts.models import User
from imhhv.accounts.policies import capability
from imhhv.api.common import (
    BAD_INPUT,
    FORBIDDEN,
    NOT_FOUND,
    WRITE_ERRORS,
    PolicyAPIView,
    VersionField,
    _blank,
    validated,
)
from imhhv.audit.refusals import audit_refusal
from imhhv.families import queries
from imhhv.families import services as family_services
from imhhv.families.access import (
    MAX_ID,
    get_caregiver_for_user,
    get_consent_for_user,
    get_expected_child_for_user,
    get_family_for_user,
)
from imhhv.families.chart import child_view, youngest_age_months
from imhhv.families.filters import FAMILY_SORTS, FamilyFilterForm
from imhhv.families.models import (
    LANGUAGES,
    Assignment,
    Caregiver,
    Child,
    Consent,
    Enrollment,
    Family,
)
from imhhv.families.services.episodes import CAREGIVER_FIELDS


def paged(request, page, data) -> Response:
    """The page envelope DRF's PageNumberPagination uses: count, next, previous, results."""
    url = request.build_absolute_uri()

    def link(number):
        if number == 1:
            return remove_query_param(url, "page")
        return replace_query_param(url, "page", number)

    return Response(
        {
            "count": page.paginator.count,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": data,
        }
    )


def required_version() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="The family version you saw (required): a later save by someone else is "
        "refused with 409 instead of being overwritten.",
    )


class OverCapConflictSerializer(serializers.Serializer):
    """A 409 on an assignment: `over_cap` carries the numbers, `not_qualified` the reasons;
    `stale` and `discharged` carry only detail and code."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text="over_cap, not_qualified, stale or discharged.")
    active = serializers.IntegerField(
        required=False, help_text="Active families the home visitor has now (over_cap)."
    )
    capacity = serializers.IntegerField(
        required=False, help_text="Cap for the home visitor's FTE (over_cap)."
    )
    reasons = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Why the home visitor may not carry families yet (not_qualified): the "
        "self-assessment not discussed, or neither endorsed nor waived.",
    )


# --- families ---------------------------------------------------------------------------


class FamilyQuerySerializer(serializers.Serializer):
    """The list's query parameters, for the schema: `FamilyFilterForm`
    (imhhv.families.filters) validates them, for this endpoint and the page alike."""

    q = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Search: part of a caregiver's or child's name (accents and case do not "
        "matter; every word must match); intake staff may also give a Medicaid id. "
        "Within your scope only.",
    )
    status = serializers.ChoiceField(
        choices=[("active", "Active"), ("discharged", "Discharged"), ("all", "All")],
        default="active",
        help_text="Families with an open episode (default), discharged ones, or all.",
    )
    home_visitor = serializers.IntegerField(
        required=False, help_text="A home visitor's user id (of the families you may see)."
    )
    team = serializers.IntegerField(required=False, help_text="A team id of your agency.")
    enrolled_from = serializers.DateField(
        required=False, help_text="Latest episode began on or after."
    )
    enrolled_to = serializers.DateField(
        required=False, help_text="Latest episode began on or before."
    )
    seen_since = serializers.DateField(
        required=False, help_text="A completed home visit on or after this day."
    )
    not_seen_since = serializers.DateField(
        required=False, help_text="No completed home visit on or after this day."
    )
    sort = serializers.ChoiceField(
        choices=list(FAMILY_SORTS.items()), default="name", help_text="The order of the list."
    )


class FamilySerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name", read_only=True)
    home_visitor = serializers.CharField(
        source="home_visitor.username", read_only=True, allow_null=True
    )
    youngest_child_age_months = serializers.SerializerMethodField()
    last_home_visit = serializers.SerializerMethodField(
        help_text="Local day of the latest completed home visit (lists only)."
    )
    enrolled_on = serializers.SerializerMethodField(
        help_text="Start of the latest episode (lists only)."
    )

    class Meta:
        model = Family
        fields = [
            "id",
            "display_name",
            "agency",
            "home_visitor",
            "youngest_child_age_months",
            "last_home_visit",
            "enrolled_on",
            "version",
        ]

    def get_youngest_child_age_months(self, family: Family) -> int | None:
        return youngest_age_months(family, self.context["today"])

    def get_last_home_visit(self, family: Family) -> date | None:
        visited = getattr(family, "last_home_visit", None)
        return timezone.localtime(visited).date() if visited else None

    def get_enrolled_on(self, family: Family) -> date | None:
        return getattr(family, "latest_enrolled_on", None)


class CaregiverSerializer(serializers.ModelSerializer):
    races = serializers.ListField(child=serializers.CharField(), read_only=True)
    programs = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Caregiver
        fields = ["id", *CAREGIVER_FIELDS]


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
            "qualification_override",
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
    start_date = serializers.DateField(
        required=False,
        help_text="Defaults to today. The home visitor must have been a home visitor or "
        "supervisor of the agency on every day since; before today, a transfer needs a "
        "reason (the previous assignment's end moves back, audited).",
    )
    reason = _blank(300)
    over_cap_confirmed = serializers.BooleanField(
        default=False, help_text="Go over the visitor's cap (needs a reason)."
    )
    qualification_override = serializers.BooleanField(
        default=False,
        help_text="A supervisor's override: assign a home visitor who may not carry families "
        "yet (needs a reason and the supervise capability).",
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


class PageQuerySerializer(serializers.Serializer):
    page = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Page number, from 1."
    )


def page_of(params) -> int | None:
    """The `page` query parameter, validated (400 when it is not a page number)."""
    given = {"page": params["page"]} if "page" in params else {}
    return validated(PageQuerySerializer, given).get("page")


class FamilyListQuerySerializer(FamilyQuerySerializer, PageQuerySerializer):
    pass


class FamilyListResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = FamilySerializer(many=True)


class ReenrollSerializer(serializers.Serializer):
    enrolled_on = serializers.DateField()
    prenatal = serializers.BooleanField(default=False)
    gestational_weeks = serializers.IntegerField(
        min_value=4, max_value=42, required=False, allow_null=True, default=None
    )
    version = VersionField()


class EpisodeResultSerializer(serializers.Serializer):
    episode = EpisodeSerializer()
    version = serializers.IntegerField(help_text="The family's new version.")


def _choices(choices):
    return serializers.ChoiceField(choices=choices, required=False)


class CaregiverUpdateSerializer(serializers.Serializer):
    """The fields to change (any subset) and the version seen."""

    relationship = _choices(Caregiver.Relationship.choices)
    first_name = serializers.CharField(max_length=100, required=False)
    last_name = serializers.CharField(max_length=100, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    zip_code = serializers.CharField(max_length=10, required=False, allow_blank=True)
    preferred_language = _choices(LANGUAGES)
    interpreter_needed = serializers.BooleanField(required=False)
    races = serializers.ListField(
        child=serializers.ChoiceField(choices=Caregiver.RACES), required=False, max_length=10
    )
    hispanic = serializers.ChoiceField(choices=Caregiver.HISPANIC, required=False, allow_blank=True)
    tribal_affiliation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    education = _choices(Caregiver.EDUCATION)
    employment = _choices(Caregiver.EMPLOYMENT)
    programs = serializers.ListField(
        child=serializers.ChoiceField(choices=Caregiver.PROGRAMS), required=False, max_length=10
    )
    insurance = _choices(Caregiver.INSURANCE)
    medicaid_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    version = required_version()

    def validate(self, attrs):
        if not set(attrs) - {"version"}:
            raise serializers.ValidationError("Send at least one field to change.")
        return attrs


class CaregiverResultSerializer(serializers.Serializer):
    caregiver = CaregiverSerializer()
    version = serializers.IntegerField(help_text="The family's new version.")


class ChildCreateSerializer(serializers.Serializer):
    first_name = _blank(100)
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    gestational_age_weeks = serializers.IntegerField(
        min_value=20, max_value=45, required=False, allow_null=True, default=None
    )
    birth_weight_grams = serializers.IntegerField(
        min_value=200, max_value=7000, required=False, allow_null=True, default=None
    )
    version = required_version()

    def validate(self, attrs):
        if (attrs["birth_date"] is None) == (attrs["due_date"] is None):
            raise serializers.ValidationError(
                "Give the birth date of a born child or the due date of an expected one."
            )
        return attrs


class BirthSerializer(serializers.Serializer):
    birth_date = serializers.DateField()
    gestational_age_weeks = serializers.IntegerField(
        min_value=20, max_value=45, required=False, allow_null=True, default=None
    )
    birth_weight_grams = serializers.IntegerField(
        min_value=200, max_value=7000, required=False, allow_null=True, default=None
    )
    first_name = _blank(100)
    version = required_version()


class ChildSerializer(serializers.ModelSerializer):
    class Meta:
        model = Child
        fields = [
            "id",
            "first_name",
            "birth_date",
            "due_date",
            "gestational_age_weeks",
            "birth_weight_grams",
        ]


class ChildResultSerializer(serializers.Serializer):
    child = ChildSerializer()
    version = serializers.IntegerField(help_text="The family's new version.")


class ConsentCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Consent.Kind.choices)
    given_on = serializers.DateField()


class ConsentRevokeSerializer(serializers.Serializer):
    revoked_on = serializers.DateField()


class ConsentResultSerializer(serializers.Serializer):
    consent = ConsentSerializer()
    version = serializers.IntegerField(help_text="The family's new version.")


# --- endpoints ----------------------------------------------------------------------------


class FamilyListView(PolicyAPIView):
    """The families in the caller's scope: active ones (default) or discharged ones."""

    access_policy = capability("view_families")

    @extend_schema(
        operation_id="families_list",
        parameters=[FamilyListQuerySerializer],
        responses={
            200: FamilyListResponseSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request):
        page = page_of(request.query_params)
        visitors, teams = queries.family_filter_choices(request.user)
        form = FamilyFilterForm(
            request.query_params,
            visitors=visitors,
            teams=teams,
            medicaid=request.user.can("manage_intake"),
        )
        filters = form.filters()  # bad input: ValidationError, a 400 with field errors
        result = queries.family_list(
            request.user, filters=filters, page=page, strict=True, via="api"
        )
        context = {"today": timezone.localdate()}
        data = FamilySerializer([row.family for row in result.rows], many=True, context=context)
        return paged(request, result.page, data.data)


class FamilyDetailView(PolicyAPIView):
    """The family chart: caregivers with demographics, children with their ages
    (corrected age, transition planning), episodes, home visitor history, consents."""

    access_policy = capability("view_families")

    @extend_schema(
        operation_id="families_retrieve",
        responses={200: FamilyDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        chart = queries.chart(request.user, pk, via="api")
        context = {"request": request, "today": chart.today, "policy": chart.policy}
        return Response(FamilyDetailSerializer(chart.family, context=context).data)


def _writable(request, pk, capability_name="edit_families", **kwargs) -> Family:
    return get_family_for_user(request.user, pk, write=True, capability=capability_name, **kwargs)


class FamilyAssignView(PolicyAPIView):
    """Assign or transfer the family to a home visitor, keeping the history.

    409 `over_cap` with `active` and `capacity` when the visitor would go over the cap for
    their FTE: send `over_cap_confirmed: true` with a `reason` to go ahead. 409
    `not_qualified` with `reasons` when the home visitor may not carry families yet (the
    self-assessment not discussed, or neither endorsed nor waived): a supervisor sends
    `qualification_override: true` with a `reason` (400 on `qualification_override` for
    anyone else, 400 on `reason` without one). A start date
    before today, when another home visitor has the family, moves the end of their
    assignment back and needs a `reason`. 409 on a stale `version` and on a discharged
    family.
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
                description="Over the cap (with active and capacity), not qualified "
                "(with reasons), a stale version, or a discharged family (detail and code "
                "only).",
            ),
        },
    )
    def post(self, request, pk: int):
        family = _writable(request, pk, "assign_caseload")
        data = validated(AssignSerializer, request.data)
        visitor = User.objects.filter(pk=data["home_visitor"]).first()
        if visitor is None:
            raise serializers.ValidationError({"home_visitor": [NOT_A_VISITOR]})
        with audit_refusal(action="family.assign", target=family, via="api"):
            assignment = family_services.assign_home_visitor(
                family=family,
                home_visitor=visitor,
                by=request.user,
                start_date=data.get("start_date"),
                reason=data["reason"],
                over_cap_confirmed=data["over_cap_confirmed"],
                qualification_override=data["qualification_override"],
                expected_version=data.get("version"),
            )
        body = {"assignment": assignment, "version": family.version}
        return Response(AssignResultSerializer(body).data, status=status.HTTP_201_CREATED)


class FamilyDischargeView(PolicyAPIView):
    """Close the family's open episode; the record is read-only afterwards."""

    access_policy = capability("assign_caseload")

    @extend_schema(
        operation_id="families_discharge",
        request=DischargeSerializer,
        responses={
            200: DischargeResultSerializer,
            **WRITE_ERRORS,
        },
    )
    def post(self, request, pk: int):
        family = _writable(request, pk, "assign_caseload")
        data = validated(DischargeSerializer, request.data)
        with audit_refusal(action="family.discharge", target=family, via="api"):
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
        body = {"episode": episode, "version": family.version}
        return Response(DischargeResultSerializer(body).data)


class FamilyReenrollView(PolicyAPIView):
    """Open a new episode for a discharged family (it starts unassigned)."""

    access_policy = capability("manage_intake")

    @extend_schema(
        operation_id="families_reenroll",
        request=ReenrollSerializer,
        responses={
            201: EpisodeResultSerializer,
            **WRITE_ERRORS,
        },
    )
    def post(self, request, pk: int):
        family = _writable(request, pk, "manage_intake", allow_discharged=True)
        data = validated(ReenrollSerializer, request.data)
        with audit_refusal(action="family.reenroll", target=family, via="api"):
            episode = family_services.reenroll_family(
                family=family,
                by=request.user,
                enrolled_on=data["enrolled_on"],
                prenatal=data["prenatal"],
                gestational_weeks=data["gestational_weeks"],
                expected_version=data.get("version"),
            )
        body = {"episode": episode, "version": family.version}
        return Response(EpisodeResultSerializer(body).data, status=status.HTTP_201_CREATED)


class CaregiverUpdateView(PolicyAPIView):
    """Change a caregiver's details (send only the fields to change, and the version)."""

    access_policy = capability("edit_families")

    @extend_schema(
        operation_id="families_caregivers_update",
        request=CaregiverUpdateSerializer,
        responses={
            200: CaregiverResultSerializer,
            **WRITE_ERRORS,
        },
    )
    def patch(self, request, pk: int, caregiver_id: int):
        family, caregiver = get_caregiver_for_user(request.user, pk, caregiver_id, write=True)
        data = validated(CaregiverUpdateSerializer, request.data)
        version = data.pop("version")
        with audit_refusal(action="caregiver.update", target=family, via="api"):
            caregiver = family_services.update_caregiver(
                family=family,
                caregiver=caregiver,
                by=request.user,
                changes={k: v for k, v in data.items() if k in CAREGIVER_FIELDS},
                expected_version=version,
            )
        body = {"caregiver": caregiver, "version": family.version}
        return Response(CaregiverResultSerializer(body).data)


class ChildCreateView(PolicyAPIView):
    """Add a child to the family: born (birth date) or expected (due date)."""

    access_policy = capability("edit_families")

    @extend_schema(
        operation_id="families_children_create",
        request=ChildCreateSerializer,
        responses={
            201: ChildResultSerializer,
            **WRITE_ERRORS,
        },
    )
    def post(self, request, pk: int):
        family = _writable(request, pk)
        data = validated(ChildCreateSerializer, request.data)
        version = data.pop("version")
        with audit_refusal(action="child.add", target=family, via="api"):
            child = family_services.add_child(
                family=family, by=request.user, data=data, expected_version=version
            )
        body = {"child": child, "version": family.version}
        return Response(ChildResultSerializer(body).data, status=status.HTTP_201_CREATED)


class BirthView(PolicyAPIView):
    """Record the birth of an expected child (a child already born is a 404)."""

    access_policy = capability("edit_families")

    @extend_schema(
        operation_id="families_children_birth",
        request=BirthSerializer,
        responses={
            200: ChildResultSerializer,
            **WRITE_ERRORS,
        },
    )
    def post(self, request, pk: int, child_id: int):
        family, child = get_expected_child_for_user(request.user, pk, child_id, write=True)
        data = validated(BirthSerializer, request.data)
        with audit_refusal(action="child.birth", target=family, via="api"):
            child = family_services.record_birth(
                family=family,
                child=child,
                by=request.user,
                birth_date=data["birth_date"],
                gestational_age_weeks=data["gestational_age_weeks"],
                birth_weight_grams=data["birth_weight_grams"],
                first_name=data["first_name"],
                expected_version=data["version"],
            )
        body = {"child": child, "version": family.version}
        return Response(ChildResultSerializer(body).data)


class ConsentCreateView(PolicyAPIView):
    """Record a consent the family gave (one of each kind in force at a time)."""

    access_policy = capability("edit_families")

    @extend_schema(
        operation_id="families_consents_create",
        request=ConsentCreateSerializer,
        responses={
            201: ConsentResultSerializer,
            **WRITE_ERRORS,
        },
    )
    def post(self, request, pk: int):
        family = _writable(request, pk)
        data = validated(ConsentCreateSerializer, request.data)
        with audit_refusal(action="consent.give", target=family, via="api"):
            consent = family_services.record_consent(
                family=family, by=request.user, kind=data["kind"], given_on=data["given_on"]
            )
        body = {"consent": consent, "version": family.version}
        return Response(ConsentResultSerializer(body).data, status=status.HTTP_201_CREATED)


class ConsentRevokeView(PolicyAPIView):
    """Revoke a consent in force, from a date between the consent and today."""

    access_policy = capability("edit_families")

    @extend_schema(
        operation_id="families_consents_revoke",
        request=ConsentRevokeSerializer,
        responses={
            200: ConsentResultSerializer,
            **WRITE_ERRORS,
        },
    )
    def post(self, request, pk: int, consent_id: int):
        family = _writable(request, pk)
        consent = get_consent_for_user(family, request.user, consent_id)
        data = validated(ConsentRevokeSerializer, request.data)
        with audit_refusal(action="consent.revoke", target=family, via="api"):
            consent = family_services.revoke_consent(
                family=family, consent=consent, by=request.user, revoked_on=data["revoked_on"]
            )
        body = {"consent": consent, "version": family.version}
        return Response(ConsentResultSerializer(body).data)


# The endpoints of this module, for imhhv/api/urls.py: `*families.urlpatterns`.
urlpatterns = [
    path("families/", FamilyListView.as_view(), name="families"),
    path("families/<int:pk>/", FamilyDetailView.as_view(), name="family"),
    path("families/<int:pk>/assign/", FamilyAssignView.as_view(), name="family_assign"),
    path(
        "families/<int:pk>/discharge/",
        FamilyDischargeView.as_view(),
        name="family_discharge",
    ),
    path("families/<int:pk>/reenroll/", FamilyReenrollView.as_view(), name="family_reenroll"),
    path(
        "families/<int:pk>/caregivers/<int:caregiver_id>/",
        CaregiverUpdateView.as_view(),
        name="family_caregiver",
    ),
    path("families/<int:pk>/children/", ChildCreateView.as_view(), name="family_children"),
    path(
        "families/<int:pk>/children/<int:child_id>/birth/",
        BirthView.as_view(),
        name="family_child_birth",
    ),
    path("families/<int:pk>/consents/", ConsentCreateView.as_view(), name="family_consents"),
    path(
        "families/<int:pk>/consents/<int:consent_id>/revoke/",
        ConsentRevokeView.as_view(),
        name="family_consent_revoke",
    ),
]
