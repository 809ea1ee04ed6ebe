"""Storage that shows no order (issue 11, point 3): what people send is held sealed and written
by the worker in shuffled batches, so neither Postgres's transaction ids (xmin, readable by any
role with SELECT) nor any key pairs an offer to talk with its sender's response, or shows the
order responses arrived in more finely than a batch of the survey's threshold."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client

from surveys import services
from surveys.models import (
    Answer,
    FollowUpVolunteer,
    FreeTextAnswer,
    HeldSubmission,
    Response,
    ResultsRelease,
    Survey,
)
from surveys.sealing import PADDED_SIZE
from tests.conftest import DATABASE_TASKS
from tests.surveys.helpers import answers_for, make_survey, write_held
from tests.surveys.test_intake_journey import answer_every_page

THRESHOLD = 5
RESPONDENTS = 7


@pytest.fixture(autouse=True)
def _tasks_wait_for_the_worker(settings):
    """These tests are about what waits on the queue and what the worker does with it: tasks go
    to the database queue, not run as they are queued (tests/conftest.py's default)."""
    settings.TASKS = DATABASE_TASKS


def _xmin(table: str, where: str, params) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id::text, xmin::text::bigint FROM {table} WHERE {where}", params)
        return dict(cursor.fetchall())


def _respond_and_volunteer(survey: Survey, name: str, words: str, barrier, failures) -> None:
    """One person: answers every page, then (with the others, at the same moment) sends the
    answers and offers to talk straight after."""
    try:
        client = Client()
        check_url = answer_every_page(client, survey)
        barrier.wait(timeout=60)
        assert client.post(check_url, {"website": "", "q": words}).status_code == 302
        talk = client.post(
            f"/surveys/{survey.slug}/talk-to-us/",
            {"name": name, "preferred_contact": "email", "email": f"{name}@example.org"},
        )
        assert talk.status_code == 302
    except Exception as error:  # reported by the test, not lost in the thread
        failures.append(error)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_concurrent_respondents_cannot_be_paired_with_their_offers_by_xmin():
    survey = make_survey(reporting_threshold=THRESHOLD)
    barrier, failures = threading.Barrier(RESPONDENTS), []
    threads = [
        threading.Thread(
            target=_respond_and_volunteer,
            args=(survey, f"person{i}", f"words {i}", barrier, failures),
        )
        for i in range(RESPONDENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    # The worker runs what is queued (a batch became due as the threshold was reached), then
    # the survey closes and the rest is written.
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    services.survey_set_status(survey=Survey.objects.get(pk=survey.pk), status="closed")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert Response.objects.filter(survey=survey).count() == RESPONDENTS
    assert FollowUpVolunteer.objects.filter(survey=survey).count() == RESPONDENTS
    assert not HeldSubmission.objects.exists()

    responses = _xmin("surveys_response", "survey_id = %s", [survey.pk])
    volunteers = _xmin("surveys_followupvolunteer", "survey_id = %s", [survey.pk])
    # The intruder's method: for each volunteer, the responses nearest in transaction id.
    for xmin in volunteers.values():
        distance = {rid: abs(rx - xmin) for rid, rx in responses.items()}
        nearest = [rid for rid, d in distance.items() if d == min(distance.values())]
        assert len(nearest) >= THRESHOLD, "an offer to talk points at fewer than a batch"
    # Nor can the responses be put in order: they share their transaction ids in groups of at
    # least the threshold (here, after closing, all of them one).
    groups = {}
    for xmin in responses.values():
        groups[xmin] = groups.get(xmin, 0) + 1
    assert min(groups.values()) >= THRESHOLD
    free_text = _xmin(
        "surveys_freetextanswer",
        "response_id IN (SELECT id FROM surveys_response WHERE survey_id = %s)",
        [survey.pk],
    )
    assert len(set(free_text.values())) == 1
    assert_tallies_show_no_order(survey, set(responses.values()))


def _cells(table: str, where: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, xmin::text::bigint, question_id, option_id, ethnicity, role, grade_band,"
            f" locality FROM {table} WHERE {where}",
            params,
        )
        return cursor.fetchall()


def assert_tallies_show_no_order(survey: Survey, response_xmins: set[int]) -> None:
    """After the close, the tally carries the responses' one transaction id, and neither its
    keys nor the current release's copy's follow the order combinations first arrived in
    (they follow the cells); earlier releases keep only the group sizes they showed."""
    tally = _cells("surveys_answertally", "survey_id = %s", [survey.pk])
    assert tally and {row[1] for row in tally} == response_xmins
    assert [row[0] for row in sorted(tally, key=lambda r: r[2:])] == sorted(r[0] for r in tally)
    copy = _cells(
        "surveys_releasedtally",
        "release_id IN (SELECT id FROM surveys_resultsrelease WHERE survey_id = %s)",
        [survey.pk],
    )
    assert [row[0] for row in sorted(copy, key=lambda r: r[2:])] == sorted(r[0] for r in copy)
    *earlier, last = ResultsRelease.objects.filter(survey=survey).order_by("number")
    assert last.respondents
    for release in earlier:
        assert release.respondents == []
        assert not set(release.group_sizes) & set(release.hidden_groups)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("waiting", [0, 2])
def test_every_row_and_the_tally_carry_the_close_transaction(waiting):
    """Two batches, each answering differently (so each has tally rows of its own), then the
    close with a few still waiting, or none (the last batch reached the threshold exactly):
    every row, the tally included, gets the close's one transaction id all the same."""
    survey = make_survey(reporting_threshold=THRESHOLD)
    for i in range(2 * THRESHOLD + waiting):
        code = ["WBRI", "BAFR", "AIND"][i // THRESHOLD]  # each batch its own tally rows
        services.response_hold(survey=survey, answers=answers_for(survey, ethnic_group=code))
        if services.held_count(survey) == THRESHOLD:
            call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert services.held_count(survey) == waiting
    batches = set(_xmin("surveys_response", "survey_id = %s", [survey.pk]).values())
    assert len(batches) == 2
    tally = {row[1] for row in _cells("surveys_answertally", "survey_id = %s", [survey.pk])}
    assert len(tally) == 2, "one transaction id a batch, before the close"
    services.survey_set_status(survey=Survey.objects.get(pk=survey.pk), status="closed")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    closed = set(_xmin("surveys_response", "survey_id = %s", [survey.pk]).values())
    assert len(closed) == 1 and not closed & batches
    assert_tallies_show_no_order(survey, closed)


@pytest.mark.django_db(transaction=True)
def test_a_batch_queues_its_write_once_not_once_a_submission():
    """Each submission after the held count reached the threshold used to queue a write task of
    its own, so the task table timed almost every submission."""
    from django_tasks_db.models import DBTaskResult

    survey = make_survey(reporting_threshold=THRESHOLD)
    writes = DBTaskResult.objects.filter(task_path=services.write_held_submissions.module_path)

    def send(count: int) -> None:
        for _ in range(count):
            services.response_hold(survey=survey, answers=answers_for(survey))

    send(THRESHOLD - 1)
    assert writes.count() == 0
    send(1 + 4)  # the threshold, then four more while the write waits
    assert writes.count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert Response.objects.filter(survey=survey).count() == THRESHOLD + 4
    send(THRESHOLD - 1)
    assert writes.count() == 1
    send(3)
    assert writes.count() == 2
    # The worker is down: the held count passes more multiples, the one write still waits.
    send(2 * THRESHOLD)
    assert writes.count() == 2


@pytest.mark.django_db
def test_every_survey_table_has_random_keys_or_none_in_arrival_order():
    for model in (Response, FreeTextAnswer, FollowUpVolunteer, HeldSubmission):
        assert model._meta.pk.get_internal_type() == "UUIDField", model
    assert Answer._meta.pk.get_internal_type() == "CompositePrimaryKey"


@pytest.mark.django_db
def test_held_submissions_are_sealed_and_all_the_same_size():
    survey = make_survey()
    client = Client()
    client.post(answer_every_page(client, survey), {"website": ""})
    client.post(
        f"/surveys/{survey.slug}/talk-to-us/",
        {"name": "Unmistakable Name", "preferred_contact": "email", "email": "u@example.org"},
    )
    sealed = [bytes(row.sealed) for row in HeldSubmission.objects.filter(survey=survey)]
    assert len(sealed) == 2
    # A response and an offer to talk cannot be told apart by their size...
    assert len({len(s) for s in sealed}) == 1 and len(sealed[0]) > PADDED_SIZE
    # ...or by their contents: nothing readable (the answer given, the name) is in them.
    for blob in sealed:
        for plain in (b"Unmistakable", b"Something I wanted to say", b"prefer_not_to_say"):
            assert plain not in blob
    assert {f.name for f in HeldSubmission._meta.concrete_fields} == {"id", "survey", "sealed"}


@pytest.mark.django_db
def test_fewer_than_the_threshold_wait_and_results_count_only_what_is_written():
    survey = make_survey(reporting_threshold=THRESHOLD)
    for _ in range(THRESHOLD - 1):
        client = Client()
        client.post(answer_every_page(client, survey), {"website": ""})
    assert services.held_submissions_write(survey=survey) == 0
    assert Response.objects.filter(survey=survey).count() == 0
    client = Client()
    client.post(answer_every_page(client, survey), {"website": ""})
    assert services.held_submissions_write(survey=survey) == THRESHOLD
    assert Response.objects.filter(survey=survey).count() == THRESHOLD
    assert not HeldSubmission.objects.filter(survey=survey).exists()


@pytest.mark.django_db
def test_a_survey_that_closes_writes_what_waits_however_few(data_manager_client):
    survey = make_survey(reporting_threshold=THRESHOLD)
    client = Client()
    client.post(answer_every_page(client, survey), {"website": ""})
    page = data_manager_client.get(f"/surveys/manage/{survey.slug}/").content.decode()
    assert "1 sent and waiting to be written" in page
    assert write_held(survey) == 1
    assert Response.objects.filter(survey=survey).count() == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_lost_when_the_worker_stops_or_a_write_fails(monkeypatch):
    survey = make_survey(reporting_threshold=THRESHOLD)
    for _ in range(THRESHOLD):
        client = Client()
        client.post(answer_every_page(client, survey), {"website": ""})
    # No worker ran: the batch waits in the database, with its task on the queue.
    assert services.held_count(survey) == THRESHOLD
    calls = []

    def fail_on_the_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the worker was stopped")
        return original(*args, **kwargs)

    original = services._response_write
    monkeypatch.setattr(services, "_response_write", fail_on_the_third)
    with pytest.raises(RuntimeError):
        services.held_submissions_write(survey=survey)
    # One transaction: nothing half written, everything still held.
    assert Response.objects.filter(survey=survey).count() == 0
    assert services.held_count(survey) == THRESHOLD
    monkeypatch.undo()
    # The worker, started again, writes the batch from its queue.
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert Response.objects.filter(survey=survey).count() == THRESHOLD
    assert services.held_count(survey) == 0


@pytest.mark.django_db
def test_a_queue_that_refuses_the_write_task_does_not_fail_the_confirmation(
    monkeypatch, django_capture_on_commit_callbacks
):
    import types

    def refuse(*args, **kwargs):
        raise RuntimeError("the task queue is down")

    monkeypatch.setattr(
        "surveys.services.write_held_submissions", types.SimpleNamespace(enqueue=refuse)
    )
    survey = make_survey(reporting_threshold=THRESHOLD)
    for _ in range(THRESHOLD):
        client = Client()
        check_url = answer_every_page(client, survey)
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(check_url, {"website": ""})
        assert sent.status_code == 302
    assert services.held_count(survey) == THRESHOLD
    # The housekeeping writes what is due all the same.
    call_command("housekeeping", verbosity=0)
    assert Response.objects.filter(survey=survey).count() == THRESHOLD
