"""The housekeeping the portal promises runs on the task worker (issue 11, points 2 and 7):
expired sessions, sign-in records older than 30 days, survey batches due; it re-enqueues
itself with run_after, and scheduling it twice leaves one run waiting."""

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from arp_portal.core.tasks import housekeeping_run
from surveys import services
from surveys.models import Response
from tests.conftest import DATABASE_TASKS
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_wait_for_the_worker(settings):
    """These tests are about what waits on the queue and what the worker does with it: tasks go
    to the database queue, not run as they are queued (tests/conftest.py's default)."""
    settings.TASKS = DATABASE_TASKS


def _aged(model, days: int, **fields):
    row = model.objects.create(
        username=f"someone{days}", ip_address="198.51.100.7", user_agent="Browser", **fields
    )
    model.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - dt.timedelta(days=days))
    return row


def test_sign_in_records_older_than_30_days_are_deleted():
    old_failure = _aged(AccessAttempt, 31, failures_since_start=3, get_data="", post_data="")
    recent_failure = _aged(AccessAttempt, 29, failures_since_start=1, get_data="", post_data="")
    old_sign_in = _aged(AccessLog, 31)
    call_command("housekeeping", verbosity=0)
    assert not AccessAttempt.objects.filter(pk=old_failure.pk).exists()
    assert AccessAttempt.objects.filter(pk=recent_failure.pk).exists()
    assert not AccessLog.objects.filter(pk=old_sign_in.pk).exists()


def test_expired_sign_in_sessions_are_deleted():
    store = SessionStore()
    store["x"] = 1
    store.set_expiry(-10)
    store.save()
    call_command("housekeeping", verbosity=0)
    assert not Session.objects.filter(session_key=store.session_key).exists()


def test_a_closed_survey_s_held_responses_are_written_by_the_housekeeping():
    survey = make_survey()
    services.response_hold(survey=survey, answers=_answers(survey))
    type(survey).objects.filter(pk=survey.pk).update(status="closed")
    call_command("housekeeping", verbosity=0)
    assert Response.objects.filter(survey=survey).count() == 1


def _answers(survey):
    from tests.surveys.helpers import answers_for

    return answers_for(survey)


@pytest.mark.django_db(transaction=True)
def test_scheduling_puts_one_run_on_the_queue_and_each_run_puts_the_next():
    call_command("housekeeping", "--schedule", verbosity=0)
    call_command("housekeeping", "--schedule", verbosity=0)
    waiting = DBTaskResult.objects.ready().filter(task_path=housekeeping_run.module_path)
    # Not ready yet: it runs after the interval.
    assert DBTaskResult.objects.filter(task_path=housekeeping_run.module_path).count() == 1
    assert waiting.count() == 0
    task = DBTaskResult.objects.get(task_path=housekeeping_run.module_path)
    assert task.run_after > timezone.now() + dt.timedelta(minutes=9)
    DBTaskResult.objects.update(run_after=timezone.now())
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    runs = DBTaskResult.objects.filter(task_path=housekeeping_run.module_path)
    assert runs.successful().count() == 1
    assert runs.filter(status="READY").count() == 1  # the next run, after the interval
