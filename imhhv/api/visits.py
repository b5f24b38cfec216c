"""Visits: list, create, detail, update (unsigned), sign, amend (signed); the catalogue.

Scoped through imhhv.visits.access like the pages; writes through imhhv.visits.services,
which audit them. Only the visit's own home visitor writes it (others: 403; other
agencies: 404). A signed visit is changed only by amendment (PATCH answers 409).
"""

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from imhhv.accounts.policies import SIGNED_IN, capability
from imhhv.api.common import (
    BAD_INPUT,
    FORBIDDEN,
    NOT_FOUND,
    PolicyAPIView,
    bad_input,
    conflict,
    validated,
)
from imhhv.api.permissions import PolicyPermission
from imhhv.audit.services import record
from imhhv.families.access import (
    get_family_for_user,
)
from imhhv.families.services import StaleEdit
from imhhv.visits import services as visit_services
from imhhv.visits.access import get_visit_for_user, visits_visible_to
from imhhv.visits.models import Visit

STALE = "Someone else changed this visit after you read it; read it again, then retry."


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


def _with_children(visits):
    return visits.select_related("catalogue").prefetch_related(
        "components",
        "strategy_responses__strategy",
        "amendments",
        "caregivers_present",
        "children_present",
    )


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
        operation_id="visits_list", responses={200: VisitSerializer(many=True), 403: FORBIDDEN}
    )
    def get(self, request):
        visits = visits_visible_to(request.user)
        params = request.query_params
        try:
            if params.get("family"):
                visits = visits.filter(family_id=int(params["family"]))
            if params.get("visitor"):
                visits = visits.filter(visitor_id=int(params["visitor"]))
            if params.get("start"):
                visits = visits.filter(scheduled_at__date__gte=params["start"])
            if params.get("end"):
                visits = visits.filter(scheduled_at__date__lte=params["end"])
            page = self.paginate_queryset(_with_children(visits).order_by("-scheduled_at", "-pk"))
        except (ValueError, ValidationError):
            return Response(
                {"detail": "family and visitor are ids; start and end are YYYY-MM-DD."}, status=400
            )
        record(
            action="visit.list",
            object_type="visit",
            details={"count": len(page), "ids": [v.pk for v in page], "via": "api"},
        )
        return self.get_paginated_response(VisitSerializer(page, many=True).data)

    @extend_schema(
        operation_id="visits_create",
        request=VisitCreateSerializer,
        responses={201: VisitSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request):
        if not request.user.can("document_visits"):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied
        data = validated(VisitCreateSerializer, request.data)
        family = get_family_for_user(
            request.user, data["family"], write=True, capability="document_visits"
        )
        try:
            visit = visit_services.document_visit(
                family=family,
                visitor=request.user,
                by=request.user,
                components=data.get("components", []),
                strategies=data.get("strategies", {}),
                **_service_args(data),
            )
        except ValidationError as error:
            return bad_input(error)
        return Response(
            VisitSerializer(_with_children(Visit.objects).get(pk=visit.pk)).data,
            status=status.HTTP_201_CREATED,
        )


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
        return Response(VisitSerializer(_with_children(Visit.objects).get(pk=pk)).data)

    @extend_schema(
        operation_id="visits_update",
        request=VisitWriteSerializer,
        responses={
            200: VisitSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiTypes.OBJECT,
        },
    )
    def patch(self, request, pk: int):
        visit = get_visit_for_user(request.user, pk, write=True)
        data = validated(VisitWriteSerializer, request.data)
        if visit.is_signed:
            return conflict("This note is signed: change it with POST …/amend/ and a reason.")
        components = data.get("components", list(visit.components.values_list("code", flat=True)))
        strategies = data.get(
            "strategies", dict(visit.strategy_responses.values_list("strategy__code", "value"))
        )
        try:
            visit_services.document_visit(
                family=visit.family,
                visitor=visit.visitor,
                by=request.user,
                visit=visit,
                components=components,
                strategies=strategies,
                expected_version=data.get("version"),
                **_service_args(data),
            )
        except StaleEdit:
            return conflict(STALE)
        except ValidationError as error:
            return bad_input(error)
        return Response(VisitSerializer(_with_children(Visit.objects).get(pk=pk)).data)


class VisitSignView(PolicyAPIView):
    access_policy = capability("document_visits")

    @extend_schema(
        operation_id="visits_sign",
        request=None,
        responses={200: VisitSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        visit = get_visit_for_user(request.user, pk, write=True)
        try:
            visit_services.sign_visit(visit=visit, by=request.user)
        except ValidationError as error:
            return bad_input(error)
        return Response(VisitSerializer(_with_children(Visit.objects).get(pk=pk)).data)


class VisitAmendView(PolicyAPIView):
    access_policy = capability("document_visits")

    @extend_schema(
        operation_id="visits_amend",
        request=AmendSerializer,
        responses={
            201: OpenApiTypes.OBJECT,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiTypes.OBJECT,
        },
    )
    def post(self, request, pk: int):
        visit = get_visit_for_user(request.user, pk, write=True)
        data = validated(AmendSerializer, request.data)
        try:
            amendment = visit_services.amend_visit(
                visit=visit,
                by=request.user,
                reason=data["reason"],
                expected_version=data["version"],
                data=_service_args(data)["data"],
                components=data.get("components"),
                strategies=data.get("strategies"),
            )
        except StaleEdit:
            return conflict(STALE)
        except ValidationError as error:
            return bad_input(error)
        return Response(
            {
                "amended_at": amendment.amended_at,
                "reason": amendment.reason,
                "changes": amendment.changes,
            },
            status=status.HTTP_201_CREATED,
        )


class CatalogueView(PolicyAPIView):
    """The fidelity catalogue in use: components and their strategies."""

    access_policy = SIGNED_IN

    @extend_schema(operation_id="catalogue_retrieve", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        catalogue = visit_services.current_catalogue()
        if catalogue is None:
            return Response({"detail": "No catalogue is published."}, status=404)
        return Response(
            {
                "version": catalogue.version,
                "title": catalogue.title,
                "is_starter": catalogue.is_starter,
                "components": [
                    {
                        "code": c.code,
                        "label": c.label,
                        "order": c.order,
                        "strategies": [
                            {"code": s.code, "text": s.text, "response_type": s.response_type}
                            for s in c.strategies.all()
                        ],
                    }
                    for c in catalogue.components.prefetch_related("strategies")
                ],
            }
        )
