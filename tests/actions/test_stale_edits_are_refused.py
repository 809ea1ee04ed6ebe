"""No lost updates: a save made from a form loaded before someone else's save is refused, shows
what changed meanwhile, and overwrites nothing."""

import pytest

from actions import services
from actions.models import Action, ProgressUpdate
from tests.actions import factories
from tests.actions.forms_data import action_post, update_post
from tests.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor(client_as):
    return make_user("second.editor", "Steering group", first_name="Ada", last_name="Mensah")


def test_the_second_editors_stale_save_is_refused(
    steering_client, steering_member, client_as, second_editor
):
    action = factories.action(by=steering_member, title="Original title")
    loaded_version = action.version  # both people open the edit form now
    outcomes = action.plan.outcomes.all()[:1]

    first = client_as(second_editor).post(
        f"/actions/action/{action.pk}/edit/",
        action_post(
            outcomes=outcomes, owner=steering_member, version=loaded_version, title="Ada's title"
        ),
    )
    assert first.status_code == 302

    second = steering_client.post(
        f"/actions/action/{action.pk}/edit/",
        action_post(
            outcomes=outcomes,
            owner=steering_member,
            version=loaded_version,
            title="Sam's title",
            percent_complete="35",
        ),
    )
    page = second.content.decode()
    assert second.status_code == 200
    assert "Someone else changed this while you were editing it" in page
    assert "Ada Mensah" in page  # who
    assert "Original title" in page and "Ada&#x27;s title" in page  # from what, to what
    assert "Sam&#x27;s title" in page  # what the second person typed is kept in the form
    action.refresh_from_db()
    assert action.title == "Ada's title"  # nothing overwritten
    assert action.percent_complete == 20  # Ada's value, not Sam's 35

    # Having seen the change, saving again (the form now carries the current version) works.
    resubmit = steering_client.post(
        f"/actions/action/{action.pk}/edit/",
        action_post(
            outcomes=outcomes,
            owner=steering_member,
            version=action.version,
            title="Sam's title",
        ),
    )
    assert resubmit.status_code == 302
    action.refresh_from_db()
    assert action.title == "Sam's title"


def test_a_stale_progress_update_is_refused_and_the_narrative_kept(
    steering_client, steering_member, client_as, second_editor
):
    action = factories.action(by=steering_member)
    loaded_version = action.version
    client_as(second_editor).post(
        f"/actions/action/{action.pk}/update/",
        update_post(version=loaded_version, percent_complete="30", narrative="Ada's update"),
    )
    response = steering_client.post(
        f"/actions/action/{action.pk}/update/",
        update_post(version=loaded_version, percent_complete="20", narrative="Sam's news"),
    )
    page = response.content.decode()
    assert "Someone else changed this while you were editing it" in page
    assert "Sam&#x27;s news" in page
    assert "30%" in page
    assert list(ProgressUpdate.objects.values_list("narrative", flat=True)) == ["Ada's update"]
    assert Action.objects.get(pk=action.pk).percent_complete == 30


def test_the_service_refuses_a_stale_version_whoever_calls_it(steering_member):
    action = factories.action(by=steering_member)
    services.action_update(
        action_id=action.pk, expected_version=1, by=steering_member, title="First"
    )
    with pytest.raises(services.StaleEditError) as refused:
        services.action_update(
            action_id=action.pk, expected_version=1, by=steering_member, title="Second"
        )
    assert [(c.field, c.old, c.new) for c in refused.value.changes] == [
        ("Title", "Anti-racist practice training for all staff", "First")
    ]
    assert Action.objects.get(pk=action.pk).title == "First"


def test_plan_edits_are_protected_too(steering_client, steering_member):
    plan = factories.plan(by=steering_member)
    services.plan_update(plan_id=plan.pk, expected_version=1, by=steering_member, name="Renamed")
    response = steering_client.post(
        f"/actions/plans/{plan.pk}/edit/",
        {
            "name": "Stale name",
            "governing_board": plan.governing_board,
            "version": "1",
            "period_start_0": "1",
            "period_start_1": "4",
            "period_start_2": "2025",
            "period_end_0": "31",
            "period_end_1": "3",
            "period_end_2": "2027",
        },
    )
    assert "Someone else changed this while you were editing it" in response.content.decode()
    plan.refresh_from_db()
    assert plan.name == "Renamed"
