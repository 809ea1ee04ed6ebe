import pytest

from actions.models import Reflection
from tests.actions import factories

pytestmark = pytest.mark.django_db


def test_my_actions_lists_only_mine_with_a_post_update_button(
    steering_client, steering_member, data_manager
):
    plan = factories.plan(by=steering_member)
    mine = factories.action(plan_=plan, by=steering_member, title="My audit")
    factories.action(plan_=plan, by=steering_member, owner=data_manager, title="Their labels")
    factories.action(
        plan_=plan,
        by=steering_member,
        title="My finished one",
        status="complete",
        percent_complete=100,
    )
    page = steering_client.get("/actions/mine/").content.decode()
    assert "My audit" in page and "My finished one" in page
    assert "Their labels" not in page
    assert f"/actions/action/{mine.pk}/update/?from=mine" in page
    assert "Still to do (1)" in page and "Complete or deferred (1)" in page


def test_someone_with_no_actions_is_told_so(service_manager_client):
    page = service_manager_client.get("/actions/mine/").content.decode()
    assert "You do not own any actions" in page


def test_reflections_are_recorded_per_plan(steering_client, steering_member):
    plan = factories.plan(by=steering_member)
    url = f"/actions/plans/{plan.pk}/reflections/new/"
    response = steering_client.post(url, {"kind": "", "text": ""})
    page = response.content.decode()
    assert "Select whether this went well or is a lesson learnt" in page
    assert "Enter the reflection" in page
    steering_client.post(url, {"kind": "went_well", "text": "Reach: 87% of staff trained"})
    steering_client.post(url, {"kind": "lesson", "text": "The governance route was unclear"})
    page = steering_client.get(f"/actions/plans/{plan.pk}/reflections/").content.decode()
    went_well = page[page.index("What went well</h2>") : page.index("Lessons learnt</h2>")]
    assert "Reach: 87% of staff trained" in went_well
    assert "The governance route was unclear" in page[page.index("Lessons learnt</h2>") :]
    assert Reflection.history.count() == 2
