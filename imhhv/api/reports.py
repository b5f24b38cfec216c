"""GET /api/v1/home/: what the caller's home page shows, for their role.

An adapter over `imhhv.reports.home.home_for`, the same call as the home page: which
role sees what, the scope and the one audit event live there, so page and API agree by
construction. `role` says which shape follows:

- `visitor`: `today` and `week` (the agenda: planned visits not recorded yet, with the
  visit form's `document_url`, and recorded visits), notes to write and sign, families not
  seen for 14 days, disengagement alerts, caseload against the cap;
- `supervisor`: per home visitor the week's planned and completed visits and notes to
  sign, the oldest notes waiting, alerts, families not seen, caseloads and open slots;
- `agency`: the waitlist's length and first places, open slots, teams, staff items due;
- `state`: one row per agency, small cells suppressed (null), and the statewide row;
- `none`: an account without an active role (nothing else).
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from imhhv.accounts.policies import SIGNED_IN
from imhhv.api.common import FORBIDDEN, PolicyAPIView
from imhhv.reports.home import AgendaItem, home_for


def _family(family) -> dict:
    return {"id": family.pk, "name": family.display_name}


def _agenda(item: AgendaItem) -> dict:
    if item.planned:
        url = reverse("visits:new", args=[item.family.pk])
        if item.document_query:
            url += "?" + item.document_query
    elif item.to_document:
        url = reverse("visits:edit", args=[item.visit.pk])
    else:
        url = reverse("visits:detail", args=[item.visit.pk])
    return {
        "day": item.day.isoformat() if item.day else None,
        "time": item.at.strftime("%H:%M") if item.at else None,
        "family": _family(item.family),
        "planned": item.planned,
        "visit": item.visit.pk if item.visit is not None else None,
        "outcome": item.visit.outcome if item.visit is not None else None,
        "document_url": url,
    }


def _visit(visit) -> dict:
    return {
        "id": visit.pk,
        "family": _family(visit.family),
        "scheduled_at": visit.scheduled_at.isoformat(),
        "outcome": visit.outcome,
    }


def _streak(family, streak) -> dict:
    return {
        "family": _family(family),
        "weeks_without_visit": streak.weeks_without_visit,
        "last_home_visit": streak.last_visit.isoformat() if streak.last_visit else None,
    }


def _not_seen(family, last) -> dict:
    return {"family": _family(family), "last_home_visit": last.isoformat() if last else None}


def _visitor(home) -> dict:
    week = home.week
    return {
        "today": home.today.isoformat(),
        "week": week.monday.isoformat(),
        "agenda_today": [_agenda(i) for i in home.agenda_today],
        "agenda_week": [_agenda(i) for i in home.agenda_week],
        "to_document": [_visit(v) for v in week.to_document],
        "to_sign": [_visit(v) for v in week.to_sign],
        "not_seen": [_not_seen(f, last) for f, last in week.not_seen],
        "alerts": [_streak(f, s) for f, s in week.alerts],
        "families": home.families,
        "capacity": home.capacity,
    }


def _supervisor(home) -> dict:
    return {
        "today": home.today.isoformat(),
        "week": home.week.monday.isoformat(),
        "visitors": [
            {
                "id": person.pk,
                "name": person.display_name(),
                "planned": planned,
                "completed": done,
                "planned_not_recorded": len(open_visits),
                "notes_to_sign": unsigned,
            }
            for person, _, unsigned, planned, done, open_visits in home.week.lines()
        ],
        "notes_waiting": [{**_visit(v), "visitor": v.visitor.display_name()} for v in home.notes],
        "notes_waiting_total": home.notes_total,
        "alerts": [_streak(f, s) for f, s in home.alerts],
        "not_seen": [_not_seen(f, last) for f, last in home.not_seen],
        "caseloads": [
            {
                "id": v.user_id,
                "name": v.name,
                "fte": str(v.fte),
                "families": v.families,
                "capacity": v.capacity,
                "open_slots": v.open_slots,
            }
            for v in home.loads
        ],
        "open_slots": home.open_slots,
    }


def _agency(home) -> dict:
    return {
        "waiting": home.waiting,
        "waitlist": [
            {
                "position": row.position,
                "referral": row.referral.pk,
                "days_waiting": row.days_waiting,
                "rescreen": row.rescreen,
            }
            for row in home.waitlist.rows
        ],
        "open_slots": home.open_slots,
        "teams": [
            {
                "id": t.team.pk,
                "name": t.team.name,
                "home_visitors": t.home_visitors,
                "families": t.families,
                "capacity": t.capacity,
                "open_slots": t.open_slots,
            }
            for t in home.teams
        ],
        "staff": {
            "proposals_waiting": len(home.staff.proposals),
            "without_two_factor": [u.pk for u in home.staff.without_two_factor],
            "memberships_ending": [
                {"user": m.user_id, "role": m.role, "end_date": m.end_date.isoformat()}
                for m in home.staff.ending
            ],
        },
    }


def _figures(r) -> dict:
    return {
        "agency": {"id": r.agency.pk, "name": r.agency.name} if r.agency is not None else None,
        "teams": r.teams,
        "home_visitors": r.home_visitors,
        "families": r.families,
        "capacity": r.capacity,
        "open_slots": r.open_slots,
        "waiting": r.waiting,
    }


def _state(home) -> dict:
    return {
        "agencies": [_figures(r) for r in home.rows],
        "statewide": _figures(home.total),
        "small_cell_max": home.small_cell_max,
    }


SHAPES = {
    "visitor": _visitor,
    "supervisor": _supervisor,
    "agency": _agency,
    "state": _state,
    "none": lambda home: {},
}


class HomeOut(serializers.Serializer):
    role = serializers.ChoiceField(choices=list(SHAPES))
    home = serializers.DictField(help_text="The role's home: see the endpoint's description.")


class HomeView(PolicyAPIView):
    """The caller's home page as data (`imhhv.reports.home.home_for`)."""

    access_policy = SIGNED_IN

    @extend_schema(
        operation_id="home",
        responses={
            200: HomeOut,
            401: OpenApiResponse(OpenApiTypes.OBJECT, description="Not signed in."),
            403: FORBIDDEN,
        },
    )
    def get(self, request):
        home = home_for(request.user)
        return Response({"role": home.kind, "home": SHAPES[home.kind](home)})
