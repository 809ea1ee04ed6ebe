"""Every flat layout may arrive as an Excel workbook (.xlsx): council data is often kept in
Excel. The workbooks here are made with openpyxl, with real date and number cells, and go
through the upload page as a data manager's would."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from arp_portal.core.importing import ProblemCollector, UploadedData, read_csv
from arp_portal.core.models import (
    Child,
    Episode,
    ImportRun,
    Locality,
    PopulationEstimate,
    StaffMember,
    Team,
)
from dashboards.models import WorkforceEvent, WorkingAgePopulation

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(rows, *, sheet_before=False) -> bytes:
    book = Workbook()
    sheet = book.active
    if sheet_before:  # the data is on the first sheet, whatever others follow
        book.create_sheet("Notes").append(["not data"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, slug, data, name="data.xlsx"):
    return client.post(
        reverse("dashboards:import_upload", args=[slug]),
        {"file": SimpleUploadedFile(name, data, content_type=XLSX)},
        follow=True,
    )


def test_cells_read_as_the_csv_export_would_give_them():
    data = workbook(
        [
            ["Area", "Count", "When", "Note"],
            ["North", 12, dt.datetime(2024, 3, 31), None],
            [None, None, None, None],  # Excel's blank rows below the data
        ]
    )
    rows = list(read_csv(UploadedData("a.xlsx", data), ["area", "count"], ProblemCollector()))
    assert rows == [(2, {"area": "North", "count": "12", "when": "2024-03-31", "note": ""})]


def test_a_case_export_in_excel_is_imported(data_manager_client):
    north = Locality.objects.create(name="North")
    Team.objects.create(name="North care", locality=north, service_area="children_in_care")
    data = workbook(
        [
            [
                "child_id",
                "date_of_birth",
                "sex",
                "ethnicity",
                "episode_type",
                "start_date",
                "end_date",
                "team",
            ],
            ["C1", dt.date(2015, 6, 14), 1, "BCRB", "CIN", dt.date(2024, 5, 2), None, "North care"],
            [
                "C1",
                dt.date(2015, 6, 14),
                1,
                "BCRB",
                "CP",
                dt.date(2024, 6, 20),
                dt.date(2025, 1, 10),
                "North care",
            ],
        ],
        sheet_before=False,
    )
    page = upload(data_manager_client, "cases", data, "cases.xlsx").content.decode()
    assert "Imported: cases.xlsx" in page
    child = Child.objects.get(child_ref="C1")
    assert (child.birth_year, child.birth_month, child.sex) == (2015, 6, 1)
    assert sorted(Episode.objects.values_list("kind", "end_date")) == [
        ("CIN", None),
        ("CP", dt.date(2025, 1, 10)),
    ]


def test_an_excel_problem_is_reported_by_row_and_field(data_manager_client):
    data = workbook(
        [
            [
                "child_id",
                "date_of_birth",
                "sex",
                "ethnicity",
                "episode_type",
                "start_date",
                "end_date",
                "team",
            ],
            [
                "C1",
                dt.date(2015, 6, 14),
                1,
                "White British",
                "CIN",
                dt.date(2024, 5, 2),
                None,
                None,
            ],
        ]
    )
    page = upload(data_manager_client, "cases", data, "cases.xlsx").content.decode()
    assert "Rejected: nothing was imported" in page
    assert "line 2" in page and "is a label, not a DfE ethnicity code" in page
    assert not Child.objects.exists()


def test_population_estimates_in_excel(data_manager_client):
    data = workbook(
        [
            ["area", "year", "source", "age_band", "ethnicity", "count"],
            ["all", 2024, "ONS mid-2024", "0-17", "WBRI", 98230],
            ["all", 2024, "ONS mid-2024", "0-17", "BCRB", 1500],
        ]
    )
    assert "Imported: data.xlsx" in upload(data_manager_client, "population", data).content.decode()
    assert dict(PopulationEstimate.objects.values_list("ethnicity_id", "count")) == {
        "WBRI": 98230,
        "BCRB": 1500,
    }


def test_workforce_staff_and_events_in_excel(data_manager_client):
    staff = workbook(
        [
            [
                "staff_id",
                "ethnicity",
                "grade_band",
                "role",
                "team",
                "fte",
                "hourly_pay",
                "start_date",
                "leaving_date",
            ],
            [
                "E1",
                "BAFR",
                "Practitioner",
                "Social worker",
                None,
                1,
                21.5,
                dt.date(2020, 1, 1),
                None,
            ],
        ]
    )
    assert (
        "Imported: data.xlsx"
        in upload(data_manager_client, "workforce-staff", staff).content.decode()
    )
    member = StaffMember.objects.get()
    assert (member.ethnicity_id, float(member.hourly_pay), member.start_date) == (
        "BAFR",
        21.5,
        dt.date(2020, 1, 1),
    )
    events = workbook(
        [
            ["staff_id", "event", "date", "detail"],
            ["E1", "training_completed", dt.date(2024, 5, 1), None],
        ]
    )
    assert (
        "Imported: data.xlsx"
        in upload(data_manager_client, "workforce-events", events).content.decode()
    )
    assert WorkforceEvent.objects.get().date == dt.date(2024, 5, 1)


def test_working_age_population_in_excel(data_manager_client):
    data = workbook([["year", "source", "ethnicity", "count"], [2021, "Census 2021", "BCRB", 4210]])
    page = upload(data_manager_client, "working-age-population", data).content.decode()
    assert "Imported: data.xlsx" in page
    assert WorkingAgePopulation.objects.get().count == 4210
    assert ImportRun.objects.get().kind == "working_age_population"


def test_a_file_named_xlsx_that_is_not_a_workbook_is_rejected_cleanly(data_manager_client):
    page = upload(data_manager_client, "population", b"area,year\n").content.decode()
    assert "Rejected: nothing was imported" in page
    assert "not an Excel workbook" in page
    assert ImportRun.objects.get().status == "rejected"
