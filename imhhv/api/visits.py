"""Visits: list, create, detail, update (unsigned), sign, amend (signed); the visit plan;
the catalogue (read, and publish a new version).

Adapters only: input serializers check shape, then the same access function, query or
service as the page runs (`imhhv.visits.access`, `queries`, `services`); refusals
(`imhhv.visits.errors`, ValidationError) are mapped once by `imhhv.api.common`'s handler
(409 with a code, 400 with field errors). Only the visit's own home visitor writes it
(others: 403; other agencies: 404). A signed visit changes only by amendment (PATCH: 409
`signed`); a discharged family's visits are read-only (409 `discharged`).
"""

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from imhhv.accounts.policies import SIGNED_IN, capability
from imhhv.api.common import (
    BAD_INPUT,
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    WRITE_ERRORS,
    PolicyAPIView,
    validated,
)
from imhhv.api.permissions import PolicyPermission
from imhhv.audit.services import record
from imhhv.families.access import get_family_for_user
from imhhv.visits import services as visit_services
from imhhv.visits.access import get_visit_for_user, visits_visible_to
from imhhv.visits.models import Strategy, Visit, VisitPlan
from imhhv.visits.queries import my_week, team_week, visit_list, visit_plan_for

MAX_ID = 2**31 - 1


class VisitWriteSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField(required=False)
    outcome = serializers.ChoiceField(choices=Visit.Outcome.choices, required=False)
    started_at = serializers.DateTimeField(required=False, allow_null=True)
    ended_at = serializers.DateTimeField(required=False, allow_null=True)
    place = serializers.ChoiceField(choices=[("", "")] + list(Visit.Place.choices), required=False)
    components = serializers.ListField(child=serializers.SlugField(), required=False)
    strategies = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=3), required=False
    )
    caregivers_present = serializers.ListField(child=serializers.IntegerField(), required=False)
    children_present = serializers.ListField(child=serializers.IntegerField(), required=False)
    others_present = serializers.CharField(required=False, allow_blank=True, max_length=200)
    asked_about_development = serializers.BooleanField(required=False)
    safety_concern = serializers.BooleanField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    next_steps = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)


class VisitCreateSerializer(VisitWriteSerializer):
    family = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=Visit.Outcome.choices)
    scheduled_at = serializers.DateTimeField()


class AmendSerializer(VisitWriteSerializer):
    reason = serializers.CharField(max_length=500)
    version = serializers.IntegerField(min_value=1)


class VisitSerializer(serializers.ModelSerializer):
    minutes = serializers.IntegerField(read_only=True, allow_null=True)
    is_home_visit = serializers.BooleanField(read_only=True)
    components = serializers.SerializerMethodField()
    strategies = serializers.SerializerMethodField()
    amendments = serializers.SerializerMethodField()
    catalogue_version = serializers.IntegerField(
        source="catalogue.version", allow_null=True, read_only=True
    )

    class Meta:
        model = Visit
        fields = [
            "id",
            "family",
            "visitor",
            "scheduled_at",
            "outcome",
            "started_at",
            "ended_at",
            "minutes",
            "place",
            "is_home_visit",
            "caregivers_present",
            "children_present",
            "others_present",
            "catalogue_version",
            "components",
            "strategies",
            "asked_about_development",
            "safety_concern",
            "note",
            "next_steps",
            "documented_at",
            "signed_at",
            "signed_by",
            "version",
            "amendments",
        ]

    def get_components(self, visit: Visit) -> list[str]:
        return sorted(c.code for c in visit.components.all())

    def get_strategies(self, visit: Visit) -> dict[str, int]:
        return {r.strategy.code: r.value for r in visit.strategy_responses.all()}

    def get_amendments(self, visit: Visit) -> list[dict]:
        return [
            {
                "amended_at": a.amended_at,
                "amended_by": a.amended_by_id,
                "reason": a.reason,
                "changes": a.changes,
            }
            for a in visit.amendments.all()
        ]


class VisitListQuery(serializers.Serializer):
    """?family=&visitor=&start=&end=: ids are positive 32-bit numbers (a 20-digit id is a
    400, not a database overflow), dates YYYY-MM-DD."""

    family = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    visitor = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


def _with_children(visits):
    return visits.select_related("catalogue").prefetch_related(
        "components",
        "strategy_responses__strategy",
        "amendments",
        "caregivers_present",
        "children_present",
    )


def _visit_out(user, pk: int) -> dict:
    """The visit as written, read back through the caller's scope."""
    return VisitSerializer(_with_children(visits_visible_to(user)).get(pk=pk)).data


