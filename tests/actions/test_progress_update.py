import datetime as dt

import pytest
from django.utils import timezone

from actions.models import Action, ProgressUpdate
from tests.actions import factories
from tests.actions.forms_data import update_post

pytestmark = pytest.mark.django_db


def _midway_action(owner):
    today = timezone.localdate()
    return factories.action(
        by=owner,
        start_date=today - dt.timedelta(days=50),
        due_date=today + dt.timedelta(days=50),
        percent_complete=10,
    )


def test_an_update_moves_status_percent_and_rag(steering_client, steering_member):
    action = _midway_action(steering_member)  # target 50%: 10% is red
    assert Action.objects.with_rag().get(pk=action.pk).rag == "red"
    response = steering_client.post(
        f"/actions/action/{action.pk}/update/",
        update_post(version=action.version, percent_complete="48"),
        follow=True,
    )
    page = response.content.decode()
    assert "Update posted on A-1: in progress, 48% complete, RAG green." in page
    assert "Three sessions held this quarter." in page
    action = Action.objects.with_rag().get(pk=action.pk)
    assert (action.percent_complete, action.rag) == (48, "green")
    update = ProgressUpdate.objects.get()
    assert (update.author, update.percent_complete, update.rag) == (steering_member, 48, "green")


def test_an_update_can_set_the_rag_by_hand_with_a_reason(steering_client, steering_member):
    action = _midway_action(steering_member)
    response = steering_client.post(
        f"/actions/action/{action.pk}/update/",
        update_post(version=action.version, rag_override="red", rag_override_reason=""),
    )
    assert "Enter why you are setting the RAG by hand" in response.content.decode()
    assert ProgressUpdate.objects.count() == 0
    steering_client.post(
        f"/actions/action/{action.pk}/update/",
        update_post(
            version=action.version,
            percent_complete="48",
            rag_override="red",
            rag_override_reason="The venue has pulled out",
        ),
    )
    update = ProgressUpdate.objects.get()
    assert (update.rag, update.rag_overridden, update.rag_reason) == (
        "red",
        True,
        "The venue has pulled out",
    )
    assert Action.objects.with_rag().get(pk=action.pk).rag == "red"


def test_an_update_needs_a_narrative(steering_client, steering_member):
    action = _midway_action(steering_member)
    response = steering_client.post(
        f"/actions/action/{action.pk}/update/", update_post(version=action.version, narrative="")
    )
    assert "Enter what has happened since the last update" in response.content.decode()


def test_from_my_actions_the_update_returns_there(steering_client, steering_member):
    action = _midway_action(steering_member)
    response = steering_client.post(
        f"/actions/action/{action.pk}/update/?from=mine", update_post(version=action.version)
    )
    assert response["Location"] == "/actions/mine/"


def test_service_managers_cannot_post_updates(service_manager_client, steering_member):
    action = _midway_action(steering_member)
    response = service_manager_client.post(
        f"/actions/action/{action.pk}/update/", update_post(version=action.version)
    )
    assert response.status_code == 403
    assert ProgressUpdate.objects.count() == 0
