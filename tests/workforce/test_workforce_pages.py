"""The upload pages, the training target form, the filters and the downloads."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from arp_portal.core.models import ImportRun, StaffMember
from dashboards.models import TrainingTarget
from tests.workforce.factories import make_staff

pytestmark = pytest.mark.django_db

STAFF_CSV = (
    b"staff_id,ethnicity,grade_band,role,team,fte,hourly_pay,start_date,leaving_date\n"
    b"E1,BAFR,Practitioner,Social worker,,1,21.00,2020-01-01,\n"
)


def test_a_data_manager_imports_the_staff_file_and_sees_what_changed(data_manager_client):
    response = data_manager_client.post(
        "/dashboards/imports/workforce-staff/",
        {"file": SimpleUploadedFile("staff.csv", STAFF_CSV, content_type="text/csv")},
        follow=True,
    )
    run = ImportRun.objects.get()
    assert response.redirect_chain[-1][0] == f"/dashboards/imports/runs/{run.pk}/"
    page = response.content.decode()
    assert "Imported: staff.csv" in page
    for label, value in (("Staff in the file", 1), ("Added", 1), ("Changed", 0)):
        assert (
            f'{label}</th><td class="govuk-table__cell govuk-table__cell--numeric">{value}' in page
        )
    assert 'href="/dashboards/workforce/"' in page  # See the workforce dashboard
    assert StaffMember.objects.count() == 1
    assert run.imported_by.username == "data.manager"


def test_a_broken_file_shows_every_problem_and_writes_nothing(data_manager_client):
    broken = STAFF_CSV.replace(b"BAFR", b"Black African").replace(b"2020-01-01", b"1/1/2020")
    response = data_manager_client.post(
        "/dashboards/imports/workforce-staff/",
        {"file": SimpleUploadedFile("staff.csv", broken, content_type="text/csv")},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rejected: nothing was imported" in page
    assert "2 problems in staff.csv" in page
    assert "&#x27;Black African&#x27; is not a DfE ethnicity code" in page
    assert "&#x27;1/1/2020&#x27; is not a date as YYYY-MM-DD" in page
    assert StaffMember.objects.count() == 0


def test_uploading_without_a_file_asks_for_one(data_manager_client):
    response = data_manager_client.post("/dashboards/imports/csww/", {})
    assert "Select a file to import" in response.content.decode()


def _target(client, percent, day, month, year):
    return client.post(
        "/dashboards/workforce/training-target/",
        {"percent": percent, "due_date_0": day, "due_date_1": month, "due_date_2": year},
    )


def test_the_training_target_form_checks_and_saves(data_manager_client):
    response = _target(data_manager_client, "120", "31", "13", "2025")
    page = response.content.decode()
    assert "The target must be 100% or less" in page
    assert "Date the target should be met by must be a real date" in page
    assert 'value="120"' in page  # what the person typed is kept
    for name, typed in (("due_date_0", "31"), ("due_date_1", "13"), ("due_date_2", "2025")):
        assert f'name="{name}" value="{typed}"' in page
    response = _target(data_manager_client, "85", "31", "3", "2026")
    assert response.status_code == 302
    target = TrainingTarget.objects.get()
    assert (float(target.percent), target.due_date) == (85.0, dt.date(2026, 3, 31))


def test_the_training_targets_date_says_what_is_missing_as_every_date_field_does(
    data_manager_client,
):
    page = _target(data_manager_client, "85", "", "", "").content.decode()
    assert "Enter the date the target should be met by" in page
    page = _target(data_manager_client, "85", "31", "", "2026").content.decode()
    assert "Date the target should be met by must include a month" in page
    page = _target(data_manager_client, "85", "x", "3", "2026").content.decode()
    assert "Date the target should be met by must be a real date" in page
    assert not TrainingTarget.objects.exists()


def test_the_training_target_form_offers_the_current_target_in_the_date_boxes(
    data_manager_client,
):
    TrainingTarget.objects.create(percent=85, due_date=dt.date(2026, 3, 31))
    page = data_manager_client.get("/dashboards/workforce/training-target/").content.decode()
    for name, part in (("due_date_0", "31"), ("due_date_1", "3"), ("due_date_2", "2026")):
        assert f'name="{name}" value="{part}"' in page


def test_an_unknown_filter_value_is_reported_and_the_defaults_are_used(service_manager_client):
    make_staff(20)
    response = service_manager_client.get("/dashboards/workforce/?service_area=moon&year=1999")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a service area from the list" in page
    assert "Select a year from the list" in page
    assert f"The whole workforce, {dt.date.today().year - 1}" in page


def test_the_downloads_share_columns_and_rows(service_manager_client):
    make_staff(30)
    make_staff(20, ethnicity="BAFR")
    csv_response = service_manager_client.get("/dashboards/workforce.csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert 'filename="workforce-measures-' in csv_response["Content-Disposition"]
    lines = csv_response.content.decode().splitlines()
    assert lines[0] == "measure,period,group,numerator,denominator,value,ci_low,ci_high,suppressed"
    xlsx = service_manager_client.get("/dashboards/workforce.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == lines[0].split(",")
    assert len(rows) == len(lines)
