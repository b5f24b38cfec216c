"""Writes about visits: plans, scheduling, documentation, signing, amendments.

Keyword-only, atomic, audited in the same transaction. A visit carries a version; a save
based on an old version raises `StaleEdit` (`imhhv.audit.locking.claim_version`, the one
optimistic-locking helper) and writes nothing. A signed visit is never edited in place:
`amend_visit` records the reason and the before/after of each changed field. Refusals
are the errors of `imhhv.visits.errors`, mapped to HTTP once (API handler, page helper).

A discharged family is read-only here too (`FamilyIsDischarged`, 409): no new visit, no
plan change, no amendment, no edit. The one exception (`note_open_after_discharge`): the
home visitor may still finish (document and sign) the unsigned note of a visit made on or
before the discharge day, until that note's documentation deadline, so the last visit
before a discharge is not left without a note.

The plan history is kept: every change is a new row from its `effective_from` on, and a
change may not start before the latest one already recorded (history is not rewritten).
"""

from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from imhhv.accounts.models import User
from imhhv.audit.locking import claim_version
from imhhv.audit.services import record
from imhhv.core.visit_rules import check_visit
from imhhv.families.models import Family
from imhhv.visits.access import require_writable
from imhhv.visits.errors import FamilyIsDischarged, NoteIsSigned, NoteNotReady, NoteNotSigned
from imhhv.visits.facts import refresh_family
from imhhv.visits.models import (
    Amendment,
    Catalogue,
    KeyComponent,
    Strategy,
    StrategyResponse,
    Visit,
    VisitPlan,
)

DOCUMENTED_FIELDS = (
    "outcome",
    "started_at",
    "ended_at",
    "place",
    "others_present",
    "asked_about_development",
    "safety_concern",
    "note",
    "next_steps",
)


def current_catalogue() -> Catalogue | None:
    return Catalogue.objects.order_by("-version").first()


def _require_open(family: Family) -> None:
    """Refuse any new record for a family without an open episode."""
    if not family.enrollments.filter(discharged_on__isnull=True).exists():
        raise FamilyIsDischarged


@transaction.atomic
def set_visit_plan(
    *,
    family: Family,
    by: User,
    frequency: str,
    effective_from: date,
    paused_until: date | None = None,
    pause_reason: str = "",
    preferred_day: int | None = None,
    preferred_time: time | None = None,
) -> VisitPlan:
    _require_open(family)
    latest = (
        family.visit_plans.order_by("-effective_from")
        .values_list("effective_from", flat=True)
        .first()
    )
    if latest is not None and effective_from < latest:
        raise ValidationError(
            {
                "effective_from": [
                    f"The plan already changed on {latest:%-d %B %Y}; a new change starts "
                    "on or after that day."
                ]
            }
        )
    if frequency == VisitPlan.Frequency.PAUSED:
        if not paused_until or not pause_reason.strip():
            raise ValidationError({"paused_until": ["A pause needs an end date and a reason."]})
    else:
        paused_until, pause_reason = None, ""
    plan = VisitPlan(
        family=family,
        effective_from=effective_from,
        frequency=frequency,
        paused_until=paused_until,
        pause_reason=pause_reason.strip(),
        preferred_day=preferred_day,
        preferred_time=preferred_time,
        created_by=by,
    )
    plan.full_clean()
    plan.save()
    record(
        action="visitplan.set",
        user=by,
        target=family,
        details={"plan_id": plan.pk, "frequency": frequency, "from": effective_from.isoformat()},
    )
    refresh_family(family.pk)
    return plan


def _episodes(family: Family) -> list[tuple[date, date | None]]:
    return list(family.enrollments.values_list("enrolled_on", "discharged_on"))


def _validate(visit: Visit, components: list[str]) -> None:
    errors = check_visit(
        now=timezone.now(),
        outcome=visit.outcome,
        scheduled_at=visit.scheduled_at,
        started_at=visit.started_at,
        ended_at=visit.ended_at,
        place=visit.place,
        components=components,
        episodes=_episodes(visit.family),
        day=timezone.localdate(visit.started_at or visit.scheduled_at),
    )
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})


@transaction.atomic
def schedule_visit(*, family: Family, visitor: User, scheduled_at: datetime, by: User) -> Visit:
    _require_open(family)
    visit = Visit(family=family, visitor=visitor, scheduled_at=scheduled_at, created_by=by)
    _validate(visit, [])
    visit.save()
    record(action="visit.schedule", user=by, target=visit, details={"family_id": family.pk})
    return visit


