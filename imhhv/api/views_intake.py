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
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from imhhv.accounts.policies import capability
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
from imhhv.families.access import get_referral_for_user, referrals_visible_to
from imhhv.families.queries import agency_capacity, ranked_waitlist
from imhhv.families.services import REFERRAL_FIELDS
from imhhv.reports.queries import agency_figures

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
    serializer_class = s.ReferralListSerializer

    @extend_schema(
        operation_id="referrals_list",
        parameters=[s.ReferralQuerySerializer],
        responses={200: s.ReferralListSerializer(many=True), 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def get(self, request):
        query = validated(s.ReferralQuerySerializer, request.query_params)
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
        request=s.ReferralCreateSerializer,
        responses={
            201: s.ReferralDetailSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            409: OpenApiResponse(s.DuplicateConflictSerializer, description="Possible duplicates."),
        },
    )
    def post(self, request):
        data = validated(s.ReferralCreateSerializer, request.data)
        agency = request.user.membership.agency
        duplicates = services.find_possible_duplicates(
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
            referral = services.create_referral(
                agency=agency,
                by=request.user,
                data={k: data[k] for k in REFERRAL_FIELDS},
                caregivers=data["caregivers"],
                children=data["children"],
                risk_factor_codes=data["risk_factors"],
            )
        except ValidationError as error:
            return bad_input(error)
        return Response(s.ReferralDetailSerializer(referral).data, status=status.HTTP_201_CREATED)


class ReferralDetailView(PolicyAPIView):
    access_policy = capability("manage_intake")

    @extend_schema(
        operation_id="referrals_retrieve",
        responses={200: s.ReferralDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        referral = get_referral_for_user(request.user, pk)
        record(action="referral.read", target=referral, details={"via": "api"})
        return Response(s.ReferralDetailSerializer(referral).data)


class ReferralScreenView(PolicyAPIView):
    """Apply the eligibility rule on today's date; every reason, met or not, comes back.

    A referral already enrolled or closed cannot be screened again (400).
    """

    access_policy = capability("manage_intake")

    @extend_schema(
        operation_id="referrals_screen",
        request=None,
        responses={
            200: s.ScreenResultSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request, pk: int):
        referral = get_referral_for_user(request.user, pk)
        try:
            result = services.screen_referral(referral=referral, by=request.user)
        except ValidationError as error:
            return bad_input(error)
        return Response({"eligible": result.eligible, "reasons": list(result.reasons)})


class ReferralOverrideView(PolicyAPIView):
    """A supervisor's decision against the rule, with a written reason (audited)."""

    access_policy = capability("supervise")

    @extend_schema(
        operation_id="referrals_override",
        request=s.OverrideSerializer,
        responses={
            200: s.ReferralDetailSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request, pk: int):
        referral = get_referral_for_user(request.user, pk)
        data = validated(s.OverrideSerializer, request.data)
        try:
            referral = services.override_eligibility(
                referral=referral, by=request.user, eligible=data["eligible"], reason=data["reason"]
            )
        except ValidationError as error:
            return bad_input(error, rename={"override_reason": "reason"})
        return Response(s.ReferralDetailSerializer(referral).data)


class WaitlistView(PolicyAPIView):
    """The agency's eligible referrals not yet enrolled, in the order of the policy in
    effect. Entries carry the facts that rank them and the referral id, no names."""

    access_policy = capability("manage_intake")

    @extend_schema(
        operation_id="waitlist_retrieve", responses={200: s.WaitlistSerializer, 403: FORBIDDEN}
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
        return Response(s.WaitlistSerializer(body).data)


class CapacityView(PolicyAPIView):
    """Open slots per home visitor of the caller's agency (cap x FTE minus active)."""

    access_policy = capability("assign_caseload")

    @extend_schema(
        operation_id="capacity_list",
        responses={200: s.VisitorCapacitySerializer(many=True), 403: FORBIDDEN},
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
        return Response(s.VisitorCapacitySerializer(rows, many=True).data)


class StateCapacityView(PolicyAPIView):
    """Per agency, counts only: home visitors, capacity, active families, open slots and
    waitlist length. Counts of 1..10 families (active, waiting) are suppressed as null,
    and so are the open slots that would reveal a suppressed count."""

    access_policy = capability("view_state_reports")

    @extend_schema(
        operation_id="capacity_state_list",
        responses={200: s.AgencyCapacitySerializer(many=True), 403: FORBIDDEN},
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
        return Response(s.AgencyCapacitySerializer(rows, many=True).data)
