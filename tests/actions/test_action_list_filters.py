import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.actions import factories
from tests.personas import make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def plan_with_actions(steering_member, data_manager):
    plan = factories.plan(by=steering_member)
    outcome = {o.number: o for o in plan.outcomes.all()}
    area = {a.name: a for a in plan.areas.all()}
    day = dt.timedelta(days=1)
    factories.action(
        plan_=plan,
        by=steering_member,
        title="Overdue audit",
        outcomes=[outcome[6]],
        area=area["Practice"],
        start_date=TODAY - 100 * day,
        due_date=TODAY - 5 * day,
        percent_complete=60,
    )
    factories.action(
        plan_=plan,
        by=steering_member,
        owner=data_manager,
        title="Ethnicity labels",
        outcomes=[outcome[5]],
        area=area["Data"],
        status="complete",
        percent_complete=100,
        start_date=TODAY - 100 * day,
        due_date=TODAY + 10 * day,
    )
    factories.action(
        plan_=plan,
        by=steering_member,
        title="Learning spaces",
        outcomes=[outcome[2], outcome[3]],
        area=area["Practice"],
        start_date=TODAY - 50 * day,
        due_date=TODAY + 50 * day,
        percent_complete=45,
    )
    factories.action(
        plan_=plan,
        by=steering_member,
        title="Staff support",
        outcomes=[outcome[2]],
        status="deferred",
        start_date=TODAY,
        due_date=TODAY + 300 * day,
        percent_complete=0,
    )
    return plan


def titles(client, plan, query=""):
    page = client.get(f"/actions/plans/{plan.pk}/actions/?{query}").content.decode()
    return re.findall(r">A-\d+ ([^<]+)</a>", page)


def test_unfiltered_in_reference_order(service_manager_client, plan_with_actions):
    assert titles(service_manager_client, plan_with_actions) == [
        "Overdue audit",
        "Ethnicity labels",
        "Learning spaces",
        "Staff support",
    ]


def test_each_filter(service_manager_client, plan_with_actions, data_manager):
    plan = plan_with_actions
    outcome2 = plan.outcomes.get(number=2).pk
    practice = plan.areas.get(name="Practice").pk
    client = service_manager_client
    assert titles(client, plan, f"owner={data_manager.pk}") == ["Ethnicity labels"]
    assert titles(client, plan, f"outcome={outcome2}") == ["Learning spaces", "Staff support"]
    assert titles(client, plan, f"area={practice}") == ["Overdue audit", "Learning spaces"]
    assert titles(client, plan, "status=complete") == ["Ethnicity labels"]
    assert titles(client, plan, "rag=red") == ["Overdue audit"]
    assert titles(client, plan, "rag=green") == ["Ethnicity labels", "Learning spaces"]
    assert titles(client, plan, "rag=none") == ["Staff support"]
    assert titles(client, plan, "overdue=on") == ["Overdue audit"]
    assert titles(client, plan, f"area={practice}&rag=green") == ["Learning spaces"]


def test_sorting(service_manager_client, plan_with_actions):
    plan = plan_with_actions
    assert titles(service_manager_client, plan, "sort=due&order=desc") == [
        "Staff support",
        "Learning spaces",
        "Ethnicity labels",
        "Overdue audit",
    ]
    assert titles(service_manager_client, plan, "sort=rag")[0] == "Overdue audit"
    assert titles(service_manager_client, plan, "sort=rag")[-1] == "Staff support"
    assert titles(service_manager_client, plan, "sort=title") == sorted(
        ["Overdue audit", "Ethnicity labels", "Learning spaces", "Staff support"]
    )


def test_a_bad_filter_value_is_explained(service_manager_client, plan_with_actions):
    response = service_manager_client.get(
        f"/actions/plans/{plan_with_actions.pk}/actions/?owner=999999"
    )
    assert "Select an option from the list" in response.content.decode()


def test_no_match_says_so(service_manager_client, plan_with_actions):
    page = service_manager_client.get(
        f"/actions/plans/{plan_with_actions.pk}/actions/?status=blocked"
    ).content.decode()
    assert "No actions match these filters" in page


def test_service_managers_read_but_see_no_edit_buttons(service_manager_client, plan_with_actions):
    page = service_manager_client.get(
        f"/actions/plans/{plan_with_actions.pk}/actions/"
    ).content.decode()
    assert "Post an update" not in page and "Add an action" not in page


def test_the_list_paginates(steering_client, steering_member):
    plan = factories.plan(by=steering_member)
    owner = make_user("owner.of.many", "Steering group")
    for number in range(55):
        factories.action(plan_=plan, by=owner, title=f"Action number {number}")
    page = steering_client.get(f"/actions/plans/{plan.pk}/actions/").content.decode()
    assert "Showing 1 to 50 of 55 actions" in page
    page2 = steering_client.get(f"/actions/plans/{plan.pk}/actions/?page=2").content.decode()
    assert "Showing 51 to 55 of 55 actions" in page2