def _apply(
    visit: Visit, data: dict, components: list[str], strategies: dict[str, int]
) -> tuple[dict, dict]:
    """Set fields on `visit` and return (before, after) snapshots of what it documents."""
    before = _snapshot(visit)
    for field in DOCUMENTED_FIELDS:
        if field in data:
            setattr(visit, field, data[field])
    if visit.outcome != Visit.Outcome.COMPLETED:
        visit.started_at = visit.ended_at = None
        visit.place = ""
        components, strategies = [], {}
    _validate(visit, components)
    return before, {
        "components": sorted(components),
        "strategies": dict(sorted(strategies.items())),
    }


def _snapshot(visit: Visit) -> dict:
    if visit.pk is None:
        return {}
    data = {f: getattr(visit, f) for f in DOCUMENTED_FIELDS}
    data["components"] = sorted(visit.components.values_list("code", flat=True))
    data["strategies"] = dict(
        sorted(visit.strategy_responses.values_list("strategy__code", "value"))
    )
    return data


def _save_choices(visit: Visit, components: list[str], strategies: dict[str, int]) -> None:
    catalogue = visit.catalogue
    chosen = list(KeyComponent.objects.filter(catalogue=catalogue, code__in=components))
    unknown = set(components) - {c.code for c in chosen}
    if unknown:
        raise ValidationError(
            {"components": [f"Unknown key component: {', '.join(sorted(unknown))}."]}
        )
    visit.components.set(chosen)
    known = {s.code: s for s in Strategy.objects.filter(component__in=chosen)}
    bad = [code for code in strategies if code not in known]
    if bad:
        raise ValidationError(
            {"strategies": [f"Strategies must belong to a chosen component: {', '.join(bad)}."]}
        )
    for code, value in strategies.items():
        limit = 1 if known[code].response_type == Strategy.ResponseType.YES_NO else 3
        if not 0 <= value <= limit:
            raise ValidationError({"strategies": [f"{known[code].text}: answer 0–{limit}."]})
    visit.strategy_responses.all().delete()
    StrategyResponse.objects.bulk_create(
        StrategyResponse(visit=visit, strategy=known[code], value=value)
        for code, value in strategies.items()
    )


