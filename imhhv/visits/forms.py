"""Forms for visit plans and visit documentation."""

from datetime import datetime

from django import forms
from django.forms.utils import ErrorDict
from django.utils import timezone

from imhhv.accounts.pages import fields_that_differ
from imhhv.core.visit_rules import RATING_SCALE, rating_label
from imhhv.families.models import Family
from imhhv.visits.models import Catalogue, Strategy, Visit, VisitPlan
from imhhv.visits.services import ATTESTATION

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class VisitPlanForm(forms.Form):
    frequency = forms.ChoiceField(label="How often", choices=VisitPlan.Frequency.choices)
    effective_from = forms.DateField(label="From", widget=DATE, initial=timezone.localdate)
    paused_until = forms.DateField(label="Paused until", widget=DATE, required=False)
    pause_reason = forms.CharField(label="Reason for the pause", required=False, max_length=300)
    preferred_day = forms.TypedChoiceField(
        label="Preferred day",
        choices=[("", "No preference")] + VisitPlan.DAYS,
        required=False,
        coerce=int,
        empty_value=None,
    )
    preferred_time = forms.TimeField(label="Preferred time", widget=TIME, required=False)

    def clean(self):
        data = super().clean()
        if data.get("frequency") == VisitPlan.Frequency.PAUSED:
            if not data.get("paused_until"):
                self.add_error("paused_until", "A pause needs an end date.")
            if not data.get("pause_reason"):
                self.add_error("pause_reason", "Say why visits are paused.")
            if (
                data.get("paused_until")
                and data.get("effective_from")
                and data["paused_until"] < data["effective_from"]
            ):
                self.add_error("paused_until", "The pause must end on or after it starts.")
        return data


NOT_ANSWERED = ("", "Not answered")


def strategy_field(strategy: Strategy) -> forms.TypedChoiceField:
    """A strategy's answer as radio buttons with visible labels.

    A 0–3 rating says what each number means ("2 – Somewhat", `RATING_SCALE`); yes/no
    reads Yes/No. "Not answered" comes first, so an answer ticked by mistake can be taken
    back without JavaScript.
    """
    if strategy.response_type == Strategy.ResponseType.YES_NO:
        choices = [NOT_ANSWERED, ("1", "Yes"), ("0", "No")]
    else:
        choices = [NOT_ANSWERED] + [(str(v), rating_label(v)) for v, _ in RATING_SCALE]
    return forms.TypedChoiceField(
        label=strategy.text,
        choices=choices,
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
    )


def prefill(on: str, at: str, *, today) -> dict:
    """Initial values from a planned visit's link (`?on=YYYY-MM-DD&at=HH:MM`, "one click
    to document"): its date and time, and the outcome "completed" unless the day is still
    ahead. A value that does not parse is ignored (the form then starts as usual), never
    an error: the link is a convenience, not input the person typed."""
    from datetime import date, time

    initial: dict = {}
    try:
        day = date.fromisoformat(on) if len(on) == 10 else None
    except ValueError:
        day = None
    try:
        moment = time.fromisoformat(at) if len(at) == 5 else None
    except ValueError:
        moment = None
    if day is not None:
        initial["visit_date"] = day
        initial["outcome"] = Visit.Outcome.COMPLETED if day <= today else Visit.Outcome.SCHEDULED
    if moment is not None:
        initial["scheduled_time"] = moment
        initial["start_time"] = moment
    return initial


# The free-text fields a stale-version conflict shows side by side (`narrative_conflicts`).
NARRATIVE_FIELDS = ("note", "next_steps", "others_present")


def narrative_conflicts(form: "VisitForm", saved: Visit) -> list[dict]:
    """The free-text fields where the version saved now differs from what the person
    typed, for the side-by-side merge of a stale edit (the shared
    `imhhv.accounts.pages.fields_that_differ`, shown by `templates/_version_merge.html`).
    `form` is valid (the conflict shows only once the person's input passed its checks)."""
    return fields_that_differ(form, {name: getattr(saved, name) for name in NARRATIVE_FIELDS})


class AttestForm(forms.Form):
    """The confirmation step of signing: the person ticks the attestation. Not required
    here: `services.sign_visit` refuses a signature without it (one rule, one message, the
    same for the API)."""

    attest = forms.BooleanField(label=ATTESTATION, required=False)


