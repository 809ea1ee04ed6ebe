"""Compute: counts from Postgres (selectors), suppressed (suppression.py), with Wilson
intervals, as SurveyResults. Nothing here formats a sentence or draws a chart (present.py)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q

from arp_portal.core.models import StaffMember
from arp_portal.statistics.intervals import wilson_interval
from surveys import selectors, services
from surveys.models import DisclosureMode, Survey
from surveys.results.groups import (
    ALL,
    BLACK_OR_ASIAN,
    SUPPRESSED,
    _parse_view,
    _question_groups,
    _view_label,
    ethnic_groups,
    result_options,
)
from surveys.results.suppression import _by_question, _cells_decided, _groups_decided
from surveys.results.tables import Cell, GroupRow, QuestionResult, SurveyResults, _one_place


def compute(
    survey: Survey, *, view: str = "", questions=None, release=None, labels=None
) -> SurveyResults:
    """Every question's suppressed table for one view ("" for all respondents), from the
    release the results show (services.results_release_current)."""
    questions = questions if questions is not None else selectors.survey_questions(survey)
    dimension, value, values = _parse_view(view, questions)
    if release is None:
        release = services.results_release_current(survey=survey, questions=questions)
    labels = labels if labels is not None else selectors.ethnicity_labels()
    groups = ethnic_groups(labels)
    label = _view_label(questions, dimension, value)
    if release is None:
        return SurveyResults(
            survey=survey,
            view=view,
            view_label=label,
            respondents=None,
            sizes=[],
            questions=[],
            threshold=survey.reporting_threshold,
            withheld=_withheld(survey),
        )
    threshold = release.threshold
    raw_answers = _by_question(selectors.answer_counts(release, by=dimension))
    if survey.disclosure_mode == DisclosureMode.CELLS:
        decided_by = _cells_decided(
            questions, groups, dimension, value, values, release, raw_answers
        )
    else:
        decided_by = _groups_decided(questions, groups, dimension, value, release, raw_answers)
    groups, decided, size_counts, hidden_sizes, shown_view = decided_by

    def size_of(group):
        key = ("size", shown_view, group.key)
        return None if key in hidden_sizes else size_counts[key]

    size_rows = [GroupRow(group, size_of(group), []) for group in groups]
    results = []
    for question in questions:
        if dimension and question.is_demographic:
            # Not in a filtered view: its counts would be the cross-tabs of the filters.
            continue
        if question.pk not in decided:
            if question.is_free_text and not dimension:
                # Its answers are on their own page (written_answers).
                results.append(QuestionResult(question, [], []))
            continue
        counts, hidden = decided[question.pk]
        options = result_options(question)
        rows = []
        for group in _question_groups(question, groups):
            size = size_of(group)
            cells = []
            for option in options:
                key = ("cell", shown_view, question.pk, option.pk, group.key)
                if key in hidden or size is None:
                    cells.append(Cell(None, None, None, None))
                    continue
                n = counts[key]
                low, high = wilson_interval(n, size) if size else (None, None)
                cells.append(
                    Cell(
                        n,
                        n / size * 100 if size else None,
                        low * 100 if low is not None else None,
                        high * 100 if high is not None else None,
                    )
                )
            rows.append(GroupRow(group, size, cells))
        results.append(QuestionResult(question, options, rows))

    return SurveyResults(
        survey=survey,
        view=view,
        view_label=label,
        respondents=size_of(groups[0]),
        sizes=size_rows,
        questions=results,
        threshold=threshold,
        release=release,
    )


def _withheld(survey: Survey) -> str:
    """Why a survey with no release to show shows nothing: held back until it closes, its
    first responses still with the worker (checked before anything is shown), or none."""
    if survey.results_hidden_until_closed:
        return "until_closed"
    if survey.responses.exists() or survey.held.exists():
        return "being_prepared"
    return "no_responses"


@dataclass(frozen=True)
class WrittenAnswer:
    question_pk: int
    question: str
    group_key: str
    group_label: str
    text: str


def written_answers(survey: Survey, results: SurveyResults) -> list[WrittenAnswer]:
    """Approved (moderated) answers, each under the respondent's major group, only for groups
    the unfiltered results show (the disclosure policy's decision) and at or above the survey's
    free-text threshold. Answers from people who did not give their ethnic group are not
    shown: "not given" is no group a reader can weigh an answer against."""
    if results.view:
        raise ValueError("Written answers are given for all respondents only.")
    threshold = survey.free_text_threshold
    majors = [row for row in results.sizes if row.group.kind == "major"]
    majors = [row for row in majors if row.group.key != "not_stated"]
    questions = {r.question.pk: r.question for r in results.questions if r.question.is_free_text}
    answers = []
    for question_id, code, text in selectors.approved_free_text(survey):
        question = questions.get(question_id)
        row = next((r for r in majors if code in r.group.codes), None)
        if question is None or row is None or row.size is None or row.size < threshold:
            continue
        answers.append(WrittenAnswer(question.pk, question.text, row.group.key,
                                     row.group.label, text))  # fmt: skip
    return answers


COMPARED_GROUPS = (ALL, BLACK_OR_ASIAN, "major:White")


def _wave_cells(wave: Survey) -> dict[tuple[str, str, str], str]:
    """(question code, option code, group key) -> shown percentage or "c", for one wave."""
    questions = selectors.survey_questions(wave)
    cells = {}
    published = getattr(wave, "published", None) if wave.responses_deleted_on else None
    if published is not None:
        code_of = {q.text: q for q in questions}
        group_key = {g.label: g.key for g in ethnic_groups()}
        for row in published.rows:
            question = code_of.get(row["question"])
            if question is None:
                continue
            option = next((o for o in result_options(question) if o.label == row["option"]), None)
            key = group_key.get(row["group"])
            if option and key in COMPARED_GROUPS:
                value = SUPPRESSED if row["suppressed"] == "true" else row["percent"]
                cells[(question.code, option.code, key)] = value
        return cells
    if wave.responses_deleted_on:
        return cells
    computed = compute_cached(wave, questions=questions)
    for result in computed.questions:
        for row in result.rows:
            if row.group.key not in COMPARED_GROUPS:
                continue
            for option, cell in zip(result.options, row.cells, strict=True):
                value = SUPPRESSED if cell.suppressed else _one_place(cell.percent)
                cells[(result.question.code, option.code, row.group.key)] = value
    return cells


def wave_comparison(survey: Survey, current: SurveyResults) -> list[Survey]:
    """Attach to each question the same question's percentages in the earlier waves.

    Returns the waves compared, oldest first (empty when this is the first wave)."""
    earlier = selectors.survey_waves(survey)[:-1]
    if not earlier:
        return []
    by_wave = [(wave, _wave_cells(wave)) for wave in earlier]
    labels = {g.key: g.label for g in ethnic_groups()}
    for result in current.questions:
        if not result.options or result.question.is_demographic:
            continue
        rows = []
        for group_key in COMPARED_GROUPS:
            current_row = next((r for r in result.rows if r.group.key == group_key), None)
            for wave, cells in by_wave:
                values = [
                    cells.get((result.question.code, o.code, group_key)) for o in result.options
                ]
                if any(v is not None for v in values):
                    rows.append(
                        {
                            "group": labels[group_key],
                            "wave": wave.title,
                            "values": [v if v is not None else "not asked" for v in values],
                        }
                    )
            if current_row is not None and rows:
                rows.append(
                    {
                        "group": labels[group_key],
                        "wave": survey.title,
                        "values": [
                            SUPPRESSED if c.suppressed else _one_place(c.percent)
                            for c in current_row.cells
                        ],
                    }
                )
        result.waves = rows
    return earlier


def compute_cached(survey: Survey, *, view: str = "", questions=None) -> SurveyResults:
    """compute(), kept in Django's cache under a key that changes with every write that affects
    the results (Survey.results_version, bumped by services.results_changed) and with the
    release shown: a closed survey's results are worked out once."""
    release = services.results_release_current(survey=survey, questions=questions)
    seconds = settings.SURVEY_RESULTS_CACHE_SECONDS
    if not seconds or release is None:
        return compute(survey, view=view, questions=questions, release=release)
    # The survey's results_version as read just now (not only the release's: a moderation
    # edit reaches the page before the worker has made the next release).
    version = getattr(release, "read_at_version", release.checked_version)
    key = f"survey-results:{survey.pk}:{view}:{version}:{release.number}:{release.threshold}"
    computed = cache.get(key)
    if computed is None:
        computed = compute(survey, view=view, questions=questions, release=release)
        computed.cache_key = key
        cache.set(key, computed, timeout=seconds)
    return computed


# --- Response rates ----------------------------------------------------------------------------

STAFF_THRESHOLD = 10  # the workforce dashboard's policy: no figure about fewer than 10 people
RATE_GROUP_KINDS = ("all", "comparison", "major")


@dataclass(frozen=True)
class ResponseRate:
    label: str
    respondents: int | None  # None: the group is hidden by the survey's disclosure policy
    staff: int | None  # None: fewer than STAFF_THRESHOLD in post (or the group is hidden)

    @property
    def rate(self) -> float | None:
        if self.respondents is None or not self.staff:
            return None
        return self.respondents / self.staff * 100

    @property
    def rate_text(self) -> str:
        return "" if self.rate is None else f"{self.rate:.0f}%"


@dataclass(frozen=True)
class ResponseRates:
    as_of: object  # the date staff in post are counted on
    rows: list[ResponseRate]

    @property
    def overall(self) -> ResponseRate | None:
        return self.rows[0] if self.rows else None


def staff_counted_on(survey: Survey, today=None):
    """Staff in post are counted on the day the survey closed, or today while it is open."""
    today = today or dt.date.today()
    return min(survey.closes_on, today)


def staff_in_post_by_code(on) -> dict[str, int]:
    """Staff in post on a date by DfE ethnicity code, from the workforce data."""
    in_post = Q(start_date__lte=on) & (Q(leaving_date__isnull=True) | Q(leaving_date__gte=on))
    rows = StaffMember.objects.filter(in_post).values("ethnicity_id").annotate(n=Count("id"))
    return {row["ethnicity_id"]: row["n"] for row in rows}


def response_rates(results: SurveyResults, staff_by_code: dict[str, int], as_of) -> ResponseRates:
    """Respondents against staff in post, overall and by ethnic group, for the unfiltered
    results. A group the survey's disclosure policy hides has no rate (its respondents would
    be given away by the rate), and neither has a group with fewer than 10 staff in post.
    "All respondents" counts everyone who answered against every member of staff; the groups
    count those who gave their ethnic group against staff recorded in it."""
    if results.view or not staff_by_code:
        return ResponseRates(as_of, [])
    total_staff = sum(staff_by_code.values())
    rows = []
    for row in results.sizes:
        if row.group.kind not in RATE_GROUP_KINDS or row.group.key == "not_stated":
            continue
        if row.group.key == ALL:
            staff = total_staff
        else:
            staff = sum(n for code, n in staff_by_code.items() if code in row.group.codes)
        if staff == 0 and not row.size:
            continue
        # No staff recorded is a known zero (and no rate); a few staff are hidden, as on the
        # workforce dashboard; so are the staff of a group whose results are hidden.
        small = 0 < staff < STAFF_THRESHOLD
        shown_staff = None if small or row.size is None else staff
        rows.append(ResponseRate(row.group.label, row.size, shown_staff))
    return ResponseRates(as_of, rows)
