import datetime as dt

import pytest

from actions.models import Outcome, Plan
from actions.services import ARP_STRATEGY_AREAS
from tests.actions.forms_data import date_fields

pytestmark = pytest.mark.django_db


def plan_post(**overrides):
    data = {
        "name": "ARP strategy 2025 to 2027",
        "governing_board": "Children's Services Leadership Board",
        "template": "arp_strategy",
        **date_fields("period_start", dt.date(2025, 4, 1)),
        **date_fields("period_end", dt.date(2027, 3, 31)),
    }
    data.update(overrides)
    return data


def test_the_arp_strategy_template_adds_the_six_outcomes(steering_client):
    response = steering_client.post("/actions/plans/new/", plan_post())
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/actions/plans/{plan.pk}/"
    outcomes = list(plan.outcomes.values_list("number", "title"))
    assert [number for number, _ in outcomes] == [1, 2, 3, 4, 5, 6]
    assert outcomes[0][1].startswith("A skilled, confident workforce")
    assert "early help from first contact" in outcomes[3][1]
    assert "CIN, CP and CiC" in outcomes[5][1]
    assert sorted(plan.areas.values_list("name", flat=True)) == sorted(ARP_STRATEGY_AREAS)
    page = steering_client.get(response["Location"]).content.decode()
    assert "6. Over-representation of ethnically diverse children" in page


def test_a_blank_plan_starts_with_no_outcomes(steering_client):
    steering_client.post("/actions/plans/new/", plan_post(template="blank"))
    assert Plan.objects.get().outcomes.count() == 0


def test_bad_input_is_explained_and_nothing_is_written(steering_client):
    response = steering_client.post(
        "/actions/plans/new/",
        plan_post(name="", **date_fields("period_end", dt.date(2024, 1, 1))),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the plan&#x27;s name" in page
    assert "The end of the period must be after its start" in page
    assert "Children&#x27;s Services Leadership Board" in page  # what was typed is kept
    assert Plan.objects.count() == 0 and Outcome.objects.count() == 0


def test_an_impossible_date_is_named(steering_client):
    response = steering_client.post(
        "/actions/plans/new/", plan_post(period_start_0="31", period_start_1="2")
    )
    assert "Start of the period must be a real date" in response.content.decode()
    assert Plan.objects.count() == 0


def test_outcomes_and_areas_can_be_added(steering_client):
    steering_client.post("/actions/plans/new/", plan_post(template="blank"))
    plan = Plan.objects.get()
    steering_client.post(f"/actions/plans/{plan.pk}/outcomes/new/", {"title": "Fairer outcomes"})
    steering_client.post(f"/actions/plans/{plan.pk}/areas/new/", {"name": "Data"})
    response = steering_client.post(f"/actions/plans/{plan.pk}/areas/new/", {"name": "data"})
    assert "already has an area of focus called" in response.content.decode()
    assert list(plan.outcomes.values_list("number", "title")) == [(1, "Fairer outcomes")]
    assert list(plan.areas.values_list("name", flat=True)) == ["Data"]


def test_service_managers_cannot_create_plans(service_manager_client):
    response = service_manager_client.post("/actions/plans/new/", plan_post())
    assert response.status_code == 403
    assert Plan.objects.count() == 0


def test_outcomes_and_areas_can_be_reworded_and_history_kept(steering_client, steering_member):
    from actions.models import Area
    from tests.actions import factories

    plan = factories.plan(by=steering_member)
    outcome = plan.outcomes.get(number=4)
    data = plan.areas.get(name="Data")
    page = steering_client.get(f"/actions/plans/{plan.pk}/edit/").content.decode()
    assert f"/actions/plans/{plan.pk}/outcomes/{outcome.pk}/edit/" in page
    steering_client.post(
        f"/actions/plans/{plan.pk}/outcomes/{outcome.pk}/edit/",
        {"title": "Families guided to early help from first contact", "version": "1"},
    )
    response = steering_client.post(
        f"/actions/plans/{plan.pk}/areas/{data.pk}/edit/", {"name": "governance", "version": "1"}
    )
    assert "already has an area of focus called" in response.content.decode()
    steering_client.post(
        f"/actions/plans/{plan.pk}/areas/{data.pk}/edit/",
        {"name": "Data and insight", "version": "1"},
    )
    outcome.refresh_from_db()
    assert outcome.title == "Families guided to early help from first contact"
    assert outcome.history.count() == 2
    assert Area.objects.get(pk=data.pk).name == "Data and insight"