class VisitForm(forms.Form):
    """Documenting a visit: the outcome and, for a completed visit, what happened."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    visit_date = forms.DateField(label="Date", widget=DATE, initial=timezone.localdate)
    scheduled_time = forms.TimeField(label="Scheduled time", widget=TIME, required=False)
    outcome = forms.ChoiceField(label="Outcome", choices=[c for c in Visit.Outcome.choices])
    start_time = forms.TimeField(label="Started", widget=TIME, required=False)
    end_time = forms.TimeField(label="Ended", widget=TIME, required=False)
    place = forms.ChoiceField(
        label="Where",
        choices=[("", "—")] + list(Visit.Place.choices),
        required=False,
        help_text="Only a visit in the family home counts as a home visit.",
    )
    caregivers_present = forms.MultipleChoiceField(
        label="Caregivers present", required=False, widget=forms.CheckboxSelectMultiple
    )
    children_present = forms.MultipleChoiceField(
        label="Children present", required=False, widget=forms.CheckboxSelectMultiple
    )
    others_present = forms.CharField(
        label="Other household members present", required=False, max_length=200
    )
    components = forms.MultipleChoiceField(
        label="Key components addressed", required=False, widget=forms.CheckboxSelectMultiple
    )
    asked_about_development = forms.BooleanField(
        label="Asked the caregiver about concerns with the child's development or behaviour",
        required=False,
    )
    safety_concern = forms.BooleanField(label="Safety concern", required=False)
    note = forms.CharField(
        label="Narrative note", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    next_steps = forms.CharField(
        label="Next steps", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, family: Family, catalogue: Catalogue | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        self.fields["caregivers_present"].choices = [
            (str(c.pk), f"{c.first_name} {c.last_name}") for c in family.caregivers.all()
        ]
        self.fields["children_present"].choices = [
            (str(c.pk), c.first_name or "child") for c in family.children.all() if c.birth_date
        ]
        # (component code, component label, strategy field names), in catalogue order.
        self.strategy_fields: list[tuple[str, str, list[str]]] = []
        if catalogue is not None:
            components = list(catalogue.components.prefetch_related("strategies"))
            self.fields["components"].choices = [(c.code, c.label) for c in components]
            for component in components:
                names = []
                for strategy in component.strategies.all():
                    name = f"strategy_{strategy.code}"
                    self.fields[name] = strategy_field(strategy)
                    names.append(name)
                self.strategy_fields.append((component.code, component.label, names))

    def quiet(self) -> None:
        """Bound to a restored draft: show what was typed without error messages (a draft
        is unfinished by nature); the checks run again when the person submits."""
        self.full_clean()
        self._errors = ErrorDict()

    def strategy_groups(self):
        """One group per key component for the template: its code (the strategies'
        fieldset carries it for static/js/visit_form.js, which shows a component's
        strategies only while it is ticked), its label and its bound fields."""
        return [
            {"code": code, "label": label, "fields": [self[name] for name in names]}
            for code, label, names in self.strategy_fields
        ]

    def _at(self, day, moment) -> datetime | None:
        if day is None or moment is None:
            return None
        return timezone.make_aware(datetime.combine(day, moment))

    def clean(self):
        data = super().clean()
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["end_time"] <= data["start_time"]
        ):
            self.add_error("end_time", "The end must be after the start.")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        started = self._at(data["visit_date"], data.get("start_time"))
        scheduled = self._at(
            data["visit_date"], data.get("scheduled_time") or data.get("start_time")
        )
        return {
            "data": {
                "scheduled_at": scheduled
                or timezone.make_aware(datetime.combine(data["visit_date"], datetime.min.time())),
                "outcome": data["outcome"],
                "started_at": started,
                "ended_at": self._at(data["visit_date"], data.get("end_time")),
                "place": data.get("place") or "",
                "others_present": data.get("others_present", ""),
                "asked_about_development": data.get("asked_about_development", False),
                "safety_concern": data.get("safety_concern", False),
                "note": data.get("note", ""),
                "next_steps": data.get("next_steps", ""),
            },
            "components": list(data.get("components") or []),
            "strategies": {
                name.removeprefix("strategy_"): data[name]
                for _, _, names in self.strategy_fields
                for name in names
                if data.get(name) is not None
            },
            "caregiver_ids": [int(x) for x in data.get("caregivers_present") or []],
            "child_ids": [int(x) for x in data.get("children_present") or []],
        }


def initial_from(visit: Visit) -> dict:
    local = timezone.localtime
    initial = {
        "version": visit.version,
        "visit_date": local(visit.started_at or visit.scheduled_at).date(),
        "scheduled_time": local(visit.scheduled_at).time().replace(second=0, microsecond=0),
        "outcome": visit.outcome,
        "start_time": local(visit.started_at).time() if visit.started_at else None,
        "end_time": local(visit.ended_at).time() if visit.ended_at else None,
        "place": visit.place,
        "caregivers_present": [
            str(pk) for pk in visit.caregivers_present.values_list("pk", flat=True)
        ],
        "children_present": [str(pk) for pk in visit.children_present.values_list("pk", flat=True)],
        "others_present": visit.others_present,
        "components": list(visit.components.values_list("code", flat=True)),
        "asked_about_development": visit.asked_about_development,
        "safety_concern": visit.safety_concern,
        "note": visit.note,
        "next_steps": visit.next_steps,
    }
    for code, value in visit.strategy_responses.values_list("strategy__code", "value"):
        initial[f"strategy_{code}"] = value
    return initial


class AmendReasonForm(forms.Form):
    reason = forms.CharField(label="Why is the signed note being changed?", max_length=500)


class StrategyRowForm(forms.Form):
    component = forms.ChoiceField(label="Key component")
    code = forms.CharField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label="Strategy", max_length=300)
    response_type = forms.ChoiceField(label="Answer", choices=Strategy.ResponseType.choices)

    def __init__(self, *args, components=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = [(c.code, c.label) for c in components]


class CataloguePublishForm(forms.Form):
    title = forms.CharField(label="Title of the new version", max_length=200)


class BaseStrategyFormSet(forms.BaseFormSet):
    """The catalogue's strategy rows; a tampered or outdated form says so in words."""

    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "missing_management_form": "This form was incomplete or out of date. Reload the "
        "page and enter the strategies again.",
    }


StrategyFormSet = forms.formset_factory(
    StrategyRowForm, formset=BaseStrategyFormSet, extra=3, can_delete=True
)
