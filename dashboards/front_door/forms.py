"""The front door dashboard's filters: a GET form whose names the downloads share."""

from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from arp_portal.core.models import ServiceArea, Team
from dashboards.children.forms import DETAIL_CHOICES, REFERENCE_CHOICES
from dashboards.front_door.models import CONTACT_SOURCES
from dashboards.front_door.presenters import period_label
from dashboards.front_door.selectors import FrontDoorFilters


class FrontDoorFiltersForm(forms.Form):
    year = forms.TypedChoiceField(label="Year (1 April to 31 March)", coerce=int, required=False)
    source = forms.ChoiceField(
        label="Source of contact",
        choices=[("", "All sources"), *[(c, f"{c}: {label}") for c, label in
                                        CONTACT_SOURCES.items()]],
        required=False,
        error_messages={"invalid_choice": "Select a source from the list"},
    )  # fmt: skip
    team = forms.ModelChoiceField(
        label="Early help team",
        queryset=Team.objects.filter(service_area=ServiceArea.EARLY_HELP),
        required=False,
        empty_label="All teams",
        to_field_name="name",
        help_text="For the early help figures.",
        error_messages={"invalid_choice": "Select a team from the list"},
    )
    reference = forms.ChoiceField(
        label="Compare with", choices=REFERENCE_CHOICES, required=False, widget=forms.RadioSelect
    )
    detail = forms.ChoiceField(
        label="Ethnic groups", choices=DETAIL_CHOICES, required=False, widget=forms.RadioSelect
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            (y, period_label(y)) for y in reversed(years)
        ]
        self.fields["year"].error_messages["invalid_choice"] = "Select a year from the list"
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("year"),
            Field.select("source"),
            Field.select("team"),
            Field.radios("reference", legend_size=Size.SMALL, small=True),
            Field.radios("detail", legend_size=Size.SMALL, small=True),
            Button("apply", "Apply filters"),
        )

    def filters(self) -> FrontDoorFilters | None:
        """The filters chosen; defaults (the latest year) where left out or invalid."""
        if not self.years:
            return None
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return FrontDoorFilters(
            year=data.get("year") or self.years[-1],
            source=data.get("source") or "",
            team=data.get("team"),
            reference=data.get("reference") or "WBRI",
            detail=data.get("detail") or "major",
        )
