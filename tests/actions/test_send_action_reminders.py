import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.actions import factories
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def test_one_email_per_owner_with_due_soon_and_overdue_actions(steering_member):
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    other = make_user("other.owner", "Steering group")
    no_email = make_user("no.email", "Steering group")
    no_email.email = ""
    no_email.save()
    plan = factories.plan(by=steering_member)

    def add(owner, title, due, **fields):
        return factories.action(
            plan_=plan,
            by=steering_member,
            owner=owner,
            title=title,
            start_date=today - 200 * day,
            due_date=due,
            **fields,
        )

    add(steering_member, "Overdue policy", today - 3 * day)
    add(steering_member, "Audit due soon", today + 10 * day)
    add(steering_member, "Far-off scheme", today + 60 * day)
    add(steering_member, "Done already", today + 5 * day, status="complete", percent_complete=100)
    add(steering_member, "Put off", today - 5 * day, status="deferred")
    add(other, "Briefings", today + 14 * day)
    add(no_email, "Orphan", today + 1 * day)

    out, err = io.StringIO(), io.StringIO()
    call_command("send_action_reminders", "--days", "14", stdout=out, stderr=err)

    assert len(mail.outbox) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    mine = by_recipient["steering.member@example.org"]
    assert mine.subject == "Your ARP actions: 1 overdue, 1 due in the next 14 days"
    assert "Overdue policy" in mine.body and "Audit due soon" in mine.body
    assert "Far-off scheme" not in mine.body
    assert "Done already" not in mine.body and "Put off" not in mine.body
    assert "/actions/mine/" in mine.body
    assert "Briefings" in by_recipient["other.owner@example.org"].body
    assert "no.email owns 1 action(s) due or overdue but has no email address" in err.getvalue()
    assert "Sent 2 reminder(s)" in out.getvalue()


def test_dry_run_sends_nothing(steering_member):
    factories.action(by=steering_member, due_date=timezone.localdate())
    out = io.StringIO()
    call_command("send_action_reminders", "--days", "14", "--dry-run", stdout=out)
    assert mail.outbox == []
    assert "Would send a reminder to steering.member about 1 action(s)" in out.getvalue()
