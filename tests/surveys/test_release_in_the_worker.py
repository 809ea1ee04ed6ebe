"""The release a survey's results show is built by the task worker, queued once by every write
that changes the results; the results page only reads it, and says when a newer one is being
prepared."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from surveys import services
from surveys.models import ResultsRelease
from tests.conftest import DATABASE_TASKS
from tests.surveys.helpers import make_survey, submit_many

pytestmark = pytest.mark.django_db(transaction=True)


def _queued():
    return DBTaskResult.objects.filter(
        status="READY", task_path="surveys.services.prepare_release"
    ).count()


def _work():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_writes_queue_one_release_task_and_the_worker_builds_it(settings):
    settings.TASKS = DATABASE_TASKS
    survey = make_survey()
    submit_many(survey, 12)
    assert _queued() == 1  # twelve writes, one task waiting
    assert not ResultsRelease.objects.filter(survey=survey).exists()
    assert services.results_release_current(survey=survey) is None  # nothing decided here
    _work()
    release = services.results_release_current(survey=survey)
    assert release.response_count == 12 and not release.newer_being_prepared


def test_the_results_show_the_last_release_and_say_a_newer_one_is_being_prepared(settings):
    settings.TASKS = DATABASE_TASKS
    survey = make_survey()
    submit_many(survey, 12)
    _work()
    first = services.results_release_current(survey=survey)
    submit_many(survey, 10)
    assert _queued() == 1
    shown = services.results_release_current(survey=survey)
    assert shown.number == first.number and shown.response_count == 12
    assert shown.newer_being_prepared
    _work()
    moved = services.results_release_current(survey=survey)
    assert moved.response_count == 22 and not moved.newer_being_prepared


def test_before_the_first_release_the_page_says_it_is_being_prepared(
    settings, service_manager_client
):
    settings.TASKS = DATABASE_TASKS
    survey = make_survey()
    empty = service_manager_client.get(f"/surveys/{survey.slug}/results/").content.decode()
    assert "Nobody has answered this survey yet" in empty
    submit_many(survey, 12)
    # Answers are in, but the worker has not checked them: nothing shown, and no false
    # "nobody has answered" or "fewer than 10 answered".
    for path in ("results/", "results/written-answers/"):
        page = service_manager_client.get(f"/surveys/{survey.slug}/{path}").content.decode()
        assert "are being prepared" in page
        assert "Nobody has answered" not in page and "Fewer than" not in page
    _work()
    page = service_manager_client.get(f"/surveys/{survey.slug}/results/").content.decode()
    assert "12 people answered" in page and "are being prepared" not in page
