"""The CSV and Excel exports: the issue's columns, the page's numbers, the same suppression."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from dashboards.children.exports import COLUMNS
from tests.dashboards_children.conftest import MARCH_31, add_children


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_csv_answers_the_north_question(service_manager_client, children_in_care):
    # The South's Black Caribbean children made 6, so the North's 30 need not hide them.
    add_children("BCRB", 2, team=children_in_care["teams"]["south"], prefix="more")
    response = service_manager_client.get(
        reverse("dashboards:children_csv"),
        {
            "cohort": "cic",
            "date": MARCH_31.isoformat(),
            "locality": "North",
            "reference": "WBRI",
            "detail": "detailed",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines()[0] == ",".join(COLUMNS)
    rows = {row["ethnic_group"]: row for row in rows_of(response)}
    bcrb = rows["BCRB"]
    assert bcrb["cohort"] == "cic" and bcrb["reference_date"] == "2025-03-31"
    assert (bcrb["count"], bcrb["population"], bcrb["rate_per_10k"]) == ("30", "1500", "200.0")
    assert bcrb["rri"] == "10.00"
    assert bcrb["suppressed"] == "false"
    # The North's 5 of unknown ethnicity are hidden and its headline (120) is shown, so the
    # total of known ethnicity (115), which shares and the index reveal, is hidden with them.
    assert bcrb["disproportionality_index"] == "" and bcrb["share_of_cohort_pct"] == ""
    aind = rows["AIND"]
    assert aind["count"] == "c" and aind["suppressed"] == "true"
    assert aind["rate_per_10k"] == "" and aind["rri"] == ""
    assert rows["Unknown"]["count"] == "c"


def test_major_groups_are_named(service_manager_client, children_in_care):
    response = service_manager_client.get(
        reverse("dashboards:children_csv"), {"cohort": "cic", "date": MARCH_31.isoformat()}
    )
    groups = [row["ethnic_group"] for row in rows_of(response)]
    assert groups == ["White", "Mixed", "Asian", "Black", "Other", "Unknown"]


def test_xlsx_has_the_same_table_with_numbers(service_manager_client, children_in_care):
    add_children("BCRB", 2, team=children_in_care["teams"]["south"], prefix="more")
    response = service_manager_client.get(
        reverse("dashboards:children_xlsx"),
        {"cohort": "cic", "date": MARCH_31.isoformat(), "locality": "North", "detail": "detailed"},
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Disproportionality"]
    header = [cell.value for cell in sheet[1]]
    assert header == COLUMNS
    rows = {row[2]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["BCRB"][3] == 30
    assert rows["BCRB"][5] == 200.0
    assert rows["AIND"][3] == "c"
    assert "About" in workbook.sheetnames


def test_bad_parameters_get_a_400_that_says_why(service_manager_client, children_in_care):
    response = service_manager_client.get(
        reverse("dashboards:children_csv"), {"cohort": "everyone", "locality": "Atlantis"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "cohort" in text and "locality" in text
