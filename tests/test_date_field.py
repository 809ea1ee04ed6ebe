"""The portal's one GOV.UK date field: the Design System's messages, named for the field."""

import datetime as dt

import pytest
from django import forms

from arp_portal.core.forms import GovUKDateField
from surveys.forms import SurveyForm


class ClosingForm(forms.Form):
    closes_on = GovUKDateField(label="Closing date", name="Closing date")


class BoundedForm(forms.Form):
    date = GovUKDateField(
        label="Reference date",
        name="Reference date",
        required=False,
        earliest=dt.date(2019, 4, 1),
        latest=dt.date(2026, 12, 1),
    )


def errors_for(form_class, day, month, year, name="closes_on"):
    form = form_class({f"{name}_0": day, f"{name}_1": month, f"{name}_2": year})
    assert not form.is_valid()
    return form.errors[name]


def test_30_february_is_not_a_real_date():
    assert errors_for(ClosingForm, "30", "2", "2027") == ["Closing date must be a real date"]


def test_letters_are_not_a_real_date_and_python_never_speaks():
    messages = errors_for(ClosingForm, "x", "13", "2027")
    assert messages == ["Closing date must be a real date"]


def test_a_missing_part_is_named():
    assert errors_for(ClosingForm, "", "2", "2027") == ["Closing date must include a day"]
    assert errors_for(ClosingForm, "3", "", "") == [
        "Closing date must include a month",
        "Closing date must include a year",
    ]


def test_nothing_entered_asks_for_the_date():
    assert errors_for(ClosingForm, "", "", "") == ["Enter the closing date"]


def test_a_two_digit_year_is_refused():
    assert errors_for(ClosingForm, "3", "2", "27") == ["Year must include 4 numbers"]


def test_a_real_date_is_a_date():
    form = ClosingForm({"closes_on_0": "28", "closes_on_1": "2", "closes_on_2": "2027"})
    assert form.is_valid()
    assert form.cleaned_data["closes_on"] == dt.date(2027, 2, 28)


@pytest.mark.parametrize(("year", "month", "day"), [("1990", "3", "31"), ("2030", "3", "31")])
def test_a_bounded_date_outside_the_data_says_which_dates_it_covers(year, month, day):
    assert errors_for(BoundedForm, day, month, year, name="date") == [
        "Reference date must be between 1 April 2019 and 1 December 2026"
    ]


def test_the_surveys_closing_date_uses_the_shared_field(db):
    form = SurveyForm({"closes_on_0": "30", "closes_on_1": "2", "closes_on_2": "2027"})
    form.is_valid()
    assert form.errors["closes_on"] == ["Closing date must be a real date"]


def test_the_audit_rounds_and_the_training_targets_dates_use_the_shared_field(db):
    from dashboards.audits.forms import AuditRoundForm
    from dashboards.workforce.forms import TrainingTargetForm

    for form_class, name, label in (
        (AuditRoundForm, "open_on", "Date the cases are open on"),
        (TrainingTargetForm, "due_date", "Date the target should be met by"),
    ):
        assert isinstance(form_class().fields[name], GovUKDateField)
        assert errors_for(form_class, "31", "4", "2026", name=name) == [
            f"{label} must be a real date"
        ]
