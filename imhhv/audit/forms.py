from django import forms


class AuditFilterForm(forms.Form):
    username = forms.CharField(label="Staff username", required=False, max_length=150)
    family = forms.IntegerField(label="Family id", required=False, min_value=1)
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
