"""Forms for visit plans and visit documentation."""

from datetime import datetime

from django import forms
from django.utils import timezone

from imhhv.families.models import Family
from imhhv.visits.models import Catalogue, Strategy, Visit, VisitPlan

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
        self.strategy_fields: list[tuple[str, list[str]]] = []
        if catalogue is not None:
            components = list(catalogue.components.prefetch_related("strategies"))
            self.fields["components"].choices = [(c.code, c.label) for c in components]
            for component in components:
                names = []
                for strategy in component.strategies.all():
                    name = f"strategy_{strategy.code}"
                    choices = (
                        [("", "—"), ("1", "Yes"), ("0", "No")]
                        if strategy.response_type == Strategy.ResponseType.YES_NO
                        else [("", "—")] + [(str(i), str(i)) for i in range(4)]
                    )
                    self.fields[name] = forms.TypedChoiceField(
                        label=strategy.text,
                        choices=choices,
                        required=False,
                        coerce=int,
                        empty_value=None,
                    )
                    names.append(name)
                self.strategy_fields.append((component.label, names))

    def strategy_groups(self):
        return [(label, [self[name] for name in names]) for label, names in self.strategy_fields]

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
                for _, names in self.strategy_fields
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


StrategyFormSet = forms.formset_factory(StrategyRowForm, extra=3, can_delete=True)