@transaction.atomic
def document_visit(
    *,
    family: Family,
    visitor: User,
    by: User,
    data: dict,
    components: list[str],
    strategies: dict[str, int] | None = None,
    caregiver_ids: list[int] | None = None,
    child_ids: list[int] | None = None,
    visit: Visit | None = None,
    expected_version: int | None = None,
) -> Visit:
    """Create or update an unsigned visit record."""
    strategies = strategies or {}
    if visit is not None and visit.is_signed:
        raise NoteIsSigned
    if visit is not None:
        require_writable(visit)
    if visit is None:
        _require_open(family)
        visit = Visit(
            family=family,
            visitor=visitor,
            created_by=by,
            scheduled_at=data.get("scheduled_at") or data.get("started_at") or timezone.now(),
        )
    elif "scheduled_at" in data and data["scheduled_at"]:
        visit.scheduled_at = data["scheduled_at"]
    before, chosen = _apply(visit, data, components, strategies)
    if visit.catalogue_id is None:
        visit.catalogue = current_catalogue()
    if visit.outcome != Visit.Outcome.SCHEDULED and visit.documented_at is None:
        visit.documented_at = timezone.now()
    if visit.pk is not None:
        claim_version(visit, expected_version)
    visit.save()
    _save_choices(visit, chosen["components"], chosen["strategies"])
    if caregiver_ids is not None:
        visit.caregivers_present.set(family.caregivers.filter(pk__in=caregiver_ids))
    if child_ids is not None:
        visit.children_present.set(family.children.filter(pk__in=child_ids))
    after = _snapshot(visit)
    record(
        action="visit.document" if before else "visit.create",
        user=by,
        target=visit,
        details={"family_id": family.pk, "outcome": visit.outcome},
        changes={k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
        if before
        else None,
    )
    refresh_family(visit.family_id)
    return visit


ATTESTATION = "I attest this note is accurate and complete"
ATTEST_REQUIRED = (
    "Tick “I attest this note is accurate and complete” to sign the note, "
    "or go back and edit it first."
)


@transaction.atomic
def sign_visit(*, visit: Visit, by: User, attested: bool = False) -> Visit:
    """Sign a documented note. The home visitor attests it first (`ATTESTATION`): the page
    asks on a confirmation step separate from Edit, the API needs `"attest": true`;
    without it the signature is refused (ValidationError on `attest`) and nothing changes.
    The attestation is kept in the audit event of the signature (`details.attestation`),
    beside the visit's `signed_at` and `signed_by`."""
    if visit.is_signed:
        raise NoteIsSigned("This note is already signed.")
    require_writable(visit)
    if visit.outcome == Visit.Outcome.SCHEDULED:
        raise NoteNotReady
    if by.pk != visit.visitor_id:
        raise PermissionDenied("Only the home visitor who made the visit signs its note.")
    if attested is not True:
        raise ValidationError({"attest": [ATTEST_REQUIRED]})
    visit.signed_at = timezone.now()
    visit.signed_by = by
    visit.save(update_fields=["signed_at", "signed_by"])
    record(
        action="visit.sign",
        user=by,
        target=visit,
        details={"family_id": visit.family_id, "attested": True, "attestation": ATTESTATION},
    )
    refresh_family(visit.family_id)
    return visit


@transaction.atomic
def amend_visit(
    *,
    visit: Visit,
    by: User,
    reason: str,
    data: dict,
    components: list[str] | None = None,
    strategies: dict[str, int] | None = None,
    expected_version: int | None = None,
) -> Amendment:
    """Change a signed note: the reason and the before/after are kept; the original text
    stays readable in the amendment history."""
    if not visit.is_signed:
        raise NoteNotSigned
    require_writable(visit, amending=True)
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": ["Say why the signed note is being changed."]})
    components = (
        components
        if components is not None
        else list(visit.components.values_list("code", flat=True))
    )
    strategies = (
        strategies
        if strategies is not None
        else dict(visit.strategy_responses.values_list("strategy__code", "value"))
    )
    before, chosen = _apply(visit, data, components, strategies)
    claim_version(visit, expected_version)
    visit.save()
    _save_choices(visit, chosen["components"], chosen["strategies"])
    after = _snapshot(visit)
    changes = {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
    if not changes:
        raise ValidationError("Nothing changed: an amendment needs at least one change.")
    amendment = Amendment.objects.create(
        visit=visit,
        amended_at=timezone.now(),
        amended_by=by,
        reason=reason.strip(),
        changes=_jsonable(changes),
    )
    record(
        action="visit.amend",
        user=by,
        target=visit,
        details={"reason": reason.strip()},
        changes=changes,
    )
    refresh_family(visit.family_id)
    return amendment


def _jsonable(value):
    import json

    return json.loads(json.dumps(value, default=str))


@transaction.atomic
def publish_catalogue(*, title: str, strategies: list[dict], by: User) -> Catalogue:
    """Publish the next version of the fidelity catalogue.

    The seven key components are the model's own and carry over; the strategies under
    each are what changes. Visits documented earlier keep the version they used.
    """
    from django.utils.text import slugify

    current = current_catalogue()
    if current is None:
        raise ValidationError("No catalogue to build on.")
    components = list(current.components.all())
    by_code = {c.code: [] for c in components}
    for row in strategies:
        if row["component"] not in by_code:
            raise ValidationError({"strategies": [f"Unknown key component: {row['component']}."]})
        if row["response_type"] not in Strategy.ResponseType.values:
            raise ValidationError(
                {"strategies": [f"Unknown response type: {row['response_type']}."]}
            )
        code = row.get("code") or slugify(row["text"])[:60].replace("-", "_")
        if code in {c for c, _, _ in by_code[row["component"]]}:
            raise ValidationError({"strategies": [f"Two strategies share the code {code}."]})
        by_code[row["component"]].append((code, row["text"].strip(), row["response_type"]))
    empty = [c.label for c in components if not by_code[c.code]]
    if empty:
        raise ValidationError(
            {"strategies": [f"Every key component needs a strategy: {', '.join(empty)}."]}
        )
    catalogue = Catalogue.objects.create(
        version=current.version + 1,
        title=title.strip(),
        is_starter=False,
        published_at=timezone.now(),
        published_by=by,
    )
    for component in components:
        new = KeyComponent.objects.create(
            catalogue=catalogue,
            code=component.code,
            label=component.label,
            description=component.description,
            order=component.order,
        )
        Strategy.objects.bulk_create(
            Strategy(component=new, code=code, text=text, response_type=kind, order=i)
            for i, (code, text, kind) in enumerate(by_code[component.code], start=1)
        )
    record(
        action="catalogue.publish",
        user=by,
        target=catalogue,
        details={"version": catalogue.version, "strategies": sum(len(v) for v in by_code.values())},
    )
    return catalogue
