"""GET /api/v1/fidelity/?level=visitor|team|agency|state[&unit=ID][&start=&end=]

An adapter over `imhhv.visits.fidelity.fidelity_report`, the same call as the fidelity
pages: which units a role sees at each level (`fidelity_units_visible_to`), the capability
each level needs, the period (default the last 12 weeks, at most two years:
`period_from`) and the audit event all live there, so page and API agree by construction.

- Without `unit`: `results` holds one entry per unit of the level the caller may see
  (for `state`, the state itself, and `parts` its agencies).
- With `unit`: `results` holds that unit, and `parts` its parts (a home visitor's
  families, a team's home visitors, an agency's teams, the state's agencies).

Each result and part carries `staff`: a home visitor's weeks with reflective
supervision and whether they are qualified, or a team's, agency's or the state's "n of
m home visitors" supervised weekly and qualified (suppressed outside an agency).

With `unit`, also `trend` (the weekly figures of the period), `this_week` (the week that
is not over, so far, with `partial: true`: never part of a figure) and, inside an agency,
`adds_up` (the total and the sum of the parts per figure, and why they differ).

A level the caller may not see answers 403, a unit outside it 404 (both audited); bad
parameters 400 with field errors: a period that ends before it starts or is longer than
two years is refused with the field at fault (`start` or `end`), never reset to the
default. Figures shown outside an agency carry no family ids; inside, a disengagement
alert names the family (`family_name`, with its id) only when the caller may open it.
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
from imhhv.visits.fidelity import (
    FidelityReport,
    NamedAlert,
    StaffCounts,
    VisitorStaff,
    fidelity_report,
    period_from,
)

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
    staff = serializers.DictField(
        allow_null=True,
        help_text=(
            "Reflective supervision and qualification (DOMAIN §4). A home visitor: "
            "supervised_weeks of weeks (the period's full weeks in the role, leave_weeks "
            "left out), supervised_weekly (true/false, null with no week to count) and "
            "qualified (true/false). A team, agency or the state: supervised_weekly of "
            "judged home visitors (those with a week to count), qualified of "
            "home_visitors, and both shares; outside an agency null marks a hidden "
            "figure. null for a family."
        ),
    )


class WeekOut(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday.")
    expected = serializers.IntegerField(allow_null=True)
    covered = serializers.IntegerField(allow_null=True)
    share = serializers.FloatField(allow_null=True)
    planned = serializers.FloatField(allow_null=True)
    delivered = serializers.IntegerField(allow_null=True)
    plan_share = serializers.FloatField(allow_null=True)
    partial = serializers.BooleanField(help_text="True for the week that is not over yet.")


class FigureOut(serializers.Serializer):
    label = serializers.CharField()
    total = serializers.IntegerField()
    rows = serializers.IntegerField(help_text="The sum of the parts.")
    difference = serializers.IntegerField()


class AddsUpOut(serializers.Serializer):
    parts = serializers.CharField(help_text="What the parts are: teams, home visitors...")
    adds_up = serializers.BooleanField()
    figures = FigureOut(many=True)
    reasons = serializers.ListField(child=serializers.CharField())


class FidelityOut(serializers.Serializer):
    level = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    results = FidelityResultOut(many=True)
    parts = FidelityResultOut(many=True)
    trend = WeekOut(many=True)
    this_week = WeekOut(allow_null=True)
    adds_up = AddsUpOut(allow_null=True)


def summary_json(
    summary: FidelitySummary | dict | None, *, alerts: tuple[NamedAlert, ...] | None
) -> dict | None:
    """A summary as JSON; figures already suppressed for outside an agency (a dict) as
    they are. `alerts`: the summary's disengagement alerts as the report named them
    (None outside an agency: the count only)."""
    if summary is None or isinstance(summary, dict):
        return summary
    data = asdict(summary)
    data["start"], data["end"] = summary.start.isoformat(), summary.end.isoformat()
    disengaged = data.pop("disengaged")
    data["disengaged_count"] = len(disengaged)
    if alerts is not None:
        data["disengaged"] = [
            {
                "family_id": a.family_id,
                "family_name": a.name,
                "weeks_without_visit": a.weeks_without_visit,
                "last_visit": a.last_visit.isoformat() if a.last_visit else None,
            }
            for a in alerts
        ]
    return data


def staff_json(staff: VisitorStaff | StaffCounts | dict | None) -> dict | None:
    """A unit's staff figures as JSON; the suppressed dict (outside an agency) as it is."""
    if staff is None or isinstance(staff, dict):
        return staff
    if isinstance(staff, VisitorStaff):
        return {**asdict(staff), "share": staff.share}
    return {
        **asdict(staff),
        "supervised_weekly_share": staff.supervised_weekly_share,
        "qualified_share": staff.qualified_share,
    }


def _result(unit, summary, alerts, *, identifiable: bool, staff=None) -> dict:
    return {
        "unit": {"type": unit.level, "id": unit.id, "name": unit.name},
        "metrics": summary_json(summary, alerts=alerts if identifiable else None),
        "staff": staff_json(staff),
    }


def _week(week, *, partial: bool = False) -> dict:
    data = dict(week) if isinstance(week, dict) else {**asdict(week), "plan_share": week.plan_share}
    return {**data, "partial": partial}


def report_json(report: FidelityReport) -> dict:
    ids = report.identifiable
    parts = [
        _result(r.unit, r.summary, r.alerts, identifiable=ids, staff=r.staff) for r in report.rows
    ]
    if report.unit is not None:
        results = [
            _result(report.unit, report.total, report.alerts, identifiable=ids, staff=report.staff)
        ]
    else:
        results, parts = parts, []
    adds_up = report.adds_up
    return {
        "level": report.level,
        "start": report.period.start,
        "end": report.period.end,
        "results": results,
        "parts": parts,
        "trend": [_week(w) for w in report.trend],
        "this_week": _week(report.this_week, partial=True) if report.this_week else None,
        "adds_up": None
        if adds_up is None
        else {
            "parts": adds_up.rows_label,
            "adds_up": adds_up.adds_up,
            "figures": [
                {"label": f.label, "total": f.total, "rows": f.rows, "difference": f.difference}
                for f in adds_up.figures
            ],
            "reasons": list(adds_up.reasons),
        },
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
