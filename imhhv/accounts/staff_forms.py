"""Forms for staff management: a new account, a membership change, deactivation.

Forms check shape (a team of the chosen agency, a team for team roles); who may give which
role, and whether it needs the agency's confirmation, is checked by the services.
"""

from decimal import Decimal

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone

from imhhv.accounts.access import has_statewide_reach, roles_grantable_by
from imhhv.accounts.models import User
from imhhv.agencies.models import Agency, Team
from imhhv.core.roles import Role

TEAM_ROLES = {Role.HOME_VISITOR, Role.SUPERVISOR}
STATEWIDE_ROLES = {Role.STATE_ADMIN, Role.EVALUATOR}


class MembershipForm(forms.Form):
    role = forms.ChoiceField()
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    fte = forms.DecimalField(
        label="FTE",
        min_value=Decimal("0.05"),
        max_value=Decimal("1.00"),
        decimal_places=2,
        initial=Decimal("1.00"),
        help_text="1.00 is full time; 0.50 half time.",
    )
    start_date = forms.DateField(
        label="Starts on",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, manager: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.manager = manager
        self.fields["role"].choices = [(r.value, r.label) for r in roles_grantable_by(manager)]
        if has_statewide_reach(manager):
            self.fields["agency"].queryset = Agency.objects.all()
            self.fields["team"].queryset = Team.objects.select_related("agency")
            self.fields["agency"].help_text = "Leave empty for state administrators and evaluators."
        else:
            del self.fields["agency"]
            self.fields["team"].queryset = Team.objects.filter(
                agency_id=manager.membership.agency_id
            )
        self.fields["team"].help_text = "Required for home visitors and supervisors."

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if not role:
            return data
        role = Role(role)
        agency = data.get("agency") if "agency" in self.fields else self.manager.membership.agency
        team = data.get("team")
        if role in STATEWIDE_ROLES:
            agency, team = None, None
        else:
            if agency is None and team is not None:
                agency = team.agency
            if agency is None:
                self.add_error("agency", "Choose the agency for this role.")
            if role in TEAM_ROLES and team is None:
                self.add_error("team", "Home visitors and supervisors belong to a team.")
            if role not in TEAM_ROLES:
                team = None
            if team is not None and agency is not None and team.agency_id != agency.pk:
                self.add_error("team", "That team belongs to another agency.")
        data["role"], data["agency"], data["team"] = role, agency, team
        return data


class NewStaffForm(MembershipForm):
    username = forms.CharField(max_length=150, help_text="Letters, digits and . _ - only.")
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    password = forms.CharField(
        label="Temporary password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters, not a common password. Share it in person.",
    )
    field_order = ["username", "first_name", "last_name", "email", "password"]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not all(c.isalnum() or c in "._-" for c in username):
            raise forms.ValidationError("Use letters, digits and . _ - only.")
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken.")
        return username

    def clean(self):
        data = super().clean()
        if data.get("password"):
            probe = User(
                username=data.get("username", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
            )
            try:
                validate_password(data["password"], probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data
