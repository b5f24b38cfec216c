"""GET /api/v1/fidelity/?level=visitor|team|agency|state[&unit=ID][&start=&end=]

An adapter over `imhhv.visits.fidelity.fidelity_report`, the same call as the fidelity
pages: which units a role sees at each level (`fidelity_units_visible_to`), the capability
each level needs, the period (default the last 12 weeks, at most two years:
`period_from`) and the audit event all live there, so page and API agree by construction.

- Without `unit`: `results` holds one entry per unit of the level the caller may see
  (for `state`, the state itself, and `parts` its agencies).
- With `unit`: `results` holds that unit, and `parts` its parts (a home visitor's
  families, a team's home visitors, an agency's teams, the state's agencies).

A level the caller may not see answers 403, a unit outside it 404 (both audited); bad
parameters 400 with field errors. Figures shown outside an agency carry no family ids.
"""

from dataclasses import asdict

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from imhhv.accounts.policies import SIGNED_IN
from imhhv.api.common import BAD_INPUT, FORBIDDEN, NOT_FOUND, PolicyAPIView, validated
from imhhv.core.fidelity import FidelitySummary
from imhhv.visits.access import FIDELITY_LEVELS
from imhhv.visits.fidelity import FidelityReport, fidelity_report, period_from

MAX_ID = 2**31 - 1


class FidelityQuery(serializers.Serializer):
    """Shape only: the rules of the period are `period_from`'s."""

    level = serializers.ChoiceField(choices=FIDELITY_LEVELS)
    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


class UnitOut(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()
    name = serializers.CharField()


class FidelityResultOut(serializers.Serializer):
    unit = UnitOut()
    metrics = serializers.DictField(allow_null=True, help_text="The fidelity summary.")


class FidelityOut(serializers.Serializer):
    level = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    results = FidelityResultOut(many=True)
    parts = FidelityResultOut(many=True)


def summary_json(summary: FidelitySummary | dict | None, *, with_family_ids: bool) -> dict | None:
    """A summary as JSON; figures already suppressed for outside an agency (a dict) as
    they are."""
    if summary is None or isinstance(summary, dict):
        return summary
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


def _result(unit, summary, *, with_family_ids: bool) -> dict:
    return {
        "unit": {"type": unit.level, "id": unit.id, "name": unit.name},
        "metrics": summary_json(summary, with_family_ids=with_family_ids),
    }


def report_json(report: FidelityReport) -> dict:
    ids = report.identifiable
    parts = [_result(r.unit, r.summary, with_family_ids=ids) for r in report.rows]
    if report.unit is not None:
        results = [_result(report.unit, report.total, with_family_ids=ids)]
    else:
        results, parts = parts, []
    return {
        "level": report.level,
        "start": report.period.start,
        "end": report.period.end,
        "results": results,
        "parts": parts,
    }


class FidelityView(PolicyAPIView):
    access_policy = SIGNED_IN

    @extend_schema(
        operation_id="fidelity_list",
        parameters=[FidelityQuery],
        responses={200: FidelityOut, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request):
        query = validated(FidelityQuery, request.query_params)
        period = period_from(query.get("start"), query.get("end"), today=timezone.localdate())
        report = fidelity_report(
            request.user, level=query["level"], unit_id=query.get("unit"), period=period
        )
        return Response(FidelityOut(report_json(report)).data)
