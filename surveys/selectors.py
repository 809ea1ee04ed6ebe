"""Reads: intake pages, survey lists, and the counts that results are built from (GROUP BY)."""

import hashlib
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404

from arp_portal.core.local_cache import TimedCache
from surveys.models import (
    AnswerTally,
    FreeTextAnswer,
    ModerationStatus,
    Option,
    Question,
    Response,
    Survey,
)
from surveys.questionnaire import QUESTIONS_PER_PAGE


@dataclass
class IntakePage:
    number: int
    heading: str
    questions: list[Question]


def survey_questions(survey: Survey) -> list[Question]:
    return list(
        survey.questions.prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("position"))
        )
    )


# The intake reads its survey on every page; a few seconds' copy per process saves a query on
# each (docs/surveys.md, "Speed"). Saving a survey clears it in this process (surveys.apps);
# other processes see a change within the lifetime. Storing a response reads the survey afresh.
intake_survey_cache = TimedCache(seconds=5)


def survey_for_intake(slug: str, *, fresh: bool = False) -> Survey:
    """The survey at an intake address: this process's copy of the last few seconds, or (fresh)
    read now, as storing anything needs; a fresh read also renews the copy."""

    def load():
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            raise Http404("No survey at this address.")
        return survey

    if fresh:
        intake_survey_cache.forget(slug)
    return intake_survey_cache.get(slug, load)


# Keyed by questions_version, so a copy is never stale; the lifetime only bounds memory.
intake_questions_cache = TimedCache(seconds=60 * 60, max_entries=100)


def survey_questions_for_intake(survey: Survey) -> list[Question]:
    """The questions, kept in this process's memory until they change (questions_version).

    Every intake page needs them; questions change rarely and never once people answer."""
    return intake_questions_cache.get(
        (survey.pk, survey.questions_version), lambda: survey_questions(survey)
    )


def intake_pages(questions: list[Question]) -> list[IntakePage]:
    """Consecutive questions of one section share a page, at most QUESTIONS_PER_PAGE to a page."""
    pages: list[IntakePage] = []
    for question in questions:
        current = pages[-1] if pages else None
        if (
            current is None
            or question.section != current.questions[0].section
            or len(current.questions) >= QUESTIONS_PER_PAGE
        ):
            heading = question.section or "Questions"
            pages.append(IntakePage(number=len(pages) + 1, heading=heading, questions=[]))
        pages[-1].questions.append(question)
    return pages


def surveys_for_list():
    return (
        Survey.objects.with_response_counts()
        .select_related("previous_wave")
        .order_by("-opens_on", "title")
    )


def moderation_queue(survey: Survey):
    return (
        FreeTextAnswer.objects.filter(response__survey=survey)
        .select_related("question")
        .order_by("status", "question__position", "pk")
    )


def moderation_counts(survey: Survey) -> dict[str, int]:
    counts = dict(
        FreeTextAnswer.objects.filter(response__survey=survey)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return {status: counts.get(status, 0) for status in ModerationStatus.values}


# --- Counts for results: each one query, aggregated by Postgres ------------------------------

FILTER_FIELDS = {"role": "role", "grade": "grade_band", "locality": "locality"}


def group_sizes(survey: Survey, *, by: str | None = None) -> dict[tuple[str, str], int]:
    """Respondents by (ethnicity code, value of `by`); "" is "prefer not to say"."""
    fields = ["ethnicity"] + ([FILTER_FIELDS[by]] if by else [])
    rows = Response.objects.filter(survey=survey).values(*fields).annotate(n=Count("pk"))
    return {
        (row["ethnicity"], row[FILTER_FIELDS[by]] if by else ""): row["n"]
        for row in rows.order_by()
    }


def answer_counts(
    survey: Survey, *, by: str | None = None, question_codes=None
) -> dict[tuple[int, int, str, str], int]:
    """Chosen options by (question id, option id, ethnicity code, value of `by`).

    One GROUP BY over the survey's tally (ADR 014), which holds the same counts as the answers
    table in a few hundredths of the rows."""
    fields = ["question_id", "option_id", "ethnicity"] + ([FILTER_FIELDS[by]] if by else [])
    cells = AnswerTally.objects.filter(survey=survey)
    if question_codes is not None:
        cells = cells.filter(question__code__in=question_codes)
    rows = cells.values_list(*fields).annotate(n=Sum("respondents")).order_by()
    if by:
        return {(q, o, e, v): n for q, o, e, v, n in rows}
    return {(q, o, e, ""): n for q, o, e, n in rows}


def approved_free_text(survey: Survey) -> list[tuple[int, str, str]]:
    """(question id, respondent's ethnicity code, moderated text) of approved answers."""
    return list(
        FreeTextAnswer.objects.filter(response__survey=survey, status=ModerationStatus.APPROVED)
        .order_by("question_id", "pk")
        .values_list("question_id", "response__ethnicity", "moderated_text")
    )


def survey_waves(survey: Survey) -> list[Survey]:
    """This survey and the waves before it, oldest first."""
    waves, seen, current = [], set(), survey
    while current is not None and current.pk not in seen:
        waves.append(current)
        seen.add(current.pk)
        current = current.previous_wave
    return list(reversed(waves))


def has_responses(survey: Survey) -> bool:
    return Response.objects.filter(survey=survey).exists()


def unused_invitations(survey: Survey) -> dict[str, int]:
    counts = survey.invitations.aggregate(
        unused=Count("pk", filter=Q(used=False)), used=Count("pk", filter=Q(used=True))
    )
    return counts


def results_version(survey: Survey) -> str:
    """A short digest of everything a survey's results depend on (for caching them)."""
    from arp_portal.core.models import Ethnicity

    responses = Response.objects.filter(survey=survey).count()
    approved = FreeTextAnswer.objects.filter(
        response__survey=survey, status=ModerationStatus.APPROVED
    ).count()
    labels = list(Ethnicity.objects.values_list("code", "label"))
    parts = (responses, approved, labels, survey.questions_version, survey.reporting_threshold)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
