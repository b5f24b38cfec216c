from django import forms
from django.utils import timezone

from imhhv.core.policy import check_policy
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

    def clean_waitlist_priority(self):
        # Shape only: the canonical spelling. Whether the criteria exist is a rule below.
        text = self.cleaned_data["waitlist_priority"]
        try:
            return ",".join(parse_priority(text))
        except ValueError:
            return text

    def clean(self):
        """Every rule message at once, from the one rule the service also applies."""
        data = super().clean()
        errors = check_policy(
            today=timezone.localdate(),
            effective_from=data.get("effective_from"),
            age_limit_months=data.get("age_limit_months"),
            transition_planning_months=data.get("transition_planning_months"),
            waitlist_priority=data.get("waitlist_priority"),
        )
        for field, message in errors.items():
            self.add_error(field, message)
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
