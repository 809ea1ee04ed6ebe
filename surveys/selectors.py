"""Reads: intake pages, survey lists, and the counts that results are built from (GROUP BY)."""

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
    ReleasedTally,
    Response,
    ResultsRelease,
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


def live_respondents(survey: Survey) -> list[tuple[str, str, str, str, int]]:
    """Respondents by (ethnicity, role, grade band, locality), counted now: what a new release
    of the results would hold."""
    rows = (
        Response.objects.filter(survey=survey)
        .values_list("ethnicity", "role", "grade_band", "locality")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [tuple(row) for row in rows]


def group_sizes(release: ResultsRelease, *, by: str | None = None) -> dict[tuple[str, str], int]:
    """Respondents in a release by (ethnicity code, value of `by`); "" is "prefer not to say"."""
    position = {"role": 1, "grade": 2, "locality": 3}.get(by or "")
    sizes: dict[tuple[str, str], int] = {}
    for row in release.respondents:
        key = (row[0], row[position] if position else "")
        sizes[key] = sizes.get(key, 0) + row[4]
    return sizes


def answer_counts(
    release: ResultsRelease, *, by: str | None = None, question_codes=None
) -> dict[tuple[int, int, str, str], int]:
    """Chosen options in a release by (question id, option id, ethnicity code, value of `by`).

    One GROUP BY over the release's copy of the tally (ADR 014), which holds the same counts as
    the answers table in a few hundredths of the rows."""
    fields = ["question_id", "option_id", "ethnicity"] + ([FILTER_FIELDS[by]] if by else [])
    cells = ReleasedTally.objects.filter(release=release)
    if question_codes is not None:
        cells = cells.filter(question__code__in=question_codes)
    rows = cells.values_list(*fields).annotate(n=Sum("respondents")).order_by()
    if by:
        return {(q, o, e, v): n for q, o, e, v, n in rows}
    return {(q, o, e, ""): n for q, o, e, n in rows}


def live_answer_counts(
    survey: Survey, *, by: str | None = None
) -> dict[tuple[int, int, str, str], int]:
    """The same counts from the live tally (tests and the tally's own checks)."""
    fields = ["question_id", "option_id", "ethnicity"] + ([FILTER_FIELDS[by]] if by else [])
    rows = (
        AnswerTally.objects.filter(survey=survey)
        .values_list(*fields)
        .annotate(n=Sum("respondents"))
        .order_by()
    )
    if by:
        return {(q, o, e, v): n for q, o, e, v, n in rows}
    return {(q, o, e, ""): n for q, o, e, n in rows}


def current_release(survey: Survey) -> ResultsRelease | None:
    return ResultsRelease.objects.filter(survey=survey).order_by("-number").first()


def seen_releases(survey: Survey) -> list[ResultsRelease]:
    return list(ResultsRelease.objects.filter(survey=survey, seen=True).order_by("number"))


def approved_free_text(survey: Survey) -> list[tuple[int, str, str]]:
    """(question id, respondent's ethnicity code, moderated text) of approved answers."""
    return list(
        FreeTextAnswer.objects.filter(response__survey=survey, status=ModerationStatus.APPROVED)
        .order_by("question_id", "pk")
        .values_list("question_id", "response__ethnicity", "moderated_text")
    )


def survey_waves(survey: Survey) -> list[Survey]:
    """This survey and the waves before it, oldest first."""
    waves: list[Survey] = []
    seen: set[int] = set()
    current: Survey | None = survey
    while current is not None and current.pk not in seen:
        waves.append(current)
        seen.add(current.pk)
        current = current.previous_wave
    return list(reversed(waves))


def unused_invitations(survey: Survey) -> dict[str, int]:
    counts = survey.invitations.aggregate(
        unused=Count("pk", filter=Q(used=False)), used=Count("pk", filter=Q(used=True))
    )
    return counts


def ethnicity_labels() -> dict[str, str]:
    from arp_portal.core.models import Ethnicity

    return dict(Ethnicity.objects.values_list("code", "label"))
