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
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from imhhv.accounts.models import User
from imhhv.accounts.policies import capability
from imhhv.agencies.policy import policy_on
from imhhv.api import serializers as s
from imhhv.api.permissions import PolicyPermission
from imhhv.api.views import (
    BAD_INPUT,
    FORBIDDEN,
    NOT_FOUND,
    PolicyAPIView,
    bad_input,
    conflict,
    validated,
)
from imhhv.audit.services import record
from imhhv.families import services
from imhhv.families.access import families_visible_to, get_family_for_user
from imhhv.families.models import Assignment, Enrollment, Family
from imhhv.families.services import FamilyIsDischarged, OverCap, StaleEdit

NOT_A_VISITOR = "Choose a home visitor of this family's agency."

STALE = OpenApiResponse(s.DetailSerializer, description="Stale version, or discharged family.")


class FamilyListView(GenericAPIView):
    """The families in the caller's scope: active ones (default) or discharged ones."""

    access_policy = capability("view_families")
    permission_classes = [PolicyPermission]
    serializer_class = s.FamilySerializer

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
        parameters=[s.FamilyQuerySerializer],
        responses={200: s.FamilySerializer(many=True), 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def get(self, request):
        query = validated(s.FamilyQuerySerializer, request.query_params)
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
        responses={200: s.FamilyDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        family = chart_family(get_family_for_user(request.user, pk))
        record(action="family.read", target=family, details={"via": "api"})
        today = timezone.localdate()
        context = {"request": request, "today": today, "policy": policy_on(today)}
        return Response(s.FamilyDetailSerializer(family, context=context).data)


class FamilyAssignView(PolicyAPIView):
    """Assign or transfer the family to a home visitor, keeping the history.

    409 with `active` and `capacity` when the visitor would go over the cap for their FTE:
    send `over_cap_confirmed: true` with a `reason` to go ahead. 409 on a stale `version`
    and on a discharged family.
    """

    access_policy = capability("assign_caseload")

    @extend_schema(
        operation_id="families_assign",
        request=s.AssignSerializer,
        responses={
            201: s.AssignResultSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(
                s.OverCapConflictSerializer,
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
        data = validated(s.AssignSerializer, request.data)
        visitor = User.objects.filter(pk=data["home_visitor"]).first()
        if visitor is None:
            return Response({"home_visitor": [NOT_A_VISITOR]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            assignment = services.assign_home_visitor(
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
        return Response(s.AssignResultSerializer(body).data, status=status.HTTP_201_CREATED)


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
        request=s.DischargeSerializer,
        responses={
            200: s.DischargeResultSerializer,
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
        data = validated(s.DischargeSerializer, request.data)
        early = _before_current_assignment(family, data["discharged_on"])
        if early:
            return Response({"discharged_on": [early]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            episode = services.discharge_family(
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
        return Response(s.DischargeResultSerializer(body).data)
