"""Input that once made a 500 (issue 11, point 7): a reference date of 0001-01-01 on the
children's dashboard and its exports, and a NUL byte in an ethnicity code."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["children", "children_csv", "children_xlsx"])
@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31"])
def test_a_date_out_of_range_is_refused_not_a_server_error(service_manager_client, name, date):
    response = service_manager_client.get(reverse(f"dashboards:{name}"), {"date": date})
    # The page shows the error beside the field; an export refuses with the same words.
    assert response.status_code == (200 if name == "children" else 400)
    # 0001 is refused by the GOV.UK date field itself; 9999 by the range the data can hold.
    expected = {
        "0001-01-01": "Year must include 4 numbers",
        "9999-12-31": "Enter a reference date between 1 January 1900 and 31 December 2100",
    }[date]
    assert expected in response.content.decode()


@pytest.mark.parametrize("code", ["%00", "WB%00", "wbri", "WBRIX"])
def test_an_ethnicity_code_that_cannot_exist_is_not_found(data_manager_client, code):
    response = data_manager_client.get(f"/settings/ethnicity-labels/{code}/")
    assert response.status_code == 404


def test_a_real_ethnicity_code_still_opens(data_manager_client):
    assert data_manager_client.get("/settings/ethnicity-labels/WBRI/").status_code == 200
