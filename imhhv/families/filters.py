"""The filters of the family, referral and waitlist lists: GET forms, shape only.

One form per list validates the query string for the page and for the API alike (the API
turns its errors into a 400 with field errors, the page into messages above the list), and
hands the query functions (imhhv.families.queries) plain cleaned values: `FamilyFilters`,
`ReferralFilters`, `WaitlistFilters`. Scope is not decided here: a home visitor or team
id is only a number until the query intersects it with `families_visible_to`, so an id
from another agency finds nothing. The choices offered (home visitors, teams) come from
`queries.family_filter_choices`, already scoped.

`q` is the user's own search text. It stays in the query string of their own GET search
(and the hidden fields of the pager form, see templates/pagination.html) and nowhere else:
never in a link the site generates, never in the audit trail.

`register_last_visit` lets visits (a higher app) give the family list its "last home
visit" column without families importing visits, like the chart sections.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date

from django import forms
from django.db.models import DateTimeField, Expression, Value

from imhhv.audit.forms import FilterForm
from imhhv.families.models import REFERRAL_SOURCES, Referral

MAX_QUERY = 100
FAMILY_STATUSES = ("active", "discharged", "all")
FAMILY_SORTS = {
    "name": "Name",
    "last_visit": "Last home visit, longest ago first",
    "-last_visit": "Last home visit, most recent first",
    "-enrolled": "Enrolled, newest first",
    "enrolled": "Enrolled, oldest first",
}
REFERRAL_SORTS = {
    "-referral_date": "Referred, newest first",
    "referral_date": "Referred, oldest first",
}

# --- the last home visit, from the visits app ----------------------------------------------

_last_visit: list[Callable[[], Expression]] = []


def register_last_visit(factory: Callable[[], Expression]) -> None:
    """`factory()` returns an expression over a Family row (OuterRef("pk")) giving the start
    of its latest completed home visit; registered by visits in `AppConfig.ready()`."""
    _last_visit[:] = [factory]


def last_visit_expression() -> Expression:
    if _last_visit:
        return _last_visit[0]()
    return Value(None, output_field=DateTimeField())


# --- cleaned values ------------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyFilters:
    q: str = ""
    status: str = "active"
    home_visitor: int | None = None
    team: int | None = None
    enrolled_from: date | None = None
    enrolled_to: date | None = None
    seen_since: date | None = None  # a completed home visit on or after this day
    not_seen_since: date | None = None  # no completed home visit on or after this day
    sort: str = "name"

    def audit(self) -> dict:
        """What the audit event keeps of the filters: everything but the search text."""
        kept = {k: str(v) for k, v in asdict(self).items() if v not in ("", None) and k != "q"}
        return {**kept, "search": bool(self.q.strip())}


@dataclass(frozen=True)
class ReferralFilters:
    q: str = ""
    status: str = ""
    source: str = ""
    referred_from: date | None = None
    referred_to: date | None = None
    sort: str = "-referral_date"

    def audit(self) -> dict:
        kept = {k: str(v) for k, v in asdict(self).items() if v not in ("", None) and k != "q"}
        return {**kept, "search": bool(self.q.strip())}


@dataclass(frozen=True)
class WaitlistFilters:
    pregnant: str = ""  # "yes", "no" or "" (all)
    youngest_under_months: int | None = None
    min_days_waiting: int | None = None

    def audit(self) -> dict:
        return {k: str(v) for k, v in asdict(self).items() if v not in ("", None)}


# --- forms (on imhhv.audit.forms.FilterForm) ------------------------------------------------


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _search_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_QUERY,
        help_text=help_text,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


def _date_order(form: forms.Form, data: dict, start: str, end: str) -> None:
    if data.get(start) and data.get(end) and data[end] < data[start]:
        form.add_error(end, "This date must be on or after the first one.")


class FamilyFilterForm(FilterForm):
    result_class = FamilyFilters

    q = _search_field("Search", "Part of a caregiver's or child's name.")
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("active", "Active"), ("discharged", "Discharged"), ("all", "All")],
    )
    home_visitor = forms.TypedChoiceField(
        label="Home visitor", required=False, coerce=int, empty_value=None
    )
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    enrolled_from = _date("Enrolled from")
    enrolled_to = _date("Enrolled to")
    seen_since = _date("Home visit since")
    not_seen_since = _date("No home visit since")
    sort = forms.ChoiceField(label="Sort by", required=False, choices=list(FAMILY_SORTS.items()))

    def __init__(self, *args, visitors=(), teams=(), medicaid: bool = False, **kwargs):
        """`visitors` and `teams`: (id, label) pairs the user may filter by (scoped)."""
        super().__init__(*args, **kwargs)
        self.fields["home_visitor"].choices = [("", "Any"), *visitors]
        self.fields["team"].choices = [("", "Any"), *teams]
        # An id outside the reader's scope is refused like a typo, naming nobody.
        self.fields["home_visitor"].error_messages["invalid_choice"] = (
            "Choose one of the home visitors listed (those of the families you may see)."
        )
        self.fields["team"].error_messages["invalid_choice"] = "Choose one of the teams listed."
        if medicaid:
            self.fields["q"].help_text = "Part of a caregiver's or child's name, or a Medicaid id."

    def clean(self):
        data = super().clean()
        data["status"] = data.get("status") or "active"
        data["sort"] = data.get("sort") or "name"
        _date_order(self, data, "enrolled_from", "enrolled_to")
        return data


class ReferralFilterForm(FilterForm):
    result_class = ReferralFilters

    q = _search_field("Search", "Part of a caregiver's or child's name, or a Medicaid id.")
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "All"), *Referral.Status.choices]
    )
    source = forms.ChoiceField(
        label="Source", required=False, choices=[("", "All"), *REFERRAL_SOURCES]
    )
    referred_from = _date("Referred from")
    referred_to = _date("Referred to")
    sort = forms.ChoiceField(label="Sort by", required=False, choices=list(REFERRAL_SORTS.items()))

    def clean(self):
        data = super().clean()
        data["sort"] = data.get("sort") or "-referral_date"
        _date_order(self, data, "referred_from", "referred_to")
        return data


class WaitlistFilterForm(FilterForm):
    result_class = WaitlistFilters

    pregnant = forms.ChoiceField(
        label="Pregnancy",
        required=False,
        choices=[("", "All"), ("yes", "Pregnant"), ("no", "Not pregnant")],
    )
    youngest_under_months = forms.IntegerField(
        label="Youngest child under (months)", required=False, min_value=1, max_value=60
    )
    min_days_waiting = forms.IntegerField(
        label="Waiting at least (days)", required=False, min_value=0, max_value=3650
    )
