import datetime as dt

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from arp_portal.core.dates import long_date


class GovUKDateField(DateInputField):
    """The portal's one date field: a GOV.UK date input (day, month, year boxes) with the Design
    System's error messages, named for the field ("Closing date must be a real date"), never
    Python's ("day is out of range for month").

    name is how the messages start, capitalised ("Closing date"); required overrides "Enter the
    closing date"; earliest and latest bound the dates accepted (inclusive)."""

    def __init__(
        self,
        *,
        name: str,
        required_message: str | None = None,
        earliest: dt.date | None = None,
        latest: dt.date | None = None,
        **kwargs,
    ):
        kwargs.setdefault("require_all_fields", False)
        super().__init__(**kwargs)
        self.name = name
        self.earliest, self.latest = earliest, latest
        self.error_messages["required"] = (
            required_message or f"Enter the {name[0].lower()}{name[1:]}"
        )
        self.error_messages["incomplete"] = f"{name} must include a day, month and year"
        real_date = f"{name} must be a real date"
        for part, field in zip(("day", "month", "year"), self.fields, strict=True):
            field.error_messages["incomplete"] = f"{name} must include a {part}"
            field.validators = [RegexValidator(r"^[0-9]+$", real_date)]

    def compress(self, data_list):
        if not data_list or not all(data_list):
            return None
        day, month, year = (int(value) for value in data_list)
        if not 1000 <= year <= 9999:
            raise ValidationError("Year must include 4 numbers", code="invalid")
        try:
            date = dt.date(year, month, day)
        except ValueError as error:
            raise ValidationError(f"{self.name} must be a real date", code="invalid") from error
        if self.earliest and self.latest and not self.earliest <= date <= self.latest:
            raise ValidationError(
                f"{self.name} must be between {long_date(self.earliest)} and "
                f"{long_date(self.latest)}",
                code="out_of_range",
            )
        if self.earliest and date < self.earliest:
            raise ValidationError(
                f"{self.name} must be the same as or after {long_date(self.earliest)}",
                code="out_of_range",
            )
        if self.latest and date > self.latest:
            raise ValidationError(
                f"{self.name} must be the same as or before {long_date(self.latest)}",
                code="out_of_range",
            )
        return date


class EthnicityLabelForm(forms.Form):
    label = forms.CharField(
        label="Display label",
        help_text="How this code is worded on the portal's pages. The DfE code does not change.",
        max_length=100,
        error_messages={"required": "Enter a display label"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("label", field_width=Fluid.TWO_THIRDS), Button("submit", "Save label")
        )
