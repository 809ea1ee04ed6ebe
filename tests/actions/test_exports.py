import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from actions import services
from tests.actions import factories

pytestmark = pytest.mark.django_db

COLUMNS = [
    "reference",
    "title",
    "outcome",
    "area",
    "owner",
    "lead_team",
    "status",
    "rag",
    "percent_complete",
    "start_date",
    "due_date",
    "last_update_date",
    "last_update",
]


@pytest.fixture
def plan(steering_member):
    steering_member.first_name, steering_member.last_name = "Sam", "Taylor"
    steering_member.save()
    plan = factories.plan(by=steering_member)
    first = factories.action(
        plan_=plan,
        by=steering_member,
        title="Train directors",
        outcomes=list(plan.outcomes.filter(number__in=[1, 2])),
        area=plan.areas.get(name="Workforce"),
        lead_team="Workforce development",
        start_date=dt.date(2024, 4, 1),
        due_date=dt.date(2024, 9, 30),
    )
    services.progress_update_post(
        action_id=first.pk,
        expected_version=1,
        by=steering_member,
        narrative="All trained.",
        status="complete",
        percent_complete=100,
        when=timezone.make_aware(dt.datetime(2024, 9, 20, 10)),
    )
    factories.action(plan_=plan, by=steering_member, title='=HYPERLINK("http://evil")')
    return plan


def test_csv_has_the_agreed_columns_and_one_row_per_action(service_manager_client, plan):
    response = service_manager_client.get(f"/actions/export.csv?plan={plan.pk}")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == COLUMNS
    assert rows[1] == [
        "A-1",
        "Train directors",
        "1; 2",
        "Workforce",
        "Sam Taylor",
        "Workforce development",
        "Complete",
        "Green",
        "100",
        "2024-04-01",
        "2024-09-30",
        "2024-09-20",
        "All trained.",
    ]
    assert rows[2][1] == '\'=HYPERLINK("http://evil")'  # not run as a formula
    assert rows[2][11:] == ["", ""]  # no update yet
    assert len(rows) == 3


def test_csv_follows_the_list_filters(service_manager_client, plan):
    response = service_manager_client.get(f"/actions/export.csv?plan={plan.pk}&status=complete")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[0] for row in rows[1:]] == ["A-1"]


def test_without_a_plan_the_latest_plan_is_exported(service_manager_client, plan):
    rows = list(
        csv.reader(io.StringIO(service_manager_client.get("/actions/export.csv").content.decode()))
    )
    assert len(rows) == 3


def test_xlsx_has_the_same_columns_and_real_dates(service_manager_client, plan):
    response = service_manager_client.get(f"/actions/export.xlsx?plan={plan.pk}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    assert rows[1][0:3] == ("A-1", "Train directors", "1; 2")
    assert rows[1][10].date() == dt.date(2024, 9, 30)
    assert rows[1][12] == "All trained."


def test_no_plan_at_all_is_a_404(service_manager_client):
    assert service_manager_client.get("/actions/export.csv").status_code == 404
