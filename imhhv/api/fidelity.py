"""GET /api/v1/fidelity/?level=visitor|team|agency|state&start=YYYY-MM-DD&end=YYYY-MM-DD

The same metrics as the fidelity pages (imhhv.visits.fidelity over imhhv.core.fidelity),
one result per unit the caller may see at that level:

- visitor: a home visitor sees themself; a supervisor their team's visitors; an agency
  administrator the agency's;
- team: supervisors their team, agency administrators the agency's teams;
- agency: an agency administrator their agency; the state (view_state_reports) every
  agency, without family ids;
- state: the state only, one result.

A level the caller may not see answers 403; bad parameters 400 with field errors.
"""

from dataclasses import asdict
from datetime import date, timedelta

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from imhhv.accounts.policies import SIGNED_IN
from imhhv.agencies.models import Agency
from imhhv.api.common import (
    BAD_INPUT,
    FORBIDDEN,
    PolicyAPIView,
    validated,
)
from imhhv.audit.models import Outcome
from imhhv.audit.services import record
from imhhv.core.calendar import week_start
from imhhv.core.fidelity import FidelitySummary
from imhhv.core.roles import Scope
from imhhv.families.models import (
    Family,
)
from imhhv.visits import fidelity
from imhhv.visits.access import (
    teams_visible_to,
    visitors_visible_to,
)

LEVELS = ("visitor", "team", "agency", "state")


class FidelityQuerySerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=LEVELS)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, data):
        today = timezone.localdate()
        data.setdefault("end", today)
        data.setdefault("start", week_start(data["end"]) - timedelta(weeks=11))
        if data["start"] > data["end"]:
            raise serializers.ValidationError({"end": ["The end must be on or after the start."]})
        if (data["end"] - data["start"]).days > 731:
            raise serializers.ValidationError({"start": ["A period is at most two years."]})
        return data


def summary_json(summary: FidelitySummary | None, *, with_family_ids: bool) -> dict | None:
    if summary is None:
        return None
    data = asdict(summary)
    data["start"], data["end"] = summary.start.isoformat(), summary.end.isoformat()
    disengaged = data.pop("disengaged")
    data["disengaged_count"] = len(disengaged)
    if with_family_ids:
        data["disengaged"] = [
            {**d, "last_visit": d["last_visit"].isoformat() if d["last_visit"] else None}
            for d in disengaged
        ]
    return data


class FidelityView(PolicyAPIView):
    access_policy = SIGNED_IN

    @extend_schema(
        operation_id="fidelity_list",
        parameters=[FidelityQuerySerializer],
        responses={200: OpenApiTypes.OBJECT, 400: BAD_INPUT, 403: FORBIDDEN},
    )
    def get(self, request):
        query = validated(FidelityQuerySerializer, request.query_params)
        level, start, end = query["level"], query["start"], query["end"]
        user, today = request.user, timezone.localdate()
        state = user.can("view_state_reports")
        if level == "state" or (level == "agency" and state):
            if not state:
                self._deny(level)
            results = self._statewide(level, start, end, today)
        elif level == "agency":
            if user.scope != Scope.AGENCY:
                self._deny(level)
            agency = user.membership.agency
            facts = fidelity.read_facts(Family.objects.filter(agency=agency), start, end)
            results = [
                self._unit(
                    "agency",
                    agency.pk,
                    agency.name,
                    fidelity.summary_of_families(facts, start, end, today=today),
                    True,
                )
            ]
        elif level == "team":
            teams = list(teams_visible_to(user))
            if not teams:
                self._deny(level)
            members = list(visitors_visible_to(user).filter(team__in=teams))
            facts = self._facts_of_visitors(members, start, end)
            by_team = fidelity.summaries_by_group(
                facts, {m.user_id: m.team_id for m in members}, start, end, today=today
            )
            results = [self._unit("team", t.pk, t.name, by_team.get(t.pk), True) for t in teams]
        else:
            members = list(visitors_visible_to(user))
            if not members:
                self._deny(level)
            facts = self._facts_of_visitors(members, start, end)
            by_visitor = fidelity.summaries_by_visitor(
                facts, [m.user_id for m in members], start, end, today=today
            )
            results = [
                self._unit("visitor", m.user_id, m.user.display_name(), by_visitor[m.user_id], True)
                for m in members
            ]
        record(
            action="fidelity.read",
            object_type=level,
            details={
                "start": start.isoformat(),
                "end": end.isoformat(),
                "units": len(results),
                "via": "api",
            },
        )
        return Response({"level": level, "start": start, "end": end, "results": results})

    def _deny(self, level: str):
        record(
            action="fidelity.read",
            outcome=Outcome.DENIED,
            object_type=level,
            details={"reason": "level not visible to this role", "via": "api"},
        )
        raise PermissionDenied(f"Your role cannot see fidelity at the {level} level.")

    @staticmethod
    def _facts_of_visitors(members, start: date, end: date):
        families = Family.objects.filter(
            assignments__home_visitor__in=[m.user_id for m in members]
        ).distinct()
        return fidelity.read_facts(families, start, end)

    @staticmethod
    def _unit(kind: str, pk: int, name: str, summary, with_family_ids: bool) -> dict:
        return {
            "unit": {"type": kind, "id": pk, "name": name},
            "metrics": summary_json(summary, with_family_ids=with_family_ids),
        }

    def _statewide(self, level: str, start: date, end: date, today: date) -> list[dict]:
        families = Family.objects.all()
        facts = fidelity.read_facts(families, start, end)
        if level == "state":
            return [
                self._unit(
                    "state",
                    0,
                    "Michigan",
                    fidelity.summary_of_families(facts, start, end, today=today),
                    False,
                )
            ]
        agency_of = dict(families.values_list("pk", "agency_id"))
        by_agency = fidelity.summaries_by_family_group(
            facts, agency_of.get, start, end, today=today
        )
        return [
            self._unit("agency", a.pk, a.name, by_agency.get(a.pk), False)
            for a in Agency.objects.order_by("name")
        ]
