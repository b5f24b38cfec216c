"""Forms for intake, enrollment and the family record. Field rules come from imhhv.core."""

from django import forms
from django.utils import timezone

from imhhv.core.ages import check_child_dates
from imhhv.core.contact import PHONE_MESSAGE, ZIP_MESSAGE, normalize_phone, normalize_zip
from imhhv.core.dates import not_in_future
from imhhv.core.roles import Role
from imhhv.families.access import MAX_ID
from imhhv.families.models import (
    LANGUAGES,
    MEDICAID_CHOICES,
    REFERRAL_SOURCES,
    Caregiver,
    Child,
    Consent,
    Enrollment,
)
from imhhv.families.services.episodes import CAREGIVER_FIELDS
from imhhv.reference.models import RiskFactor

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label: str, *, required: bool = True, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, **kwargs)


def risk_factor_choices(applies_to: str | None = None) -> list[tuple[str, str]]:
    factors = RiskFactor.objects.filter(active=True)
    if applies_to:
        factors = factors.filter(applies_to=applies_to)
    return [(rf.code, rf.label) for rf in factors]


def _contact_value(value: str | None, normalize, message: str) -> str:
    normalized = normalize(value or "")
    if normalized is None:
        raise forms.ValidationError(message)
    return normalized


class ContactFields:
    """`clean_phone` and `clean_zip_code` for a form with those fields: the rule is core's
    (imhhv.core.contact) and the services apply it too; the form calls it only to put the
    message beside the field (a caregiver's row of a formset) and shows the number the way
    it will be stored."""

    def clean_phone(self):
        return _contact_value(self.cleaned_data.get("phone"), normalize_phone, PHONE_MESSAGE)

    def clean_zip_code(self):
        return _contact_value(self.cleaned_data.get("zip_code"), normalize_zip, ZIP_MESSAGE)


TEL = forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})
ZIP = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})


