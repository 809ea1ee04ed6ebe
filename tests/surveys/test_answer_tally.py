"""The results tally (ADR 014) always holds what counting the answers would give."""

import random
import threading

import pytest
from django.db import connection, connections
from django.db.models import Count, Sum

from surveys import selectors, services
from surveys.models import Answer, AnswerTally
from tests.surveys.helpers import make_survey, submit

CELL = ["question_id", "option_id", "ethnicity", "role", "grade_band", "locality"]


def _from_answers(survey) -> dict:
    rows = Answer.objects.filter(survey=survey).values_list(*CELL).annotate(n=Count("*"))
    return {row[:-1]: row[-1] for row in rows.order_by()}


def _from_tally(survey) -> dict:
    rows = AnswerTally.objects.filter(survey=survey).values_list(*CELL, "respondents")
    return {row[:-1]: row[-1] for row in rows}


def _send_many(survey, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    for _ in range(count):
        submit(
            survey,
            ethnic_group=rng.choice(["WBRI", "BCRB", "BAFR", "AIND", None]),
            role=rng.choice(["social_worker", "manager", None]),
            locality=rng.choice(["north", "south", None]),
            racism_from_service_users=rng.choice(["never", "once", "2_4", "5_plus"]),
        )


@pytest.mark.django_db
def test_each_response_adds_one_to_each_chosen_cell():
    survey = make_survey()
    _send_many(survey, 40)
    tally = _from_tally(survey)
    assert tally == _from_answers(survey)
    assert sum(tally.values()) == Answer.objects.filter(survey=survey).count()


@pytest.mark.django_db
def test_results_counts_from_the_tally_equal_counting_the_answers():
    survey = make_survey()
    _send_many(survey, 30, seed=11)
    # The first release nobody has read holds every response: its copy of the tally too.
    release = services.results_release_current(survey=survey)
    assert release.response_count == 30
    for by in (None, "role", "grade", "locality"):
        fields = ["question_id", "option_id", "ethnicity"]
        if by:
            fields.append(selectors.FILTER_FIELDS[by])
        live = Answer.objects.filter(survey=survey).values_list(*fields).annotate(n=Count("*"))
        expected = {(*row[:3], row[3] if by else ""): row[-1] for row in live.order_by()}
        assert selectors.live_answer_counts(survey, by=by) == expected, by
        assert selectors.answer_counts(release, by=by) == expected, by


@pytest.mark.django_db
def test_a_rebuild_gives_the_same_tally():
    survey = make_survey()
    _send_many(survey, 25, seed=3)
    before = _from_tally(survey)
    cells = services.answer_tally_rebuild(survey)
    assert cells == len(before)
    assert _from_tally(survey) == before
    other = make_survey()
    _send_many(other, 5)
    services.answer_tally_rebuild(survey)
    assert _from_tally(other) == _from_answers(other)  # another survey's cells untouched


@pytest.mark.django_db(transaction=True)
def test_responses_sent_at_the_same_moment_are_all_counted():
    """Two people sending identical answers at once both land in the same cells: the second
    waits for the first's row locks, and neither is lost or deadlocked."""
    survey = make_survey()
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def send():
        try:
            barrier.wait()
            for _ in range(5):
                submit(survey, ethnic_group="WBRI", racism_from_service_users="never")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert survey.responses.count() == 20
    assert _from_tally(survey) == _from_answers(survey)
    total = AnswerTally.objects.filter(survey=survey, ethnicity="WBRI").aggregate(
        n=Sum("respondents")
    )["n"]
    assert total == Answer.objects.filter(survey=survey, ethnicity="WBRI").count()
    connection.close()
