from django import forms
from django.utils import timezone

from imhhv.core.waitlist import PRIORITY_CRITERIA, parse_priority
from imhhv.reference.models import ProgramPolicy


class PolicyForm(forms.ModelForm):
    class Meta:
        model = ProgramPolicy
        fields = [
            "effective_from",
            "age_limit_months",
            "caseload_cap_per_fte",
            "transition_planning_months",
            "waitlist_priority",
        ]
        labels = {
            "effective_from": "Takes effect on",
            "age_limit_months": "Age limit at screening (months)",
            "caseload_cap_per_fte": "Caseload cap per full-time home visitor",
            "transition_planning_months": "Transition planning from (months of age)",
            "waitlist_priority": "Waitlist order",
        }
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["waitlist_priority"].help_text = (
            "Comma-separated, most important first: "
            + ", ".join(f"{code} ({words})" for code, words in PRIORITY_CRITERIA.items())
        )

    def clean_effective_from(self):
        day = self.cleaned_data["effective_from"]
        if day < timezone.localdate():
            raise forms.ValidationError("A new policy cannot take effect in the past.")
        return day

    def clean_waitlist_priority(self):
        try:
            return ",".join(parse_priority(self.cleaned_data["waitlist_priority"]))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        data = super().clean()
        limit, planning = data.get("age_limit_months"), data.get("transition_planning_months")
        if limit and planning and planning >= limit:
            self.add_error(
                "transition_planning_months", "Transition planning must start before the age limit."
            )
        return data


class RiskFactorForm(forms.Form):
    code = forms.SlugField(max_length=40, help_text="Short code, lowercase with underscores.")
    label = forms.CharField(max_length=200)
    applies_to = forms.ChoiceField(choices=[("parent", "Parent"), ("child", "Child")])


class HolidayForm(forms.Form):
    day = forms.DateField(
        label="Day", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    name = forms.CharField(
        max_length=200, help_text="What the day is, e.g. “State offices closed (storm)”."
    )
