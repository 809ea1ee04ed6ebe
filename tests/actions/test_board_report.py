import datetime as dt

import pytest
from django.utils import timezone

from actions import services
from tests.actions import factories

pytestmark = pytest.mark.django_db


def _update(action, by, day, narrative, percent):
    action.refresh_from_db()
    services.progress_update_post(
        action_id=action.pk,
        expected_version=action.version,
        by=by,
        narrative=narrative,
        status="in_progress",
        percent_complete=percent,
        when=timezone.make_aware(dt.datetime.combine(day, dt.time(12))),
    )


def test_the_board_report_shows_rag_per_outcome_overdue_and_updates_since_a_date(
    service_manager_client, steering_member
):
    today = timezone.localdate()
    plan = factories.plan(by=steering_member)
    overdue = factories.action(
        plan_=plan,
        by=steering_member,
        title="Formal policy",
        outcomes=[plan.outcomes.get(number=2)],
        start_date=today - dt.timedelta(days=300),
        due_date=today - dt.timedelta(days=3),
    )
    _update(overdue, steering_member, today - dt.timedelta(days=60), "Old news from spring", 20)
    _update(overdue, steering_member, today - dt.timedelta(days=5), "Blocked by HR sign-off", 40)

    url = f"/actions/plans/{plan.pk}/board-report/"
    since = today - dt.timedelta(days=10)
    page = service_manager_client.get(
        f"{url}?since_0={since.day}&since_1={since.month}&since_2={since.year}"
    ).content.decode()
    assert "actions-print.css" in page  # the print stylesheet
    assert "Blocked by HR sign-off" in page
    assert "Old news from spring" not in page
    assert "A-1 Formal policy" in page[page.index("Overdue actions") :]
    rag_table = page[page.index("RAG by outcome") : page.index("Overdue actions")]
    row = rag_table[rag_table.index("2. A workforce supported") :]
    # Red 1, amber 0, green 0, no RAG 0, complete 0, all 1.
    cells = [c.split("<")[0] for c in row.split('govuk-table__cell--numeric">')[1:7]]
    assert cells == ["1", "0", "0", "0", "0", "1"]

    earlier = today - dt.timedelta(days=90)
    page = service_manager_client.get(
        f"{url}?since_0={earlier.day}&since_1={earlier.month}&since_2={earlier.year}"
    ).content.decode()
    assert "Old news from spring" in page


def test_a_bad_since_date_is_explained(service_manager_client, steering_member):
    plan = factories.plan(by=steering_member)
    page = service_manager_client.get(
        f"/actions/plans/{plan.pk}/board-report/?since_0=40&since_1=2&since_2=2025"
    ).content.decode()
    assert "must be a real date" in page


def test_the_plan_index_counts_each_action_once(steering_client, steering_member):
    """Complete, then Red, Amber, Green and No RAG for the rest: they add up to the actions
    (a complete action is also Green, and used to be counted twice)."""
    import re

    today = timezone.localdate()
    plan = factories.plan(by=steering_member)
    start, due = today - dt.timedelta(days=100), today + dt.timedelta(days=100)
    done = factories.action(plan_=plan, by=steering_member, start_date=start, due_date=due)
    deferred = factories.action(plan_=plan, by=steering_member, start_date=start, due_date=due)
    factories.action(plan_=plan, by=steering_member, start_date=start, due_date=due)
    for action, status, percent in ((done, "complete", 100), (deferred, "deferred", 10)):
        action.refresh_from_db()
        services.progress_update_post(
            action_id=action.pk,
            expected_version=action.version,
            by=steering_member,
            narrative="Progress",
            status=status,
            percent_complete=percent,
        )
    page = steering_client.get("/actions/").content.decode()
    body = page[page.index('<tbody class="govuk-table__body">') :]
    row = body[: body.index("</tr>")]
    total, complete, red, amber, green, no_rag = (
        int(n) for n in re.findall(r'numeric">(\d+)</td>', row)
    )
    assert (total, complete, no_rag) == (3, 1, 1)
    assert complete + red + amber + green + no_rag == total
