"""The dashboard's filters (a GET form whose names the exports share) and the upload forms."""

import datetime as dt
from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from arp_portal.core.dates import latest_31_march, long_date
from arp_portal.core.forms import GovUKDateField
from arp_portal.core.models import AgeBand, Locality, Sex, Team
from dashboards.children.selectors import ChildFilters

COHORT_CHOICES = [
    ("cin", "Children in need"),
    ("cp", "On a child protection plan"),
    ("cic", "In care"),
]
MEASURE_CHOICES = [
    ("on_date", "On the reference date"),
    ("starts", "Starting in the year to the reference date"),
]
REFERENCE_CHOICES = [
    ("WBRI", "White British children"),
    ("white", "White children"),
    ("all", "All children"),
]
DETAIL_CHOICES = [("major", "Major groups"), ("detailed", "Detailed groups (DfE codes)")]
SEX_CHOICES = [("", "All")] + [(str(value), label) for value, label in Sex.choices]


class ChildFiltersForm(forms.Form):
    cohort = forms.ChoiceField(
        label="Cohort",
        choices=COHORT_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select children in need, child protection or in care"},
    )
    measure = forms.ChoiceField(
        label="Count children", choices=MEASURE_CHOICES, required=False, widget=forms.RadioSelect
    )
    date = GovUKDateField(
        label="Reference date",
        name="Reference date",
        help_text="For example, 31 3 2025. Trends go back five years from this date.",
        required=False,
    )
    locality = forms.ModelChoiceField(
        label="Locality",
        queryset=Locality.objects.all(),
        required=False,
        empty_label="All localities",
        to_field_name="name",
        error_messages={"invalid_choice": "Select a locality from the list"},
    )
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.select_related("locality"),
        required=False,
        empty_label="All teams",
        to_field_name="name",
        error_messages={"invalid_choice": "Select a team from the list"},
    )
    age_band = forms.ChoiceField(label="Age", choices=AgeBand.choices, required=False)
    sex = forms.ChoiceField(label="Sex", choices=SEX_CHOICES, required=False)
    reference = forms.ChoiceField(
        label="Compare with", choices=REFERENCE_CHOICES, required=False, widget=forms.RadioSelect
    )
    detail = forms.ChoiceField(
        label="Ethnic groups", choices=DETAIL_CHOICES, required=False, widget=forms.RadioSelect
    )

    def __init__(
        self,
        *args,
        default_date: dt.date | None = None,
        data_range: tuple[dt.date, dt.date] | None = None,
        data_ends_on: dt.date | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.default_date = default_date or latest_31_march()
        if data_range is not None:
            # A date the imported data does not cover would show a page of empty counts.
            earliest, latest = data_range
            date_field = cast(GovUKDateField, self.fields["date"])
            date_field.earliest, date_field.latest = earliest, latest
            # The data speaks to where it ends (the latest return's reference date), not to
            # today: a later date is allowed, and the page says it is carried forward.
            ends = min(latest, data_ends_on) if data_ends_on else latest
            ends = max(ends, earliest)
            carried = (
                " A later date shows what was known then, carried forward." if ends < latest else ""
            )
            date_field.help_text = (
                f"The imported data covers {long_date(earliest)} to {long_date(ends)}.{carried}"
                f" For example, {latest_31_march(ends):%-d %-m %Y}. Trends go back five "
                "years from this date."
            )
        cast(forms.ChoiceField, self.fields["age_band"]).choices = [
            (AgeBand.ALL, "0 to 17 (all children)")
        ] + [choice for choice in AgeBand.choices if choice[0] != AgeBand.ALL]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.radios("cohort", legend_size=Size.SMALL, small=True),
            Field.radios("measure", legend_size=Size.SMALL, small=True),
            Field("date", legend_size=Size.SMALL),
            Field.select("locality"),
            Field.select("team"),
            Field.select("age_band"),
            Field.select("sex"),
            Field.radios("reference", legend_size=Size.SMALL, small=True),
            Field.radios("detail", legend_size=Size.SMALL, small=True),
            Button("apply", "Apply filters"),
        )

    # Trends reach five years back from the date, and population estimates exist for no year
    # outside these: a date beyond them (0001-01-01, say) is refused, not computed.
    EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)

    def clean_date(self):
        date = self.cleaned_data.get("date")
        if date is not None and not self.EARLIEST_DATE <= date <= self.LATEST_DATE:
            raise forms.ValidationError(
                "Enter a reference date between 1 January 1900 and 31 December 2100"
            )
        return date

    def clean(self):
        cleaned = super().clean()
        team, locality = cleaned.get("team"), cleaned.get("locality")
        if team is not None and locality is not None and team.locality_id != locality.pk:
            self.add_error("team", f"Select a team in the {locality.name} locality, or all teams")
        return cleaned

    def filters(self) -> ChildFilters:
        """The filters chosen; defaults where a field was left out or is invalid."""
        data = self.cleaned_data if self.is_valid() else {}
        sex = data.get("sex")
        return ChildFilters(
            cohort=data.get("cohort") or "cin",
            measure=data.get("measure") or "on_date",
            reference_date=data.get("date") or self.default_date,
            locality=data.get("locality"),
            team=data.get("team"),
            age_band=data.get("age_band") or AgeBand.ALL,
            sex=int(sex) if sex else None,
            reference=data.get("reference") or "WBRI",
            detail=data.get("detail") or "major",
        )
