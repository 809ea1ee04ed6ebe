"""XLSX exports never write staff- or file-supplied text as a live formula (issue 11, point 7:
the survey title and the population source reached the workbook unguarded)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from arp_portal.core.models import PopulationEstimate
from tests.dashboards_children.conftest import MARCH_31
from tests.surveys.helpers import make_survey, submit_many

FORMULA = '=HYPERLINK("https://attacker.example/","Open")'


def _cells(response):
    workbook = load_workbook(io.BytesIO(response.content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_no_formula(response, text: str) -> None:
    cells = _cells(response)
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a live formula"
    shown = [c.value for c in cells if isinstance(c.value, str) and text in c.value]
    assert shown and all(value.startswith("'") for value in shown)


@pytest.mark.django_db
def test_a_survey_title_that_looks_like_a_formula_is_text_in_the_workbook(
    service_manager_client,
):
    survey = make_survey(title=FORMULA, status="closed")
    submit_many(survey, 12)
    response = service_manager_client.get(f"/surveys/{survey.slug}/results.xlsx")
    assert response.status_code == 200
    _assert_no_formula(response, "HYPERLINK")


def test_a_population_source_that_looks_like_a_formula_is_text_in_the_workbook(
    service_manager_client, children_in_care
):
    PopulationEstimate.objects.update(source=FORMULA)
    response = service_manager_client.get(
        reverse("dashboards:children_xlsx"), {"cohort": "cic", "date": MARCH_31.isoformat()}
    )
    assert response.status_code == 200
    _assert_no_formula(response, "HYPERLINK")
