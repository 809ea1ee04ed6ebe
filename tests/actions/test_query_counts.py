"""The action list and the plan overview run a fixed number of queries however many actions,
outcomes and updates there are."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import Action, ProgressUpdate
from arp_portal.core.local_cache import clear_all
from tests.actions import factories
from tests.personas import make_user

pytestmark = pytest.mark.django_db

# The board report adds three for its table of every action by outcome (actions with their
# RAG and last update, outcomes, measure links), whatever the number of actions.
MAX_QUERIES = {"list": 16, "overview": 16, "mine": 12, "index": 10, "board": 19}


def _grow(plan, owners, count):
    """Add `count` actions spread over owners, outcomes and areas, each with three updates."""
    outcomes, areas = list(plan.outcomes.all()), list(plan.areas.all())
    start = Action.objects.filter(plan=plan).count()
    actions = []
    for index in range(start, start + count):
        action = Action.objects.create(
            plan=plan,
            number=index + 1,
            title=f"Action {index}",
            owner=owners[index % len(owners)],
            area=areas[index % len(areas)],
            start_date=dt.date(2025, 1, 1),
            due_date=dt.date(2025, 1, 1) + dt.timedelta(days=30 * (index % 30)),
            status=["in_progress", "complete", "not_started", "blocked", "deferred"][index % 5],
            percent_complete=100 if index % 5 == 1 else (index * 7) % 100,
        )
        action.outcomes.set(outcomes[index % 6 : index % 6 + 2])
        actions.append(action)
    Action.objects.filter(pk__in=[a.pk for a in actions]).update(last_update_at=timezone.now())
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            action=a,
            author=a.owner,
            narrative="News",
            status=a.status,
            percent_complete=a.percent_complete,
            rag="green",
        )
        for a in actions
        for _ in range(3)
    )


def _count(client, url):
    clear_all()  # each count from cold: no copy kept from an earlier request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("page", "url"),
    [
        ("list", "/actions/plans/{plan}/actions/"),
        ("list", "/actions/plans/{plan}/actions/?sort=rag&order=desc&rag=red"),
        ("list", "/actions/plans/{plan}/actions/?sort=updated&order=desc"),
        ("overview", "/actions/plans/{plan}/"),
        ("mine", "/actions/mine/"),
        ("index", "/actions/"),
        ("board", "/actions/plans/{plan}/board-report/"),
    ],
)
def test_queries_do_not_grow_with_the_plan(
    steering_client, steering_member, page, url, django_assert_max_num_queries
):
    plan = factories.plan(by=steering_member)
    owners = [steering_member, make_user("second.owner", "Steering group")]
    url = url.format(plan=plan.pk)
    _grow(plan, owners, 3)
    small = _count(steering_client, url)
    _grow(plan, owners, 40)
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        large = _count(steering_client, url)
    assert large == small, f"{page}: {small} queries with 3 actions, {large} with 43"