class ReferralForm(forms.Form):
    referral_date = date_field("Referral date", initial=timezone.localdate)
    source = forms.ChoiceField(label="Referral source", choices=REFERRAL_SOURCES)
    referrer_name = forms.CharField(label="Referrer's name", required=False, max_length=200)
    referrer_organization = forms.CharField(
        label="Referrer's organization", required=False, max_length=200
    )
    referrer_phone = forms.CharField(
        label="Referrer's phone", required=False, max_length=40, widget=TEL
    )
    pregnant = forms.BooleanField(label="Currently pregnant", required=False)
    due_date = date_field("Due date", required=False)
    parent_risk_factors = forms.MultipleChoiceField(
        label="Parent risk factors", required=False, widget=forms.CheckboxSelectMultiple
    )
    child_risk_factors = forms.MultipleChoiceField(
        label="Child risk factors", required=False, widget=forms.CheckboxSelectMultiple
    )
    medicaid_status = forms.ChoiceField(
        label="Medicaid status", choices=MEDICAID_CHOICES, initial="unknown"
    )
    medicaid_id = forms.CharField(label="Medicaid id", required=False, max_length=40)
    other_funding = forms.CharField(
        label="Other funding source",
        required=False,
        max_length=200,
        help_text="Only when the family is not Medicaid-eligible.",
    )
    consent_to_contact = forms.BooleanField(
        label="The family agreed to be contacted", required=False
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent_risk_factors"].choices = risk_factor_choices("parent")
        self.fields["child_risk_factors"].choices = risk_factor_choices("child")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        if message := not_in_future(data.get("referral_date"), today=today, what="A referral date"):
            self.add_error("referral_date", message)
        if data.get("pregnant"):
            if not data.get("due_date"):
                self.add_error("due_date", "Give the due date for a pregnancy.")
            else:
                for field, message in check_child_dates(
                    today=today, birth_date=None, due_date=data["due_date"]
                ).items():
                    self.add_error("due_date" if field == "due_date" else None, message)
        return data

    def clean_referrer_phone(self):
        return _contact_value(
            self.cleaned_data.get("referrer_phone"), normalize_phone, PHONE_MESSAGE
        )

    def risk_factor_codes(self) -> list[str]:
        return self.cleaned_data["parent_risk_factors"] + self.cleaned_data["child_risk_factors"]

    def referral_data(self) -> dict:
        skip = {"parent_risk_factors", "child_risk_factors"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class PersonForm(ContactFields, forms.Form):
    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    birth_date = date_field("Birth date", required=False)
    phone = forms.CharField(label="Phone", required=False, max_length=40, widget=TEL)
    address = forms.CharField(label="Street address", required=False, max_length=300)
    city = forms.CharField(label="City", required=False, max_length=100)
    zip_code = forms.CharField(label="ZIP code", required=False, max_length=10, widget=ZIP)
    preferred_language = forms.ChoiceField(
        label="Preferred language", choices=LANGUAGES, initial="en"
    )
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)

    def clean_birth_date(self):
        # The rule is core's; checked here too only to put the message on this person's row
        # of the formset (the service reports it for the caregivers as a whole).
        birth = self.cleaned_data.get("birth_date")
        if message := not_in_future(birth, today=timezone.localdate(), what="A birth date"):
            raise forms.ValidationError(message)
        return birth


class ReferralChildForm(forms.Form):
    first_name = forms.CharField(label="Child's first name", required=False, max_length=100)
    birth_date = date_field("Child's birth date")

    def clean_birth_date(self):
        birth = self.cleaned_data["birth_date"]
        errors = check_child_dates(today=timezone.localdate(), birth_date=birth, due_date=None)
        if errors:
            raise forms.ValidationError(next(iter(errors.values())))
        return birth


class PeopleFormSet(forms.BaseFormSet):
    """A formset of people. `filled()` gives the cleaned data of every person to keep:
    prefilled forms (kept as shown unless ticked "Leave out") and extra forms the user
    filled in; blank extra forms are ignored.

    Its messages name the people (`person`, `people`) instead of Django's "Please submit
    at least 1 form" (issue 9); a missing or tampered management form (a stale page, a
    hand-made post) asks to reload instead of listing technical field names.
    """

    person = "person"
    people = "people"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        at_least = (
            f"Fill in at least one {self.person}."
            if self.min_num == 1
            else f"Fill in at least %(num)d {self.people}."
        )
        self.error_messages = {
            **self.error_messages,
            "too_few_forms": at_least,
            "too_many_forms": f"Fill in at most %(num)d {self.people}.",
            "missing_management_form": "This form was incomplete or out of date. Reload the "
            "page and enter the details again.",
        }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Leave this person out"

    def filled(self) -> list[dict]:
        kept = []
        for index, form in enumerate(self.forms):
            if not form.cleaned_data or (self.can_delete and self._should_delete_form(form)):
                continue
            if index < self.initial_form_count() or form.has_changed():
                kept.append({k: v for k, v in form.cleaned_data.items() if k != "DELETE"})
        return kept


class CaregiverRows(PeopleFormSet):
    person = "caregiver"
    people = "caregivers"


class ChildRows(PeopleFormSet):
    person = "child"
    people = "children"


CaregiverFormSet = forms.formset_factory(
    PersonForm, formset=CaregiverRows, extra=2, max_num=4, min_num=1, validate_min=True
)
ReferralChildFormSet = forms.formset_factory(
    ReferralChildForm, formset=ChildRows, extra=3, max_num=6
)


class DuplicateConfirmForm(forms.Form):
    not_a_duplicate = forms.BooleanField(
        label="I checked the possible matches above: this is a different family.", required=False
    )


class OverrideForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label="Decision",
        choices=[("true", "Eligible"), ("false", "Not eligible")],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
    )
    override_reason = forms.CharField(
        label="Reason for overriding the rule",
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
    )


class CloseReferralForm(forms.Form):
    closed_reason = forms.CharField(label="Why is the referral closed?", max_length=200)


# --- enrollment -------------------------------------------------------------------------


def qualification_override_field() -> forms.BooleanField:
    """The supervisor's override of the qualification gate (issue 10), beside the cap's
    confirmation; the forms drop it for a person who cannot supervise."""
    return forms.BooleanField(
        label="Override as supervisor",
        required=False,
        help_text="Assign although the home visitor may not carry families yet (the "
        "self-assessment not discussed, or neither endorsed nor waived); write the reason.",
    )


