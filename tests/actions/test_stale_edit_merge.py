"""After a refused save, the form combines both people's changes, so saving again loses neither."""

import pytest

from actions import services
from actions.concurrency import merge_stale_edit
from actions.models import Action
from tests.actions import factories
from tests.actions.forms_data import action_post
from tests.personas import make_user


def test_the_merge_keeps_mine_takes_theirs_and_flags_clashes():
    merge = merge_stale_edit(
        fields=["title", "percent", "status", "owner"],
        loaded={"title": "A", "percent": 10, "status": "in_progress", "owner": 1},
        submitted={"title": "Mine", "percent": 10, "status": "blocked", "owner": 1},
        saved={"title": "A", "percent": 35, "status": "complete", "owner": 1},
    )
    assert merge.values == {"title": "Mine", "percent": 35, "status": "blocked", "owner": 1}
    assert merge.taken_from_saved == ["percent"]
    assert merge.conflicts == ["status"]


@pytest.mark.django_db
def test_saving_again_after_a_refusal_keeps_the_other_persons_change(
    steering_client, steering_member
):
    action = factories.action(by=steering_member, title="Thematic audit", percent_complete=10)
    other = make_user("ada.mensah", "Steering group", first_name="Ada", last_name="Mensah")
    services.action_update(action_id=action.pk, expected_version=1, by=other, percent_complete=35)

    url = f"/actions/action/{action.pk}/edit/"
    outcomes = action.plan.outcomes.all()[:1]
    stale_post = action_post(
        outcomes=outcomes,
        owner=steering_member,
        version=1,
        title="Thematic audit of CP plans",
        percent_complete="10",  # as loaded: Sam did not touch it
        description="",
        lead_team="",
        start_date_0="1",
        start_date_1="4",
        start_date_2="2025",
    )
    response = steering_client.post(url, stale_post)
    page = response.content.decode()
    assert "Someone else changed this while you were editing it" in page
    assert 'value="35"' in page  # Ada's percent is now in the form
    assert 'value="Thematic audit of CP plans"' in page  # and Sam's title
    assert Action.objects.get(pk=action.pk).title == "Thematic audit"

    # Sam saves again from the merged form: both changes survive.
    again = {**stale_post, "percent_complete": "35", "version": "2"}
    assert steering_client.post(url, again).status_code == 302
    action.refresh_from_db()
    assert (action.title, action.percent_complete) == ("Thematic audit of CP plans", 35)


@pytest.mark.django_db
def test_a_clash_on_the_same_field_is_named(steering_client, steering_member):
    action = factories.action(by=steering_member, title="Thematic audit")
    other = make_user("ada.mensah", "Steering group")
    services.action_update(action_id=action.pk, expected_version=1, by=other, title="Ada's title")
    response = steering_client.post(
        f"/actions/action/{action.pk}/edit/",
        action_post(
            outcomes=action.plan.outcomes.all()[:1],
            owner=steering_member,
            version=1,
            title="Sam's title",
            description="",
            lead_team="",
            percent_complete="10",
            start_date_0="1",
            start_date_1="4",
            start_date_2="2025",
        ),
    )
    page = response.content.decode()
    assert "You both changed title: the form keeps your value" in page
    assert 'value="Sam&#x27;s title"' in page
