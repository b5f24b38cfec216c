"""Forms of the staff record and of reflective supervision: shape only.

The rules (dates in order, hours within a day, a waiver year not yet covered, families a
supervisee carries …) are checked by the services and the core; a form only turns the
posted text into typed values and keeps what was typed for the page shown again.

Fields that name a row by id (a training entry, a supervisor, an instrument, supervisees,
families) accept any id here: the service decides whether it is one the person may name.
The page fills in the options to show (`offer`, `SessionForm.offer`) only when it renders.
"""

from django import forms
from django.utils import timezone

from imhhv.core import workforce as rules
from imhhv.workforce.models import (
    Degree,
    Endorsement,
    License,
    StaffQuestionnaire,
    SupervisionSession,
    TrainingEntry,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MAX_ID = 2**63 - 1
CHOOSE = "Choose from the list."


def date_field(label: str, *, required: bool = True, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, **kwargs)


def text(label: str, *, max_length: int, required: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required, **kwargs)


def notes_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class IdField(forms.IntegerField):
    """An id picked from a list (rendered as a select): any positive id is the right
    shape; whether it may be named is the service's question."""

    def __init__(self, *, label: str, required: bool = True, **kwargs):
        super().__init__(
            label=label,
            required=required,
            min_value=1,
            max_value=MAX_ID,
            widget=forms.Select,
            error_messages={
                "invalid": CHOOSE,
                "min_value": CHOOSE,
                "max_value": CHOOSE,
                "required": "Choose one.",
            },
            **kwargs,
        )


class RecordForm(forms.Form):
    """A form of the staff record; `offer(...)` fills the options of its id fields."""

    def offer(self, *, training=(), supervisors=(), instruments=()) -> None:
        """Options for the page shown (from the profile already read)."""


class DegreeForm(RecordForm):
    heading = "Add a degree"
    level = forms.ChoiceField(label="Level", choices=[("", "—"), *Degree.Level.choices])
    field = text("Field of study", max_length=120)
    institution = text("Institution", max_length=160)
    year = forms.IntegerField(label="Year awarded", required=False, min_value=1, max_value=9999)


class LicenseForm(RecordForm):
    heading = "Add a license"
    type = forms.ChoiceField(label="License type", choices=[("", "—"), *License.Type.choices])
    number = text("License number", max_length=40)
    state = forms.CharField(
        label="State", max_length=2, min_length=2, initial="MI", help_text="Two letters, e.g. MI."
    )
    issued_on = date_field("Issued on")
    expires_on = date_field("Expires on")

    def clean_state(self):
        return self.cleaned_data["state"].upper()


class EndorsementForm(RecordForm):
    heading = "Record the endorsement"
    category = forms.ChoiceField(
        label="Category", choices=[("", "—"), *Endorsement.CATEGORY_CHOICES]
    )
    mentor_track = forms.ChoiceField(
        label="Mentor track",
        choices=Endorsement.MentorTrack.choices,
        required=False,
        help_text="Only for Infant Mental Health Mentor.",
    )
    status = forms.ChoiceField(label="Status", choices=Endorsement.STATUS_CHOICES)
    registered_on = date_field(
        "Registered in the endorsement application system on", required=False
    )
    endorsed_on = date_field("Endorsed on", required=False)
    number = text("Endorsement number", max_length=40)
    renewal_year = forms.IntegerField(
        label="Renewal year", required=False, min_value=1900, max_value=2200
    )


class WaiverForm(RecordForm):
    heading = "Add a waiver"
    fiscal_year = forms.IntegerField(
        label="Fiscal year",
        min_value=2000,
        max_value=2200,
        help_text="October to September, named by the year it ends in (FY2027 starts on "
        "1 October 2026).",
    )
    requested_on = date_field("Requested on")
    approved_on = date_field("Approved on", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].initial = rules.fiscal_year(timezone.localdate())


class SelfAssessmentForm(RecordForm):
    heading = "Record the self-assessment"
    completed_on = date_field("Completed on", required=False)
    discussed_on = date_field("Discussed with the supervisor on", required=False)
    discussed_with = IdField(label="Discussed with", required=False)
    gaps = notes_field("Gaps found")
    resources = notes_field("Readings and resources given")
    follow_up = notes_field("Follow-up")

    def offer(self, *, supervisors=(), **kwargs) -> None:
        self.fields["discussed_with"].widget.choices = [("", "—")] + [
            (s.pk, s.display_name()) for s in supervisors
        ]


class CourseworkForm(RecordForm):
    heading = "Record psychotherapy coursework"
    psychotherapy = forms.BooleanField(
        label="Has completed psychotherapy coursework", required=False
    )
    description = text("Courses", max_length=300)


class TrainingForm(RecordForm):
    heading = "Add training hours"
    day = date_field("Date")
    title = text("Title", max_length=200, required=True)
    provider = text("Provider", max_length=160)
    hours = forms.DecimalField(label="Hours", help_text="Up to 24 in one entry, e.g. 1.5.")
    category = forms.ChoiceField(
        label="Category", choices=[("", "—"), *TrainingEntry.CATEGORY_CHOICES]
    )
    booster = forms.BooleanField(label="A learning-collaborative booster session", required=False)


class EvidenceForm(RecordForm):
    heading = "Attach a certificate"
    multipart = True
    entry = IdField(label="Training entry")
    file = forms.FileField(
        label="File", help_text="A PDF, PNG or JPEG of at most 5 MB.", allow_empty_file=True
    )

    def offer(self, *, training=(), **kwargs) -> None:
        self.fields["entry"].widget.choices = [("", "—")] + [
            (t.pk, f"{t.day:%-d %b %Y}: {t.title} ({t.hours} h)") for t in training
        ]


class LeaveForm(RecordForm):
    heading = "Record leave"
    start = date_field("First day")
    end = date_field("Last day")


class QuestionnaireForm(RecordForm):
    heading = "Record a staff questionnaire"
    instrument = IdField(label="Questionnaire")
    time_point = forms.ChoiceField(
        label="Time point", choices=[("", "—"), *StaffQuestionnaire.TimePoint.choices]
    )
    day = date_field("Date")
    score = forms.DecimalField(label="Total score")

    def offer(self, *, instruments=(), **kwargs) -> None:
        self.fields["instrument"].widget.choices = [("", "—")] + [
            (i.pk, f"{i.name} ({i.min_score}–{i.max_score})") for i in instruments
        ]


# ---------------------------------------------------------------- reflective supervision


class IdsField(forms.TypedMultipleChoiceField):
    """Ticked ids: any positive ids are the right shape (the service checks who)."""

    def __init__(self, **kwargs):
        super().__init__(
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": CHOOSE, "required": "Tick at least one."},
            **kwargs,
        )

    def valid_value(self, value) -> bool:
        return isinstance(value, str) and value.isdigit() and 1 <= int(value) <= MAX_ID


class PairsField(forms.MultipleChoiceField):
    """Ticked families as "supervisee id:family id" (the service checks who carries what)."""

    def __init__(self, **kwargs):
        super().__init__(
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": CHOOSE},
            **kwargs,
        )

    def valid_value(self, value) -> bool:
        parts = value.split(":") if isinstance(value, str) else []
        return len(parts) == 2 and all(p.isdigit() and 1 <= int(p) <= MAX_ID for p in parts)


class SessionForm(forms.Form):
    """A reflective supervision session; with `consultant`, the supervisor's own
    consultation with an external consultant (the supervisor is the supervisee)."""

    day = date_field("Date")
    started_at = forms.TimeField(label="Start", widget=TIME)
    minutes = forms.IntegerField(label="Length in minutes", min_value=1, max_value=600)
    format = forms.ChoiceField(
        label="Format", choices=SupervisionSession.Format.choices, widget=forms.RadioSelect
    )
    supervisees = IdsField(label="Supervisees")
    families = PairsField(label="Families discussed", required=False)
    consultant_name = text("Consultant's name", max_length=120, required=True)
    consultant_credential = text(
        "Consultant's credential", max_length=60, help_text="For example LMSW, IMH-E®."
    )
    themes = text("Themes", max_length=300, help_text="A few words, no family names.")
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only the people in the session can read these notes.",
    )

    def __init__(self, *args, consultant: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultant = consultant
        if consultant:
            del self.fields["supervisees"], self.fields["families"]
        else:
            del self.fields["consultant_name"], self.fields["consultant_credential"]

    def offer(self, choices) -> None:
        """The supervisees and their families to show (`queries.session_choices`)."""
        if self.consultant:
            return
        visitors = choices.supervisees[1:]  # the first is the supervisor, for a consultation
        self.fields["supervisees"].choices = [(s.pk, s.display_name()) for s in visitors]
        self.fields["families"].choices = [
            (f"{s.pk}:{pk}", name) for s in visitors for pk, name in choices.families[s.pk]
        ]
        ticked_people = {str(v) for v in self["supervisees"].value() or []}
        ticked_families = {str(v) for v in self["families"].value() or []}
        counter = iter(range(10**6))  # ids as the error summary links them: id_families_0 …
        self.people = [
            {
                "pk": s.pk,
                "name": s.display_name(),
                "checked": str(s.pk) in ticked_people,
                "families": [
                    {
                        "id": f"id_families_{next(counter)}",
                        "value": f"{s.pk}:{pk}",
                        "name": name,
                        "checked": f"{s.pk}:{pk}" in ticked_families,
                    }
                    for pk, name in choices.families[s.pk]
                ],
            }
            for s in visitors
        ]

    def pairs(self) -> list[tuple[int, int]]:
        """(family id, supervisee id) for each family ticked."""
        out = []
        for value in self.cleaned_data.get("families", []):
            supervisee, family = value.split(":")
            out.append((int(family), int(supervisee)))
        return out


class SessionFilterForm(forms.Form):
    start = date_field("From", required=False)
    end = date_field("To", required=False)
    staff = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end cannot be before the start.")
        return data
