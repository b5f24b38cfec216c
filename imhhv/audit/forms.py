"""The list pages' GET filter forms: `FilterForm`, the base every list's filters share (the
audit app is the lowest with pages, so families and accounts build on it here), and the
audit page's own filters (shape only: imhhv.audit.queries resolves them)."""

from django import forms
from django.core.exceptions import ValidationError


class FilterForm(forms.Form):
    """A GET filter form of a list page (families, referrals, waitlist, staff, audit):
    `filters()` gives the cleaned values as `result_class`, `messages()` the errors a page
    shows, `kept()` the (name, value) pairs the pager repeats (never put into a link)."""

    result_class: type | None = None  # a frozen dataclass of the cleaned values

    def filters(self):
        """The cleaned values; raises ValidationError (field errors) on bad input."""
        if not self.is_bound:
            return self.result_class()
        if not self.is_valid():
            raise ValidationError(self._error_dict())
        fields = self._result_fields()
        return self.result_class(
            **{k: v for k, v in self.cleaned_data.items() if k in fields and v not in (None, "")}
        )

    def _result_fields(self) -> set[str]:
        return set(self.result_class.__dataclass_fields__)

    def _error_dict(self) -> dict[str, list[str]]:
        return {field: [str(e) for e in errors] for field, errors in self.errors.items()}

    def messages(self) -> list[str]:
        """Each error as a sentence naming its field, for the page."""
        out = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            for error in errors:
                out.append(f"{label}: {error}" if label else str(error))
        return out

    def kept(self) -> list[tuple[str, str]]:
        """The valid filter values as typed, to repeat on the next page."""
        if not self.is_bound or not self.is_valid():
            return []
        return [
            (name, self.data.get(name, ""))
            for name in self.fields
            if self.data.get(name, "") not in ("", None)
        ]


class AuditFilterForm(FilterForm):
    person = forms.CharField(
        label="Staff member",
        required=False,
        max_length=150,
        help_text="Username, or part of a first or last name.",
    )
    family = forms.CharField(
        label="Family",
        required=False,
        max_length=100,
        help_text="Part of a caregiver's or child's name (families you may see), or an id.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    start = forms.DateField(
        label="From (date)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To (date)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date must be on or after the start date.")
        return data
