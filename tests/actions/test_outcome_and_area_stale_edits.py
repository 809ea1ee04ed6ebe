"""Outcomes and areas of focus get the same stale-edit protection as actions (issue 11, point
7): the second of two editors is refused, sees what changed, and overwrites nothing."""

import re

import pytest

from actions.models import Area, Outcome
from tests.actions import factories
from tests.personas import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor():
    return make_user("second.editor", "Steering group", first_name="Ada", last_name="Mensah")


def _version_in(html: str) -> str:
    found = re.search(r'name="version"\s+value="(\d+)"', html)
    return found.group(1) if found else ""


def _edit_page(client, url: str) -> str:
    return client.get(url).content.decode()


def test_a_stale_outcome_save_is_refused_and_overwrites_nothing(
    steering_client, steering_member, client_as, second_editor
):
    plan = factories.plan(by=steering_member)
    outcome = plan.outcomes.get(number=1)
    url = f"/actions/plans/{plan.pk}/outcomes/{outcome.pk}/edit/"
    assert _version_in(_edit_page(steering_client, url)) == "1"

    first = client_as(second_editor).post(url, {"title": "Ada's outcome", "version": "1"})
    assert first.status_code == 302
    second = steering_client.post(url, {"title": "Sam's outcome", "version": "1"})
    page = second.content.decode()
    assert second.status_code == 200
    assert "Someone else changed this while you were editing it" in page
    assert "Ada Mensah" in page and "Ada&#x27;s outcome" in page
    assert "Sam&#x27;s outcome" in page  # kept in the form to check and save again
    assert _version_in(page) == "2"
    outcome.refresh_from_db()
    assert (outcome.title, outcome.version) == ("Ada's outcome", 2)

    again = steering_client.post(url, {"title": "Sam's outcome", "version": "2"})
    assert again.status_code == 302
    assert Outcome.objects.get(pk=outcome.pk).title == "Sam's outcome"


def test_a_stale_area_save_is_refused_and_overwrites_nothing(
    steering_client, steering_member, client_as, second_editor
):
    plan = factories.plan(by=steering_member)
    area = plan.areas.get(name__iexact="data")
    url = f"/actions/plans/{plan.pk}/areas/{area.pk}/edit/"
    assert _version_in(_edit_page(steering_client, url)) == "1"

    assert client_as(second_editor).post(url, {"name": "Data and intelligence", "version": "1"})[
        "Location"
    ]
    second = steering_client.post(url, {"name": "Data quality", "version": "1"})
    page = second.content.decode()
    assert "Someone else changed this while you were editing it" in page
    assert "Data and intelligence" in page
    area.refresh_from_db()
    assert (area.name, area.version) == ("Data and intelligence", 2)
    assert Area.objects.filter(plan=plan, name="Data quality").count() == 0