class EnrollmentForm(forms.Form):
    enrolled_on = date_field("Enrollment date", initial=timezone.localdate)
    prenatal = forms.BooleanField(label="Enrolled during pregnancy", required=False)
    gestational_weeks = forms.IntegerField(
        label="Weeks of pregnancy at enrollment", required=False, min_value=4, max_value=42
    )
    # Nothing is ticked to start with: a consent is the family's decision, recorded by the
    # person who asked, so the form never suggests one (issue 9: "Consent to services" was
    # pre-ticked).
    consents = forms.MultipleChoiceField(
        label="Consents given today",
        choices=Consent.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick the consents the family gave today: services need the "
            "family's consent to services."
        },
    )
    home_visitor = forms.TypedChoiceField(
        label="Home visitor", required=False, coerce=int, empty_value=None
    )
    assign_reason = forms.CharField(
        label="Reason (needed to go over a visitor's cap or to override as supervisor)",
        required=False,
        max_length=300,
    )
    over_cap_confirmed = forms.BooleanField(
        label="Assign even though it goes over the cap", required=False
    )
    qualification_override = qualification_override_field()

    def __init__(self, *args, visitors=(), can_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_override:
            del self.fields["qualification_override"]
        self.fields["home_visitor"].choices = [("", "Assign later")] + [
            (m.user_id, f"{m.user.display_name()} ({m.team.name if m.team else ''}, {m.fte} FTE)")
            for m in visitors
        ]

    def clean(self):
        data = super().clean()
        if data.get("prenatal") and not data.get("gestational_weeks"):
            self.add_error("gestational_weeks", "Give the weeks of pregnancy at enrollment.")
        if message := not_in_future(
            data.get("enrolled_on"), today=timezone.localdate(), what="The enrollment date"
        ):
            self.add_error("enrolled_on", message)
        if data.get("consents") is not None and Consent.Kind.SERVICES not in data["consents"]:
            self.add_error("consents", "Services need the family's consent to services.")
        return data


class CaregiverForm(ContactFields, forms.ModelForm):
    races = forms.MultipleChoiceField(
        label="Race (choose all that apply)",
        choices=Caregiver.RACES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    programs = forms.MultipleChoiceField(
        label="Means-tested programs",
        choices=Caregiver.PROGRAMS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Caregiver
        fields = list(CAREGIVER_FIELDS)
        labels = {
            "hispanic": "Hispanic or Latino ethnicity",
            "interpreter_needed": "Needs an interpreter",
        }
        widgets = {"birth_date": DATE, "phone": TEL, "zip_code": ZIP}

    def clean_birth_date(self):
        # The rule is core's; checked here too only to put the message on this person's row
        # of the formset (the service reports it for the caregivers as a whole).
        birth = self.cleaned_data.get("birth_date")
        if message := not_in_future(birth, today=timezone.localdate(), what="A birth date"):
            raise forms.ValidationError(message)
        return birth


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = [
            "first_name",
            "birth_date",
            "due_date",
            "gestational_age_weeks",
            "birth_weight_grams",
        ]
        labels = {
            "gestational_age_weeks": "Gestational age at birth (weeks)",
            "birth_weight_grams": "Birth weight (grams)",
        }
        widgets = {"birth_date": DATE, "due_date": DATE}

    def clean(self):
        data = super().clean()
        errors = check_child_dates(
            today=timezone.localdate(),
            birth_date=data.get("birth_date"),
            due_date=data.get("due_date"),
        )
        for field, message in errors.items():
            self.add_error(field, message)
        return data


EnrollCaregiverFormSet = forms.formset_factory(
    CaregiverForm,
    formset=CaregiverRows,
    extra=1,
    max_num=6,
    min_num=1,
    validate_min=True,
    can_delete=True,
)
EnrollChildFormSet = forms.formset_factory(
    ChildForm,
    formset=ChildRows,
    extra=1,
    max_num=6,
    min_num=1,
    validate_min=True,
    can_delete=True,
)


# --- the family record ------------------------------------------------------------------


class VersionForm(forms.Form):
    """Carries the version of the family the user saw, to refuse a stale save."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AssignForm(VersionForm):
    """Assign or transfer a family.

    `visitors` are the agency's assignable memberships and `loads` their (active families,
    cap) by user id. The list offers every home visitor, but a supervisor only while they
    carry families: most supervisors carry none, and listing them all made the list long
    and invited mistakes (the service still accepts a supervisor, e.g. through the API).
    The current home visitor is chosen to start with, so the page shows who has the family;
    a family with nobody starts on a blank choice rather than on whoever sorts first.
    """

    home_visitor = forms.TypedChoiceField(
        label="Home visitor",
        coerce=int,
        error_messages={
            "required": "Choose a home visitor.",
            "invalid_choice": "Choose one of the home visitors listed.",
        },
    )
    start_date = date_field("From", initial=timezone.localdate)
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=300,
        help_text="Needed to go over the cap, to override as supervisor, or when the start "
        "date is before today.",
    )
    over_cap_confirmed = forms.BooleanField(
        label="Assign even though it goes over the cap", required=False
    )
    qualification_override = qualification_override_field()

    def __init__(
        self,
        *args,
        visitors=(),
        loads=None,
        current_visitor_id=None,
        can_override=False,
        **kwargs,
    ):
        loads = loads or {}
        listed = [
            m for m in visitors if m.role != Role.SUPERVISOR or loads.get(m.user_id, (0, 0))[0] > 0
        ]
        current_listed = current_visitor_id in {m.user_id for m in listed}
        if current_listed:
            kwargs["initial"] = {"home_visitor": current_visitor_id, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        blank = [] if current_listed else [("", "Choose a home visitor")]
        self.fields["home_visitor"].choices = blank + [
            (m.user_id, f"{m.user.display_name()} ({m.team.name if m.team else ''}, {m.fte} FTE)")
            for m in listed
        ]
        if not can_override:
            del self.fields["qualification_override"]
        self.listed = listed
        self.visitor_rows = [(m, *loads.get(m.user_id, (0, 0))) for m in listed]


class DischargeForm(VersionForm):
    discharged_on = date_field("Discharge date", initial=timezone.localdate)
    reason = forms.ChoiceField(label="Reason", choices=Enrollment.DischargeReason.choices)
    planned = forms.TypedChoiceField(
        label="Was the discharge planned?",
        choices=[("true", "Planned"), ("false", "Unplanned")],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
    )
    transition_plan = forms.CharField(
        label="Transition plan", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    referrals_made = forms.CharField(
        label="Referrals made",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Services the family was referred on to.",
    )

    def clean_discharged_on(self):
        day = self.cleaned_data["discharged_on"]
        if message := not_in_future(day, today=timezone.localdate(), what="The discharge date"):
            raise forms.ValidationError(message)
        return day


class ReenrollForm(VersionForm):
    enrolled_on = date_field("New enrollment date", initial=timezone.localdate)
    prenatal = forms.BooleanField(label="Enrolled during pregnancy", required=False)
    gestational_weeks = forms.IntegerField(
        label="Weeks of pregnancy at enrollment", required=False, min_value=4, max_value=42
    )


class CaregiverEditForm(CaregiverForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class BirthForm(VersionForm):
    first_name = forms.CharField(label="Child's first name", required=False, max_length=100)
    birth_date = date_field("Birth date")
    gestational_age_weeks = forms.IntegerField(
        label="Gestational age at birth (weeks)", min_value=20, max_value=45
    )
    birth_weight_grams = forms.IntegerField(
        label="Birth weight (grams)", min_value=200, max_value=7000
    )

    def clean_birth_date(self):
        birth = self.cleaned_data["birth_date"]
        if message := not_in_future(birth, today=timezone.localdate(), what="A birth date"):
            raise forms.ValidationError(message)
        return birth


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label="Consent", choices=Consent.Kind.choices)
    given_on = date_field("Given on", initial=timezone.localdate)


class RevokeConsentForm(forms.Form):
    """The consent to revoke comes as a hidden id: anything but an id is a clear message
    (a tampered or stale form), never a server error."""

    consent = forms.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose the consent to revoke.",
            "invalid": "Choose the consent to revoke.",
            "min_value": "Choose the consent to revoke.",
            "max_value": "Choose the consent to revoke.",
        },
    )
    revoked_on = date_field("Revoked on", initial=timezone.localdate)
