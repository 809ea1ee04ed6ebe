"""Every change to plans, actions and updates is recorded: who changed which field, from what,
to what, and when; the action page shows it."""

import datetime as dt

import pytest

from actions import services
from actions.models import Action, Plan, ProgressUpdate
from tests.actions import factories
from tests.actions.forms_data import action_post, update_post

pytestmark = pytest.mark.django_db


def test_the_action_page_shows_who_changed_which_field(
    steering_client, steering_member, data_manager
):
    action = factories.action(by=steering_member, percent_complete=10)
    services.action_update(
        action_id=action.pk,
        expected_version=1,
        by=data_manager,
        due_date=dt.date(2026, 6, 30),
        owner=data_manager,
        status="blocked",
    )
    page = steering_client.get(f"/actions/action/{action.pk}/").content.decode()
    history = page[page.index('id="history"') :]
    assert "data.manager" in history
    assert (
        "Action: Due date" in history and "31 March 2026" in history and "30 June 2026" in history
    )
    assert "Action: Owner" in history and "steering.member" in history
    assert "Action: Status" in history and "In progress" in history and "Blocked" in history
    assert "Action created" in history


def test_outcome_changes_milestones_and_measures_are_in_the_history(
    steering_client, steering_member
):
    action = factories.action(by=steering_member)
    steering_client.post(
        f"/actions/action/{action.pk}/edit/",
        action_post(
            outcomes=action.plan.outcomes.filter(number__in=[2, 6]),
            owner=steering_member,
            version=action.version,
            title=action.title,
            percent_complete="10",
        ),
    )
    milestone = services.milestone_add(
        action=action, title="Pilot", due_date=dt.date(2025, 9, 1), by=steering_member
    )
    steering_client.post(f"/actions/milestones/{milestone.pk}/toggle/")
    services.measure_link_add(
        action=action, key="children:cic:rri:Black", label="", by=steering_member
    )
    page = steering_client.get(f"/actions/action/{action.pk}/").content.decode()
    history = page[page.index('id="history"') :]
    assert "Outcomes" in history and "Outcome 1" in history and "Outcome 2, Outcome 6" in history
    assert "Milestone “Pilot” created" in history
    assert "Milestone “Pilot”: Completed on" in history
    assert (
        "Linked measure “Children in care: relative rate index, Black children” created" in history
    )


def test_plans_actions_and_updates_all_keep_history(steering_client, steering_member):
    plan = factories.plan(by=steering_member)
    action = factories.action(plan_=plan, by=steering_member)
    steering_client.post(f"/actions/action/{action.pk}/update/", update_post(version=1))
    services.plan_update(plan_id=plan.pk, expected_version=1, by=steering_member, name="New")
    assert Plan.history.filter(id=plan.pk).count() == 2
    assert Action.history.filter(id=action.pk, history_user=steering_member).count() >= 2
    update = ProgressUpdate.objects.get()
    record = update.history.get()
    assert (record.history_type, record.history_user) == ("+", steering_member)


def test_rag_changes_worked_out_and_set_by_hand_are_in_the_history(
    steering_client, steering_member
):
    from django.utils import timezone

    from actions.history import action_changes

    today = timezone.localdate()
    action = factories.action(
        by=steering_member,
        start_date=today - dt.timedelta(days=100),
        due_date=today + dt.timedelta(days=100),
        percent_complete=50,
    )
    # Half done at half time is on track (Green); 10% at half time is off track (Red).
    services.progress_update_post(
        action_id=action.pk,
        expected_version=action.version,
        by=steering_member,
        narrative="Fell behind",
        status="in_progress",
        percent_complete=10,
    )
    action.refresh_from_db()
    services.progress_update_post(
        action_id=action.pk,
        expected_version=action.version,
        by=steering_member,
        narrative="Recovery plan agreed",
        status="in_progress",
        percent_complete=10,
        rag_override="amber",
        rag_override_reason="Recovery plan agreed with the board",
    )
    rag_rows = [c for c in action_changes(action) if c.field == "RAG"]
    assert [(c.old, c.new) for c in reversed(rag_rows)] == [
        ("Green (worked out)", "Red (worked out)"),
        ("Red (worked out)", "Amber (set by hand)"),
    ]
    page = steering_client.get(f"/actions/action/{action.pk}/").content.decode()
    history = page[page.index('id="history"') :]
    assert "Green (worked out)" in history and "Amber (set by hand)" in history
