from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout
from django import forms

from arp_portal.core.forms import GovUKDateField
from arp_portal.core.models import Locality, ServiceArea


class WorkforceFilterForm(forms.Form):
    """The dashboard's filters, read from the query string (GET), so a view can be linked to."""

    year = forms.TypedChoiceField(label="Year", coerce=int, required=False)
    locality = forms.ModelChoiceField(
        label="Locality",
        queryset=Locality.objects.all(),
        required=False,
        empty_label="All localities",
        error_messages={"invalid_choice": "Select a locality from the list"},
    )
    service_area = forms.ChoiceField(
        label="Service area",
        choices=[("", "All service areas"), *ServiceArea.choices],
        required=False,
        error_messages={"invalid_choice": "Select a service area from the list"},
    )

    def __init__(self, *args, years: list[int], default_year: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        year_field = cast(forms.ChoiceField, self.fields["year"])
        year_field.choices = [(year, str(year)) for year in reversed(years)]
        self.fields["year"].error_messages["invalid_choice"] = "Select a year from the list"
        self.default_year = default_year
        self.fields["year"].initial = default_year
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = True
        self.helper.layout = Layout(
            Field.select("year"),
            Field.select("locality"),
            Field.select("service_area"),
            Button("apply", "Apply filters"),
        )

    def cleaned_or_defaults(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "year": data.get("year") or self.default_year,
            "locality": data.get("locality"),
            "service_area": data.get("service_area") or None,
        }


class TrainingTargetForm(forms.Form):
    percent = forms.DecimalField(
        label="Target: percentage of staff in post who have completed the training",
        min_value=0,
        max_value=100,
        decimal_places=1,
        # GOV.UK advises a text input with a numeric keyboard over type="number".
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the target percentage",
            "invalid": "Enter the target as a number, like 90",
            "min_value": "The target must be 0%% or more",
            "max_value": "The target must be 100%% or less",
            "max_decimal_places": "Enter the target to no more than 1 decimal place",
        },
    )
    due_date = GovUKDateField(
        label="Date the target should be met by",
        name="Date the target should be met by",
        help_text="For example, 31 1 2025",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("percent", field_width=Fixed.FOUR),
            Field("due_date"),
            Button("save", "Save target"),
        )
