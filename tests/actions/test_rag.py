"""RAG from % complete against a linear target (docs/domain.md): green at 90% of target or more,
red at 70% or less, amber between; complete green; deferred none; overdue and not complete red.

Hand-worked: an action from 1 to 11 January (10 days) has a target of 50% on 6 January, so 45%
(90% of 50) is green, 44% amber, 36% amber and 35% (70% of 50) red.
"""

import datetime as dt
import itertools

import pytest

from actions.models import Action, Status
from actions.rag import AMBER, GREEN, NONE, RED, computed_rag, target_percent
from tests.actions import factories

START, DUE = dt.date(2025, 1, 1), dt.date(2025, 1, 11)
MIDWAY = dt.date(2025, 1, 6)


def rag(percent, status=Status.IN_PROGRESS, today=MIDWAY, start=START, due=DUE):
    return computed_rag(
        status=status, percent_complete=percent, start_date=start, due_date=due, today=today
    )


def test_the_target_rises_in_a_straight_line_from_start_to_due():
    assert target_percent(start_date=START, due_date=DUE, today=START) == 0
    assert target_percent(start_date=START, due_date=DUE, today=MIDWAY) == 50
    assert target_percent(start_date=START, due_date=DUE, today=dt.date(2025, 1, 9)) == 80
    assert target_percent(start_date=START, due_date=DUE, today=DUE) == 100


@pytest.mark.parametrize(
    ("percent", "expected"),
    [(100, GREEN), (45, GREEN), (44, AMBER), (36, AMBER), (35, RED), (0, RED)],
)
def test_midway_thresholds(percent, expected):
    assert rag(percent) == expected


def test_before_the_start_date_any_progress_is_on_track():
    assert rag(0, status=Status.NOT_STARTED, today=dt.date(2024, 12, 1)) == GREEN


def test_on_the_due_date_the_target_is_the_whole_job():
    assert rag(90, today=DUE) == GREEN
    assert rag(89, today=DUE) == AMBER
    assert rag(70, today=DUE) == RED


def test_complete_is_green_deferred_has_none_overdue_is_red():
    assert rag(100, status=Status.COMPLETE, today=dt.date(2026, 1, 1)) == GREEN
    assert rag(10, status=Status.DEFERRED) == NONE
    assert rag(99, today=dt.date(2025, 1, 12)) == RED
    assert rag(100, status=Status.BLOCKED, today=dt.date(2025, 1, 12)) == RED


def test_a_one_day_action_due_today():
    assert rag(90, start=MIDWAY, due=MIDWAY) == GREEN
    assert rag(50, start=MIDWAY, due=MIDWAY) == RED


@pytest.mark.django_db
def test_postgres_agrees_with_the_rules_case_by_case():
    """Action.with_rag() works RAG out in SQL for filtering and counting; it must agree."""
    plan = factories.plan()
    owner = plan.history.first().history_user
    cases = []
    spans = [
        (START, DUE),
        (START, START),
        (START, dt.date(2025, 4, 1)),
        (START, dt.date(2025, 1, 4)),
    ]
    statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED, Status.DEFERRED]
    for (start, due), status, percent in itertools.product(
        spans, statuses, [0, 10, 33, 35, 36, 44, 45, 60, 66, 67, 90, 100]
    ):
        cases.append(
            factories.action(
                plan_=plan,
                by=owner,
                start_date=start,
                due_date=due,
                status=status,
                percent_complete=percent,
            )
        )
    for (start, due), _ in itertools.product(spans, [0]):
        cases.append(
            factories.action(
                plan_=plan,
                by=owner,
                start_date=start,
                due_date=due,
                status=Status.COMPLETE,
                percent_complete=100,
            )
        )
    days = [
        dt.date(2024, 12, 31),
        START,
        dt.date(2025, 1, 2),
        dt.date(2025, 1, 3),
        MIDWAY,
        DUE,
        dt.date(2025, 1, 12),
        dt.date(2025, 3, 1),
    ]
    for today in days:
        in_sql = dict(Action.objects.filter(plan=plan).with_rag(today).values_list("pk", "rag"))
        for action in cases:
            assert in_sql[action.pk] == action.computed_rag(today), (
                action.start_date,
                action.due_date,
                action.status,
                action.percent_complete,
                today,
            )


@pytest.mark.django_db
def test_an_override_wins_and_is_shown_as_such():
    action = factories.action(
        start_date=START,
        due_date=DUE,
        percent_complete=0,
        rag_override="amber",
        rag_override_reason="Funding agreed; catching up by February",
    )
    annotated = Action.objects.with_rag(MIDWAY).get(pk=action.pk)
    assert annotated.rag == AMBER
    assert action.computed_rag(MIDWAY) == RED
