"""A survey with one question of every kind and every optional field left blank (no hint, no
section), as a data manager might make it in a hurry."""

import datetime as dt

from django.utils import timezone

from arp_portal.core.models import Locality
from surveys import services
from surveys.models import QuestionKind, Survey, SurveyStatus


def make_survey_with_every_kind_bare(*, slug: str = "bare-questions") -> Survey:
    Locality.objects.get_or_create(name="North")
    today = timezone.localdate()
    survey = services.survey_create(
        slug=slug,
        title="Bare questions",
        introduction="A survey whose questions have no hints.",
        privacy_text="Your answers are anonymous.",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
        retain_responses_until=today + dt.timedelta(days=400),
    )
    for kind in QuestionKind.values:
        options = None
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            options = [("yes", "Yes"), ("no", "No")]
        services.question_add(
            survey=survey, kind=kind, text=f"A {kind.replace('_', ' ')} question", options=options
        )
    services.survey_set_status(survey=survey, status=SurveyStatus.OPEN)
    return survey