def _service_args(data: dict) -> dict:
    documented = {k: data[k] for k in visit_services.DOCUMENTED_FIELDS if k in data}
    if "scheduled_at" in data:
        documented["scheduled_at"] = data["scheduled_at"]
    args = {"data": documented}
    for key, target in (("caregivers_present", "caregiver_ids"), ("children_present", "child_ids")):
        if key in data:
            args[target] = data[key]
    return args


class VisitListView(GenericAPIView):
    """GET: visits in scope, filtered by family, visitor and dates. POST: document one."""

    access_policy = capability("view_families")
    permission_classes = [PolicyPermission]
    serializer_class = VisitSerializer

    @extend_schema(
        operation_id="visits_list",
        parameters=[VisitListQuery],
        responses={200: VisitSerializer(many=True), 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def get(self, request):
        query = validated(VisitListQuery, request.query_params)
        page = visit_list(
            request.user,
            family_id=query.get("family"),
            visitor_id=query.get("visitor"),
            start=query.get("start"),
            end=query.get("end"),
            page=self.paginate_queryset,
            prefetch=_with_children,
            via="api",
        )
        return self.get_paginated_response(VisitSerializer(page, many=True).data)

    @extend_schema(
        operation_id="visits_create",
        request=VisitCreateSerializer,
        responses={
            201: VisitSerializer,
            **WRITE_ERRORS,
        },
    )
    def post(self, request):
        if not request.user.can("document_visits"):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied
        data = validated(VisitCreateSerializer, request.data)
        family = get_family_for_user(
            request.user, data["family"], write=True, capability="document_visits"
        )
        visit = visit_services.document_visit(
            family=family,
            visitor=request.user,
            by=request.user,
            components=data.get("components", []),
            strategies=data.get("strategies", {}),
            **_service_args(data),
        )
        return Response(_visit_out(request.user, visit.pk), status=status.HTTP_201_CREATED)


class VisitDetailView(PolicyAPIView):
    access_policy = capability("view_families")

    @extend_schema(
        operation_id="visits_retrieve",
        responses={200: VisitSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        visit = get_visit_for_user(request.user, pk)
        record(
            action="visit.read", target=visit, details={"family_id": visit.family_id, "via": "api"}
        )
        return Response(_visit_out(request.user, pk))

    @extend_schema(
        operation_id="visits_update",
        request=VisitWriteSerializer,
        responses={
            200: VisitSerializer,
            **WRITE_ERRORS,
        },
    )
    def patch(self, request, pk: int):
        visit = get_visit_for_user(request.user, pk, write=True)
        data = validated(VisitWriteSerializer, request.data)
        visit_services.document_visit(
            family=visit.family,
            visitor=visit.visitor,
            by=request.user,
            visit=visit,
            components=data.get(
                "components", list(visit.components.values_list("code", flat=True))
            ),
            strategies=data.get(
                "strategies",
                dict(visit.strategy_responses.values_list("strategy__code", "value")),
            ),
            expected_version=data.get("version"),
            **_service_args(data),
        )
        return Response(_visit_out(request.user, pk))


class SignSerializer(serializers.Serializer):
    attest = serializers.BooleanField(
        required=False,
        default=False,
        help_text=f'Must be true: "{visit_services.ATTESTATION}". Without it: 400 on `attest`.',
    )


class VisitSignView(PolicyAPIView):
    """Sign a note: `{"attest": true}` is the home visitor's attestation (the same rule as
    the page's confirmation step, `visit_services.sign_visit`); anything else is a 400
    with a field error on `attest` and nothing signed."""

    access_policy = capability("document_visits")

    @extend_schema(
        operation_id="visits_sign",
        request=SignSerializer,
        responses={
            200: VisitSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request, pk: int):
        visit = get_visit_for_user(request.user, pk, write=True)
        data = validated(SignSerializer, request.data)
        visit_services.sign_visit(visit=visit, by=request.user, attested=data["attest"])
        return Response(_visit_out(request.user, pk))


class AmendmentOut(serializers.Serializer):
    amended_at = serializers.DateTimeField()
    reason = serializers.CharField()
    changes = serializers.DictField()


class VisitAmendView(PolicyAPIView):
    access_policy = capability("document_visits")

    @extend_schema(
        operation_id="visits_amend",
        request=AmendSerializer,
        responses={
            201: AmendmentOut,
            **WRITE_ERRORS,
        },
    )
    def post(self, request, pk: int):
        visit = get_visit_for_user(request.user, pk, write=True)
        data = validated(AmendSerializer, request.data)
        amendment = visit_services.amend_visit(
            visit=visit,
            by=request.user,
            reason=data["reason"],
            expected_version=data["version"],
            data=_service_args(data)["data"],
            components=data.get("components"),
            strategies=data.get("strategies"),
        )
        return Response(AmendmentOut(amendment).data, status=status.HTTP_201_CREATED)


# --- the visit plan -------------------------------------------------------------------


class VisitPlanIn(serializers.Serializer):
    """Shape only; `set_visit_plan` checks the rules (a pause needs an end and a reason,
    a change starts on or after the last one, the family must be enrolled)."""

    frequency = serializers.ChoiceField(choices=VisitPlan.Frequency.choices)
    effective_from = serializers.DateField()
    paused_until = serializers.DateField(required=False, allow_null=True, default=None)
    pause_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=300, default=""
    )
    preferred_day = serializers.ChoiceField(
        choices=VisitPlan.DAYS, required=False, allow_null=True, default=None
    )
    preferred_time = serializers.TimeField(required=False, allow_null=True, default=None)


class VisitPlanRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    effective_from = serializers.DateField()
    frequency = serializers.CharField()
    paused_until = serializers.DateField(allow_null=True)
    pause_reason = serializers.CharField()
    preferred_day = serializers.IntegerField(allow_null=True)
    preferred_time = serializers.TimeField(allow_null=True)


class VisitPlanOut(serializers.Serializer):
    family = serializers.IntegerField(source="family.pk")
    current = VisitPlanRowOut(allow_null=True)
    history = VisitPlanRowOut(many=True, help_text="Every change, newest first.")


class VisitPlanView(PolicyAPIView):
    """GET the plan in force today and its history; PUT a change (from a date on)."""

    access_policy = capability("view_families")

    @extend_schema(
        operation_id="visit_plan_retrieve",
        responses={200: VisitPlanOut, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, family_id: int):
        family = get_family_for_user(request.user, family_id)
        return Response(VisitPlanOut(visit_plan_for(family, via="api")).data)

    @extend_schema(
        operation_id="visit_plan_update",
        request=VisitPlanIn,
        responses={
            200: VisitPlanOut,
            **WRITE_ERRORS,
        },
    )
    def put(self, request, family_id: int):
        family = get_family_for_user(
            request.user, family_id, write=True, capability="document_visits"
        )
        data = validated(VisitPlanIn, request.data)
        visit_services.set_visit_plan(family=family, by=request.user, **data)
        return Response(VisitPlanOut(visit_plan_for(family, audit=False)).data)


# --- the catalogue --------------------------------------------------------------------


class StrategyOut(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    response_type = serializers.CharField()


class ComponentOut(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    order = serializers.IntegerField()
    strategies = StrategyOut(many=True, source="strategies.all")


class CatalogueOut(serializers.Serializer):
    version = serializers.IntegerField()
    title = serializers.CharField()
    is_starter = serializers.BooleanField()
    components = ComponentOut(many=True, source="components.all")


def _catalogue_out(catalogue) -> dict:
    catalogue = (
        type(catalogue).objects.prefetch_related("components__strategies").get(pk=catalogue.pk)
    )
    return CatalogueOut(catalogue).data


class CatalogueView(PolicyAPIView):
    """The fidelity catalogue in use: components and their strategies."""

    access_policy = SIGNED_IN

    @extend_schema(operation_id="catalogue_retrieve", responses={200: CatalogueOut, 404: NOT_FOUND})
    def get(self, request):
        catalogue = visit_services.current_catalogue()
        if catalogue is None:
            return Response({"detail": "No catalogue is published."}, status=404)
        return Response(_catalogue_out(catalogue))


class StrategyIn(serializers.Serializer):
    component = serializers.SlugField(max_length=40)
    code = serializers.SlugField(max_length=60, required=False, allow_blank=True, default="")
    text = serializers.CharField(max_length=300)
    response_type = serializers.ChoiceField(choices=Strategy.ResponseType.choices)


class CataloguePublishIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    strategies = serializers.ListField(child=StrategyIn(), allow_empty=False, max_length=500)


class CataloguePublishView(PolicyAPIView):
    """POST a new version of the fidelity catalogue (the state: manage_policy), the same
    service as the catalogue page; visits documented earlier keep their version."""

    access_policy = capability("manage_policy")

    @extend_schema(
        operation_id="catalogue_publish",
        request=CataloguePublishIn,
        responses={201: CatalogueOut, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def post(self, request):
        data = validated(CataloguePublishIn, request.data)
        catalogue = visit_services.publish_catalogue(
            title=data["title"], strategies=[dict(s) for s in data["strategies"]], by=request.user
        )
        return Response(_catalogue_out(catalogue), status=status.HTTP_201_CREATED)


# --- my week and team week -------------------------------------------------------------


class WeekQuery(serializers.Serializer):
    week = serializers.DateField(required=False, help_text="Any day of the week; default today.")


class WeekVisitOut(serializers.Serializer):
    id = serializers.IntegerField()
    family = serializers.IntegerField(source="family_id")
    family_name = serializers.CharField(source="family.display_name")
    scheduled_at = serializers.DateTimeField()
    outcome = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)


class _Pair(serializers.Serializer):
    """Out of a (family or person, detail) pair, as the queries return them."""

    def to_representation(self, pair):
        first, second = pair
        return super().to_representation({"first": first, "second": second})


class NotSeenOut(_Pair):
    family = serializers.IntegerField(source="first.pk")
    family_name = serializers.CharField(source="first.display_name")
    last_home_visit = serializers.DateField(source="second", allow_null=True)


class AlertOut(_Pair):
    family = serializers.IntegerField(source="first.pk")
    family_name = serializers.CharField(source="first.display_name")
    weeks_without_visit = serializers.IntegerField(source="second.weeks_without_visit")
    last_home_visit = serializers.DateField(source="second.last_visit", allow_null=True)


class PlannedOut(serializers.Serializer):
    """A visit the family's plan promises this week that no recorded visit covers yet."""

    family = serializers.IntegerField(source="family.pk")
    family_name = serializers.CharField(source="family.display_name")
    day = serializers.DateField(allow_null=True, help_text="null: this week, no day agreed")
    at = serializers.TimeField(allow_null=True, format="%H:%M")


class SupervisionWeekOut(serializers.Serializer):
    """Reflective supervision in a week of My week (the week before and the week shown)."""

    monday = serializers.DateField()
    when = serializers.CharField(help_text='"last week", "this week so far", "the week of …"')
    session_days = serializers.ListField(child=serializers.DateField())
    on_leave = serializers.BooleanField(help_text="Every working day of the week on leave.")
    over = serializers.BooleanField(help_text="False: the week is still running (so far).")
    missed = serializers.BooleanField(help_text="No session recorded and not on leave.")


class MyWeekOut(serializers.Serializer):
    monday = serializers.DateField()
    scheduled = WeekVisitOut(many=True)
    planned = PlannedOut(many=True)
    to_document = WeekVisitOut(many=True)
    to_sign = WeekVisitOut(many=True)
    not_seen = NotSeenOut(many=True)
    alerts = AlertOut(many=True)
    supervision = SupervisionWeekOut(many=True)


class TeamRowOut(serializers.Serializer):
    visitor = serializers.IntegerField(source="person.pk")
    visitor_name = serializers.CharField(source="person.display_name")
    visits = WeekVisitOut(many=True)
    notes_to_sign = serializers.IntegerField()

    def to_representation(self, row):
        person, visits, unsigned = row
        return super().to_representation(
            {"person": person, "visits": visits, "notes_to_sign": unsigned}
        )


class TeamWeekOut(serializers.Serializer):
    monday = serializers.DateField()
    rows = TeamRowOut(many=True)


def _week_day(request):
    return validated(WeekQuery, request.query_params).get("week") or timezone.localdate()


class MyWeekView(PolicyAPIView):
    """The home visitor's week: the same call as the My week page (`my_week`)."""

    access_policy = capability("document_visits")

    @extend_schema(
        operation_id="visits_my_week",
        parameters=[WeekQuery],
        responses={200: MyWeekOut, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def get(self, request):
        return Response(MyWeekOut(my_week(request.user, _week_day(request))).data)


class TeamWeekView(PolicyAPIView):
    """The supervisor's team week: the same call as the Team week page (`team_week`)."""

    access_policy = capability("supervise")

    @extend_schema(
        operation_id="visits_team_week",
        parameters=[WeekQuery],
        responses={200: TeamWeekOut, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def get(self, request):
        return Response(TeamWeekOut(team_week(request.user, _week_day(request))).data)


# Endpoints `imhhv/api/urls.py` includes (`*visits.urlpatterns`).
urlpatterns = [
    path("families/<int:family_id>/visit-plan/", VisitPlanView.as_view(), name="visit_plan"),
    path("catalogue/versions/", CataloguePublishView.as_view(), name="catalogue_publish"),
    path("visits/week/", MyWeekView.as_view(), name="my_week"),
    path("visits/week/team/", TeamWeekView.as_view(), name="team_week"),
]
