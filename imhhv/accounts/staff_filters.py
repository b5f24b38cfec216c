"""The staff list's filters: a GET form, shape only (imhhv.accounts.queries.staff_list
applies them within `staff_visible_to`). The page shows its errors as messages, the API
as a 400 with field errors.

`q` matches a username, e-mail or part of a first or last name (every word must match),
case-insensitively; staff names are not folded for accents the way family names are
(imhhv.core.search): administrators type colleagues' names as the account holds them.
"""

from dataclasses import asdict, dataclass

from django import forms

from imhhv.audit.forms import FilterForm
from imhhv.core.roles import ROLE_LABELS

STAFF_STATUSES = {"active": "Active here", "inactive": "No active role here", "all": "All"}


@dataclass(frozen=True)
class StaffFilters:
    q: str = ""
    role: str = ""
    team: int | None = None
    status: str = "all"

    def audit(self) -> dict:
        kept = {k: str(v) for k, v in asdict(self).items() if v not in ("", None) and k != "q"}
        return {**kept, "search": bool(self.q)}


class StaffFilterForm(FilterForm):
    result_class = StaffFilters

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="Username, e-mail, or part of a name.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="Role",
        required=False,
        choices=[("", "Any"), *((str(r), label) for r, label in ROLE_LABELS.items())],
    )
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="Status", required=False, choices=list(STAFF_STATUSES.items()))

    def __init__(self, *args, teams=(), **kwargs):
        """`teams`: (id, label) pairs of the teams the manager sees."""
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "Any"), *teams]
        self.fields["team"].error_messages["invalid_choice"] = "Choose one of the teams listed."
