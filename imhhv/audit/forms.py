"""The audit page's filters (a GET form, shape only: imhhv.audit.queries resolves them)."""

from django import forms


class AuditFilterForm(forms.Form):
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

    def messages(self) -> list[str]:
        return [
            f"{self.fields[name].label}: {error}" if name in self.fields else str(error)
            for name, errors in self.errors.items()
            for error in errors
        ]

    def kept(self) -> list[tuple[str, str]]:
        """The filters as typed, for the pager's hidden fields (never for a link)."""
        if not self.is_bound or not self.is_valid():
            return []
        return [(n, self.data[n]) for n in self.fields if self.data.get(n)]
