"""Surveys for tests: the template questionnaire, opened, and answers sent through the service."""

import datetime as dt
import itertools

from django.utils import timezone

from arp_portal.core.models import Locality
from surveys import services
from surveys.models import PREFER_NOT_TO_SAY, Survey

_numbers = itertools.count(1)


def make_survey(*, status: str = "open", access: str = "open_link", **fields) -> Survey:
    """The template survey, open today (or in the given status)."""
    for name in ("North", "South"):
        Locality.objects.get_or_create(name=name)
    number = next(_numbers)
    today = timezone.localdate()
    survey = services.survey_create_from_template(
        title=fields.pop("title", f"Test survey {number}"),
        slug=fields.pop("slug", f"test-survey-{number}"),
        today=today - dt.timedelta(days=1),
    )
    Survey.objects.filter(pk=survey.pk).update(status=status, access=access, **fields)
    survey.refresh_from_db()
    return survey


def answers_for(survey: Survey, **by_code) -> dict[str, object]:
    """Answers keyed by question id: "prefer not to say" unless given by question code."""
    answers = {}
    for question in survey.questions.all():
        value = by_code.get(question.code)
        if question.is_free_text:
            answers[str(question.pk)] = value or ""
        elif value is None:
            answers[str(question.pk)] = (
                [PREFER_NOT_TO_SAY] if question.is_multiple else PREFER_NOT_TO_SAY
            )
        else:
            answers[str(question.pk)] = value
    return answers


def submit(survey: Survey, *, free_text: str = "", **by_code):
    """Sends one response through response_submit, the survey being open."""
    was = survey.status
    if was != "open":
        Survey.objects.filter(pk=survey.pk).update(status="open")
        survey.refresh_from_db()
    if free_text:
        by_code["in_your_own_words"] = free_text
    response = services.response_submit(survey=survey, answers=answers_for(survey, **by_code))
    if was != "open":
        Survey.objects.filter(pk=survey.pk).update(status=was)
        survey.refresh_from_db()
    return response


def submit_many(survey: Survey, count: int, **by_code) -> None:
    for _ in range(count):
        submit(survey, **by_code)


def write_held(survey: Survey) -> int:
    """Writes what the intake holds for the survey, as the worker does when the survey closes."""
    return services.held_submissions_write(survey=survey, at_close=True)


def survey_session_key(client) -> str:
    from surveys.intake_session import SURVEY_SESSION_COOKIE

    cookie = client.cookies.get(SURVEY_SESSION_COOKIE)
    return cookie.value if cookie is not None else ""
