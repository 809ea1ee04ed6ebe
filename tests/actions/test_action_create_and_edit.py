import datetime as dt

import pytest

from actions.models import Action
from tests.actions import factories
from tests.actions.forms_data import action_post, date_fields
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def test_actions_are_numbered_per_plan(steering_client, steering_member):
    first, second = factories.plan(by=steering_member), factories.plan(by=steering_member)
    for plan in (first, first, second):
        response = steering_client.post(
            f"/actions/plans/{plan.pk}/actions/new/",
            action_post(outcomes=plan.outcomes.all()[:2], owner=steering_member),
        )
        assert response.status_code == 302
    assert list(first.actions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert second.actions.get().reference == "A-1"
    action = first.actions.get(number=2)
    assert response.status_code == 302
    page = steering_client.get(f"/actions/action/{action.pk}/").content.decode()
    assert "A-2 Run learning spaces every six weeks" in page
    assert [o.number for o in action.outcomes.order_by("number")] == [1, 2]


def test_invalid_actions_are_explained_and_not_saved(steering_client, steering_member):
    plan = factories.plan(by=steering_member)
    response = steering_client.post(
        f"/actions/plans/{plan.pk}/actions/new/",
        action_post(
            outcomes=[],
            owner=steering_member,
            title="",
            status="complete",
            percent_complete="60",
            rag_override="red",
            **date_fields("due_date", dt.date(2025, 1, 1)),
        ),
    )
    page = response.content.decode()
    for message in (
        "Enter the action&#x27;s title",
        "Select at least one outcome",
        "The due date must be the same as or after the start date",
        "Enter 100 for percent complete, or choose a status other than complete",
        "Enter why you are setting the RAG by hand",
    ):
        assert message in page
    assert "Practice development" in page  # the form keeps what was typed
    assert Action.objects.count() == 0


def test_percent_must_be_a_whole_number_from_0_to_100(steering_client, steering_member):
    plan = factories.plan(by=steering_member)
    response = steering_client.post(
        f"/actions/plans/{plan.pk}/actions/new/",
        action_post(
            outcomes=plan.outcomes.all()[:1], owner=steering_member, percent_complete="150"
        ),
    )
    assert "Percent complete must be 100 or less" in response.content.decode()


def test_editing_saves_and_bumps_the_version(steering_client, steering_member):
    action = factories.action(by=steering_member)
    response = steering_client.post(
        f"/actions/action/{action.pk}/edit/",
        action_post(
            outcomes=action.plan.outcomes.all()[2:4],
            owner=steering_member,
            version=action.version,
            title="Learning spaces in every locality",
        ),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Learning spaces in every locality"
    assert action.version == 2
    assert sorted(o.number for o in action.outcomes.all()) == [3, 4]


def test_a_manual_rag_needs_a_reason_and_is_shown_as_set_by_hand(steering_client, steering_member):
    action = factories.action(by=steering_member)
    steering_client.post(
        f"/actions/action/{action.pk}/edit/",
        action_post(
            outcomes=action.plan.outcomes.all()[:1],
            owner=steering_member,
            version=action.version,
            rag_override="amber",
            rag_override_reason="Funding agreed; delivery catches up by February",
        ),
    )
    page = steering_client.get(f"/actions/action/{action.pk}/").content.decode()
    assert "set by hand" in page
    assert "Reason: Funding agreed; delivery catches up by February" in page


def test_owners_are_people_who_can_post_updates(steering_client, steering_member, service_manager):
    plan = factories.plan(by=steering_member)
    page = steering_client.get(f"/actions/plans/{plan.pk}/actions/new/").content.decode()
    assert "steering.member" in page and "service.manager" not in page
    response = steering_client.post(
        f"/actions/plans/{plan.pk}/actions/new/",
        action_post(outcomes=plan.outcomes.all()[:1], owner=service_manager),
    )
    assert "Select an owner from the list" in response.content.decode()
    assert Action.objects.count() == 0


def test_an_owner_whose_role_changed_stays_on_their_action(steering_client, steering_member):
    former = make_user("former.member")  # no role any more
    action = factories.action(by=steering_member, owner=former)
    page = steering_client.get(f"/actions/action/{action.pk}/edit/").content.decode()
    assert "former.member" in page
