"""Every write to the survey tables (HackSoft-style services: typed, keyword-only, atomic).

The task worker's two jobs for the surveys (write_held_submissions, prepare_release) are
defined here, beside the writes they run and the writes that queue them."""

import datetime as dt
import logging
import random
import secrets
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django_tasks import task, task_backends
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from arp_portal.statistics.group_threshold import is_small, release_step_problems
from surveys import publication, selectors
from surveys.models import (
    DEMOGRAPHIC_KINDS,
    KINDS_WITH_OWN_OPTIONS,
    PREFER_NOT_TO_SAY,
    Answer,
    AnswerTally,
    FollowUpVolunteer,
    FreeTextAnswer,
    HeldSubmission,
    Invitation,
    ModerationStatus,
    Option,
    PublishedResults,
    Question,
    QuestionKind,
    ReleasedTally,
    Response,
    ResultsRelease,
    Survey,
    SurveyAccess,
    SurveyStatus,
)
from surveys.questionnaire import (
    EXCLUSIVE_OPTION_CODES,
    RACISM_TEMPLATE,
    RACISM_TEMPLATE_INTRODUCTION,
    RACISM_TEMPLATE_PRIVACY,
    RACISM_TEMPLATE_TITLE,
    standard_options,
    with_prefer_not_to_say,
)
from surveys.results.groups import ethnic_groups, filter_values
from surveys.sealing import seal, unseal

logger = logging.getLogger(__name__)

RESERVED_SLUGS = {"manage", "new"}
FREE_TEXT_MAX_LENGTH = 3000
INVITATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I


class QuestionsFrozen(ValidationError):
    def __init__(self):
        super().__init__(
            "This survey has responses, so its questions cannot change. Copy it as a new wave "
            "to ask different questions."
        )


def _check_slug(slug: str, *, survey: Survey | None = None) -> None:
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": f"“{slug}” is used by the portal: choose another."})
    clash = Survey.objects.filter(slug=slug)
    if survey is not None:
        clash = clash.exclude(pk=survey.pk)
    if clash.exists():
        raise ValidationError({"slug": "Another survey already uses this web address."})


@transaction.atomic
def survey_create(*, created_by=None, **fields) -> Survey:
    survey = Survey(created_by=created_by, **fields)
    _check_slug(survey.slug)
    survey.full_clean()
    survey.save()
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, **fields) -> Survey:
    if "slug" in fields and fields["slug"] != survey.slug:
        if _has_answers(survey):
            raise ValidationError({"slug": "The web address cannot change once people answer."})
        _check_slug(fields["slug"], survey=survey)
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.full_clean()
    survey.save()
    # The threshold, the disclosure mode and when results show all change what they show.
    results_changed(survey=survey)
    return survey


@transaction.atomic
def survey_set_status(*, survey: Survey, status: str) -> Survey:
    if status == SurveyStatus.OPEN:
        if not survey.questions.exclude(kind=QuestionKind.FREE_TEXT).exists():
            raise ValidationError("Add at least one question before opening the survey.")
        if survey.responses_deleted_on:
            raise ValidationError("This survey's responses have been deleted: it cannot reopen.")
    if status == SurveyStatus.DRAFT and _has_answers(survey):
        raise ValidationError("A survey with responses cannot go back to draft.")
    survey.status = status
    survey.full_clean()
    survey.save(update_fields=["status"])
    if status == SurveyStatus.CLOSED:
        # Whatever is still held is written now, however few (docs/surveys.md).
        survey_id = survey.pk
        transaction.on_commit(lambda: _enqueue_held_write(survey_id, at_close=True))
    results_changed(survey=survey)  # results held back until closing show now
    return survey


def _has_answers(survey: Survey) -> bool:
    """Written responses, or responses sent and waiting to be written."""
    return survey.responses.exists() or HeldSubmission.objects.filter(survey=survey).exists()


def _ensure_editable(survey: Survey) -> None:
    if _has_answers(survey) or survey.responses_deleted_on:
        raise QuestionsFrozen()
    Survey.objects.filter(pk=survey.pk).update(
        questions_version=F("questions_version") + 1, results_version=F("results_version") + 1
    )


def _option_list(kind: str, options: list[tuple[str, str]] | None) -> list[tuple[str, str]]:
    if kind == QuestionKind.FREE_TEXT:
        return []
    if kind in KINDS_WITH_OWN_OPTIONS:
        if not options or len(options) < 2:
            raise ValidationError({"options": "Enter at least 2 options, one on each line"})
        return with_prefer_not_to_say(options)
    fixed = standard_options(kind)
    if fixed is None:
        raise ValueError(f"Unknown kind of question: {kind!r}")
    return with_prefer_not_to_say(fixed)


def options_from_lines(text: str) -> list[tuple[str, str]]:
    """Options typed one a line; codes are made from the labels and kept unique."""
    options, seen = [], set()
    for line in text.splitlines():
        label = line.strip()
        if not label:
            continue
        code = slugify(label).replace("-", "_")[:55] or "option"
        if label.lower() in {"none", "none of these", "none of the above"}:
            code = "none"
        base, n = code, 2
        while code in seen or code == PREFER_NOT_TO_SAY:
            code = f"{base}_{n}"
            n += 1
        seen.add(code)
        options.append((code, label))
    return options


def _unique_code(survey: Survey, text: str, *, exclude: Question | None = None) -> str:
    base = slugify(text).replace("-", "_")[:50] or "question"
    taken = set(survey.questions.values_list("code", flat=True))
    if exclude is not None:
        taken.discard(exclude.code)
    code, n = base, 2
    while code in taken:
        code = f"{base}_{n}"
        n += 1
    return code


@transaction.atomic
def question_add(
    *,
    survey: Survey,
    kind: str,
    text: str,
    hint: str = "",
    section: str = "",
    options: list[tuple[str, str]] | None = None,
    code: str = "",
) -> Question:
    _ensure_editable(survey)
    if kind in DEMOGRAPHIC_KINDS and survey.questions.filter(kind=kind).exists():
        raise ValidationError({"kind": "This survey already asks that question about people."})
    option_list = _option_list(kind, options)
    position = (survey.questions.aggregate(last=Max("position"))["last"] or 0) + 1
    question = Question(
        survey=survey,
        position=position,
        kind=kind,
        text=text,
        hint=hint,
        section=section,
        code=code or _unique_code(survey, text),
    )
    question.full_clean()
    question.save()
    Option.objects.bulk_create(
        Option(question=question, position=i, code=c, label=label)
        for i, (c, label) in enumerate(option_list, start=1)
    )
    return question


@transaction.atomic
def question_update(
    *,
    question: Question,
    text: str,
    hint: str = "",
    section: str = "",
    options: list[tuple[str, str]] | None = None,
) -> Question:
    _ensure_editable(question.survey)
    question.text, question.hint, question.section = text, hint, section
    question.full_clean()
    question.save()
    if question.kind in KINDS_WITH_OWN_OPTIONS and options is not None:
        option_list = _option_list(question.kind, options)
        question.options.all().delete()
        Option.objects.bulk_create(
            Option(question=question, position=i, code=c, label=label)
            for i, (c, label) in enumerate(option_list, start=1)
        )
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    survey = question.survey
    _ensure_editable(survey)
    question.delete()
    # Close the gap so positions stay 1..n.
    for position, q in enumerate(survey.questions.order_by("position"), start=1):
        if q.position != position:
            Question.objects.filter(pk=q.pk).update(position=position)


@transaction.atomic
def question_move(*, question: Question, direction: int) -> None:
    survey = question.survey
    _ensure_editable(survey)
    neighbour = (
        survey.questions.filter(position__lt=question.position).order_by("-position").first()
        if direction < 0
        else survey.questions.filter(position__gt=question.position).order_by("position").first()
    )
    if neighbour is None:
        return
    mine, theirs = question.position, neighbour.position
    # Swap through a free position so the unique constraint holds at every step.
    Question.objects.filter(pk=question.pk).update(position=32000)
    Question.objects.filter(pk=neighbour.pk).update(position=mine)
    Question.objects.filter(pk=question.pk).update(position=theirs)


def _default_dates(today: dt.date) -> dict:
    return {
        "opens_on": today,
        "closes_on": today + dt.timedelta(days=56),
        "retain_responses_until": today + dt.timedelta(days=56 + 365 * 2),
    }


@transaction.atomic
def survey_create_from_template(
    *, title: str = "", slug: str = "", created_by=None, today: dt.date | None = None
) -> Survey:
    today = today or timezone.localdate()
    title = title or f"{RACISM_TEMPLATE_TITLE} {today.year}"
    survey = survey_create(
        created_by=created_by,
        slug=slug or slugify(title),
        title=title,
        introduction=RACISM_TEMPLATE_INTRODUCTION,
        privacy_text=RACISM_TEMPLATE_PRIVACY,
        **_default_dates(today),
    )
    for item in RACISM_TEMPLATE:
        question_add(
            survey=survey,
            kind=item.kind,
            text=item.text,
            hint=item.hint,
            section=item.section,
            options=item.options or None,
            code=item.code,
        )
    return survey


def next_wave_title(title: str) -> str:
    words = title.split()
    if words and words[-1].isdigit() and len(words[-1]) == 4:
        return " ".join([*words[:-1], str(int(words[-1]) + 1)])
    return f"{title} (next wave)"


@transaction.atomic
def survey_copy_as_next_wave(
    *, survey: Survey, title: str, slug: str, created_by=None, today: dt.date | None = None
) -> Survey:
    """A new draft with the same questions and codes, so results compare across the waves."""
    today = today or timezone.localdate()
    wave = survey_create(
        created_by=created_by,
        slug=slug,
        title=title,
        introduction=survey.introduction,
        privacy_text=survey.privacy_text,
        reporting_threshold=survey.reporting_threshold,
        access=survey.access,
        previous_wave=survey,
        **_default_dates(today),
    )
    for question in survey.questions.prefetch_related("options"):
        copy = Question.objects.create(
            survey=wave,
            position=question.position,
            kind=question.kind,
            text=question.text,
            hint=question.hint,
            section=question.section,
            code=question.code,
        )
        Option.objects.bulk_create(
            Option(question=copy, position=o.position, code=o.code, label=o.label)
            for o in question.options.all()
        )
    return wave


# --- Invitations -------------------------------------------------------------------------


def normalise_invitation_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def invitation_hash(code: str) -> str:
    """A keyed hash: without the server's secret, the stored hashes cannot be tested against
    guessed codes."""
    return salted_hmac("arp.surveys.invitation", normalise_invitation_code(code)).hexdigest()


@transaction.atomic
def invitations_create(*, survey: Survey, count: int) -> list[str]:
    """Makes `count` codes and returns them: this is the only time they exist in plain text."""
    if survey.access != SurveyAccess.INVITATION:
        raise ValidationError("This survey is open to anyone with the link: it needs no codes.")
    if not 1 <= count <= 5000:
        raise ValidationError({"count": "Enter a number of codes between 1 and 5000"})
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(INVITATION_ALPHABET) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    Invitation.objects.bulk_create(
        Invitation(survey=survey, code_hash=invitation_hash(code)) for code in codes
    )
    return codes


def invitation_is_valid(*, survey: Survey, code: str) -> bool:
    return Invitation.objects.filter(
        survey=survey, code_hash=invitation_hash(code), used=False
    ).exists()


# --- Responses -----------------------------------------------------------------------------

DEMOGRAPHIC_FIELD = {
    QuestionKind.ETHNICITY: "ethnicity",
    QuestionKind.ROLE: "role",
    QuestionKind.GRADE: "grade_band",
    QuestionKind.LOCALITY: "locality",
}


def validate_answers(questions, answers: Mapping[str, object]) -> dict[int, list[str] | str]:
    """Checks answers ({str(question id): code | [codes] | text}) against the questions.

    Returns {question id: [option codes]} for choice questions and {id: text} for free text.
    """
    clean: dict[int, list[str] | str] = {}
    for question in questions:
        value = answers.get(str(question.pk))
        if question.is_free_text:
            text = (value or "").strip() if isinstance(value, str) else ""
            if len(text) > FREE_TEXT_MAX_LENGTH:
                raise ValidationError(f"Answer to “{question.text}” is too long.")
            if text:
                clean[question.pk] = text
            continue
        given = value if isinstance(value, list) else [value] if value else []
        valid = {o.code for o in question.options.all()}
        codes = [c for c in given if isinstance(c, str) and c in valid]
        if not given or len(codes) != len(given):
            raise ValidationError(f"Question “{question.text}” has not been answered.")
        if len(codes) > 1 and (not question.is_multiple or EXCLUSIVE_OPTION_CODES & set(codes)):
            raise ValidationError(
                f"Question “{question.text}” has answers that cannot go together."
            )
        clean[question.pk] = list(dict.fromkeys(codes))
    return clean


def _demographics(questions, clean: Mapping[int, list[str] | str]) -> dict[str, str]:
    demographics = {"ethnicity": "", "role": "", "grade_band": "", "locality": ""}
    for question in questions:
        field_name = DEMOGRAPHIC_FIELD.get(question.kind)
        if field_name and question.pk in clean:
            code = clean[question.pk][0]
            demographics[field_name] = "" if code == PREFER_NOT_TO_SAY else code
    return demographics


def _use_invitation(survey: Survey, invitation_code_hash: str) -> None:
    if survey.access == SurveyAccess.INVITATION:
        used = Invitation.objects.filter(
            survey=survey, code_hash=invitation_code_hash, used=False
        ).update(used=True)
        if used != 1:
            raise ValidationError("This invitation code has already been used or is not valid.")


def _response_write(
    survey: Survey, questions, clean: Mapping[int, list[str] | str], submitted_on: dt.date
) -> Response:
    """Inserts one checked response, its answers and its tally counts."""
    demographics = _demographics(questions, clean)
    response = Response(survey=survey, submitted_on=submitted_on, **demographics)
    # The survey and the new id need no look-up; the demographic codes are checked.
    response.full_clean(exclude={"id", "survey"}, validate_unique=False)
    response.save(force_insert=True)

    rows: list[Answer] = []
    texts: list[FreeTextAnswer] = []
    for question in questions:
        value = clean.get(question.pk)
        if value is None:
            continue
        if question.is_free_text:
            assert isinstance(value, str)  # validate_answers gives a free-text answer as text
            texts.append(FreeTextAnswer(response=response, question=question, text=value))
            continue
        by_code = {o.code: o for o in question.options.all()}
        rows.extend(
            Answer(
                response=response,
                option=by_code[code],
                question=question,
                survey=survey,
                **demographics,
            )
            for code in value
        )
    Answer.objects.bulk_create(rows)
    FreeTextAnswer.objects.bulk_create(texts)
    _tally_add(survey, [(a.question_id, a.option_id) for a in rows], demographics)
    results_changed(survey=survey)
    return response


@transaction.atomic
def response_submit(
    *,
    survey: Survey,
    answers: Mapping[str, object],
    invitation_code_hash: str = "",
    questions: list[Question] | None = None,
) -> Response:
    """Stores one response at once: the survey, the answers and today's date. Nothing else.

    For loading responses that were never sent through the intake (demo data, tests,
    benchmarks). The intake holds what people send instead (response_hold), because a response
    written on its own has a transaction id of its own (docs/surveys.md, "Anonymity").
    """
    today = timezone.localdate()
    if not survey.accepts_responses_on(today):
        raise ValidationError("This survey is not taking responses.")
    _use_invitation(survey, invitation_code_hash)
    if questions is None:
        questions = list(survey.questions.prefetch_related("options"))
    clean = validate_answers(questions, answers)
    return _response_write(survey, questions, clean, today)


# --- Held submissions: what people send waits, sealed, and is written in shuffled batches ------

RESPONSE, OFFER_TO_TALK = "response", "offer_to_talk"


def _hold(survey: Survey, item: dict) -> None:
    """Holds one sealed submission, and queues the write of a batch: when the held count
    reaches a multiple of the threshold (the threshold itself, or twice it where offers to talk
    held among the first left fewer than the threshold of responses to write), and no write
    of the survey's is waiting or running. Not by every submission after the threshold, as it
    was: the task queue (and the worker's log) would time almost every submission. The
    housekeeping catches whatever this misses (two submissions at once that both skip the
    multiple, a queue that refused the task)."""
    HeldSubmission.objects.create(survey=survey, sealed=seal(item, context=str(survey.pk)))
    held = HeldSubmission.objects.filter(survey=survey).count()
    if held % survey.reporting_threshold == 0 and not _held_write_pending(survey.pk):
        survey_id = survey.pk
        transaction.on_commit(lambda: _enqueue_held_write(survey_id))


def _held_write_pending(survey_id: int) -> bool:
    """Whether the database queue holds a write of the survey's held submissions that has not
    finished (waiting or running). Other backends keep no queue to look at. (The survey's
    tasks share one backend; the path is spelt out, as the task table stores it.)"""
    if not isinstance(task_backends[prepare_release.backend], DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        status__in=["READY", "RUNNING"],
        task_path=f"{__name__}.write_held_submissions",
        args_kwargs__args=[survey_id],
    ).exists()


def _enqueue_held_write(survey_id: int, *, at_close: bool = False) -> None:
    """After the commit: what was sent is already held, so a queue that cannot take the task
    must not turn the person's confirmation into an error (they might send again). The
    periodic housekeeping writes whatever is due in any case."""
    try:
        write_held_submissions.enqueue(survey_id, at_close=at_close)
    except Exception:
        logger.exception("Could not queue the write of survey %s's held submissions", survey_id)


@transaction.atomic
def response_hold(
    *,
    survey: Survey,
    answers: Mapping[str, object],
    invitation_code_hash: str = "",
    questions: list[Question] | None = None,
) -> None:
    """Takes one response from the intake: checks it, marks its invitation code used, and
    holds it sealed until held_submissions_write writes it among at least the survey's
    threshold of others."""
    today = timezone.localdate()
    if not survey.accepts_responses_on(today):
        raise ValidationError("This survey is not taking responses.")
    _use_invitation(survey, invitation_code_hash)
    if questions is None:
        questions = list(survey.questions.prefetch_related("options"))
    clean = validate_answers(questions, answers)
    _hold(
        survey,
        {
            "kind": RESPONSE,
            "answers": {str(pk): value for pk, value in clean.items()},
            "sent_on": today.isoformat(),
        },
    )


@transaction.atomic
def follow_up_hold(*, survey: Survey, name: str, contact: str, preferred_contact: str) -> None:
    """Takes an offer to talk: checked as it will be stored, then held like a response (and
    indistinguishable from one while held)."""
    today = timezone.localdate()
    FollowUpVolunteer(
        survey=survey,
        name=name,
        contact=contact,
        preferred_contact=preferred_contact,
        volunteered_on=today,
    ).full_clean()
    _hold(
        survey,
        {
            "kind": OFFER_TO_TALK,
            "name": name,
            "contact": contact,
            "preferred_contact": preferred_contact,
            "sent_on": today.isoformat(),
        },
    )


def held_count(survey: Survey) -> int:
    return HeldSubmission.objects.filter(survey=survey).count()


_TALLY_ORDER = "question_id, option_id, ethnicity, role, grade_band, locality"


def _rewrite_in_cell_order(cursor, table: str, key: str, value: int) -> None:
    """Deletes and inserts again a tally's rows (surveys_answertally by survey_id, or a
    release's copy by release_id), sorted by cell: they get this transaction's id, and new keys
    and a physical order that follow the cells, not the order the combinations first arrived
    in."""
    columns = f"{key}, {_TALLY_ORDER}, respondents"
    cursor.execute(
        f"CREATE TEMPORARY TABLE tally_rewrite ON COMMIT DROP AS"
        f" SELECT {columns} FROM {table} WHERE {key} = %s",
        [value],
    )
    cursor.execute(f"DELETE FROM {table} WHERE {key} = %s", [value])
    cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM tally_rewrite"
        f" ORDER BY {_TALLY_ORDER}"
    )
    cursor.execute("DROP TABLE tally_rewrite")


def _releases_trimmed(survey: Survey) -> None:
    """Every release but the last keeps only what readers were shown: the sizes of the groups
    it showed (all the release step check needs), not its respondents by demographics nor the
    sizes of its hidden groups, which side by side would date a rare combination of answers
    to the interval between two releases."""
    releases = ResultsRelease.objects.filter(survey=survey).order_by("-number")[1:]
    for release in releases:
        hidden = set(release.hidden_groups)
        shown = {k: n for k, n in release.group_sizes.items() if k not in hidden}
        if release.respondents or shown != release.group_sizes:
            ResultsRelease.objects.filter(pk=release.pk).update(respondents=[], group_sizes=shown)


def _rewrite_written_rows(survey: Survey) -> None:
    """Gives every written row of the survey this transaction's id, so the batches written
    before leave no trace a SELECT can read (an UPDATE writes a new version of each row). The
    tally and the release's copy of it are written again in cell order (their keys followed
    the order combinations arrived in), and earlier releases keep only what they showed."""
    _releases_trimmed(survey)
    with connection.cursor() as cursor:
        _rewrite_in_cell_order(cursor, "surveys_answertally", "survey_id", survey.pk)
        for release_id in (
            ReleasedTally.objects.filter(release__survey=survey)
            .values_list("release_id", flat=True)
            .distinct()
        ):
            _rewrite_in_cell_order(cursor, "surveys_releasedtally", "release_id", release_id)
        cursor.execute(
            "UPDATE surveys_resultsrelease SET survey_id = survey_id WHERE survey_id = %s",
            [survey.pk],
        )
        cursor.execute(
            "UPDATE surveys_response SET survey_id = survey_id WHERE survey_id = %s", [survey.pk]
        )
        cursor.execute(
            "UPDATE surveys_answer SET survey_id = survey_id WHERE survey_id = %s", [survey.pk]
        )
        cursor.execute(
            "UPDATE surveys_freetextanswer SET question_id = question_id WHERE question_id IN"
            " (SELECT id FROM surveys_question WHERE survey_id = %s)",
            [survey.pk],
        )
        cursor.execute(
            "UPDATE surveys_followupvolunteer SET survey_id = survey_id WHERE survey_id = %s",
            [survey.pk],
        )


@transaction.atomic
def held_submissions_write(*, survey: Survey, at_close: bool = False) -> int:
    """Writes a survey's held submissions in one transaction, shuffled, and deletes them in it.

    Responses are written only when at least the survey's threshold of them wait, so each
    batch shares one transaction id among at least that many; offers to talk go with them.
    `at_close` (the survey has closed) writes whatever waits, however few, and rewrites every
    written row of the survey in the same transaction, so a small last batch cannot be told
    from the others. Returns the number of responses written."""
    held = list(HeldSubmission.objects.select_for_update(skip_locked=True).filter(survey=survey))
    if not held:
        if at_close:
            # Nothing left to write: the batches written before are rewritten all the same.
            _rewrite_written_rows(survey)
        return 0
    items = [unseal(row.sealed, context=str(survey.pk)) for row in held]
    responses = [item for item in items if item["kind"] == RESPONSE]
    offers = [item for item in items if item["kind"] == OFFER_TO_TALK]
    if not at_close and len(responses) < survey.reporting_threshold:
        return 0
    shuffle = random.SystemRandom().shuffle
    shuffle(responses)
    shuffle(offers)
    questions = list(survey.questions.prefetch_related("options"))
    known = {q.pk for q in questions}
    for item in responses:
        clean = {int(pk): value for pk, value in item["answers"].items() if int(pk) in known}
        _response_write(survey, questions, clean, dt.date.fromisoformat(item["sent_on"]))
    FollowUpVolunteer.objects.bulk_create(
        FollowUpVolunteer(
            survey=survey,
            name=item["name"],
            contact=item["contact"],
            preferred_contact=item["preferred_contact"],
            volunteered_on=dt.date.fromisoformat(item["sent_on"]),
        )
        for item in offers
    )
    HeldSubmission.objects.filter(pk__in=[row.pk for row in held]).delete()
    if at_close:
        _rewrite_written_rows(survey)
    return len(responses)


def held_submissions_write_due(*, today: dt.date | None = None) -> int:
    """Every survey's held submissions that are due: a full batch, or a closed survey's rest.
    For the worker's housekeeping, which catches anything a submission's own task missed."""
    today = today or timezone.localdate()
    written = 0
    for survey in Survey.objects.filter(held__isnull=False).distinct():
        written += held_submissions_write(
            survey=survey, at_close=not survey.accepts_responses_on(today)
        )
    return written


@task()
def write_held_submissions(survey_id: int, *, at_close: bool = False) -> int:
    """The worker writes a survey's held submissions once a batch is due (held_submissions_write).
    Queued when a submission brings the held count to a multiple of the threshold (_hold) and
    when a survey closes; the housekeeping catches anything these miss (a worker that was down)."""
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    return held_submissions_write(survey=survey, at_close=at_close)


def results_changed(*, survey: Survey) -> None:
    """Every write that changes what a survey's results could show calls this, in the same
    transaction: a new response (where the tally is written), moderation, the survey's
    settings, its questions. The results cache is keyed on the version, so nothing cached
    outlives the write. Ethnicity labels bump every survey's (surveys.apps).

    The release the results show is rebuilt by the task worker (results_release_prepare),
    queued here once: a task already waiting for the survey covers this write too, since it
    reads the data when it runs. The task row is written in the write's transaction, so the
    worker sees the write when it sees the task."""
    Survey.objects.filter(pk=survey.pk).update(results_version=F("results_version") + 1)
    release_prepare_enqueue(survey.pk)


def _tasks_run_where_queued() -> bool:
    """ARP_TASKS_BACKEND=immediate (a one-process setup, and the tests): no worker, a task
    runs in the thread that queues it."""
    return isinstance(task_backends[prepare_release.backend], ImmediateBackend)


def release_prepare_enqueue(survey_id: int) -> None:
    """Queue the survey's release for the task worker, unless a task for it is waiting. With
    no worker (tasks run where they are queued) the release is prepared where it is read
    instead, once, rather than at every write (results_release_current)."""
    if _tasks_run_where_queued():
        return
    if isinstance(task_backends[prepare_release.backend], DatabaseBackend):
        waiting = DBTaskResult.objects.filter(
            status="READY",
            task_path=prepare_release.module_path,
            args_kwargs={"args": [survey_id], "kwargs": {}},
        )
        if waiting.exists():
            return
    prepare_release.enqueue(survey_id)


_TALLY_CELL = "survey_id, question_id, option_id, ethnicity, role, grade_band, locality"


def _tally_add(survey: Survey, chosen: list[tuple[int, int]], demographics: dict) -> None:
    """One more respondent in each chosen option's cell, in one statement. Cells are taken in
    a fixed order, so two responses sent at once wait for each other and never deadlock."""
    if not chosen:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO surveys_answertally AS t ({_TALLY_CELL}, respondents)
            SELECT %s, a.question_id, a.option_id, %s, %s, %s, %s, 1
              FROM unnest(%s::bigint[], %s::bigint[]) AS a(question_id, option_id)
             ORDER BY a.question_id, a.option_id
            ON CONFLICT ({_TALLY_CELL}) DO UPDATE SET respondents = t.respondents + 1
            """,
            [
                survey.pk,
                demographics["ethnicity"],
                demographics["role"],
                demographics["grade_band"],
                demographics["locality"],
                [question for question, _ in chosen],
                [option for _, option in chosen],
            ],
        )


@transaction.atomic
def answer_tally_rebuild(survey: Survey) -> int:
    """Counts a survey's stored answers afresh into its tally: for answers loaded in bulk (demo
    data, benchmarks) rather than through response_submit. Returns the number of cells."""
    AnswerTally.objects.filter(survey=survey).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO surveys_answertally ({_TALLY_CELL}, respondents)
            SELECT {_TALLY_CELL}, COUNT(*) FROM surveys_answer WHERE survey_id = %s
             GROUP BY {_TALLY_CELL}
            """,
            [survey.pk],
        )
        cells = cursor.rowcount
    results_changed(survey=survey)  # and the release is rebuilt from it, by the worker
    return cells


@transaction.atomic
def free_text_moderate(*, answer: FreeTextAnswer, moderated_text: str, status: str) -> None:
    if status == ModerationStatus.APPROVED and not moderated_text.strip():
        raise ValidationError({"moderated_text": "Enter the text to publish"})
    answer.moderated_text = moderated_text.strip()
    answer.status = status
    answer.full_clean()
    answer.save(update_fields=["moderated_text", "status"])
    # Re-editing an approved answer (to take out a detail) must reach the page at once.
    results_changed(survey=answer.question.survey)


@transaction.atomic
def survey_responses_delete(*, survey: Survey, published_rows: list[dict]) -> int:
    """Deletes a closed survey's responses after its retention date, keeping the suppressed
    aggregate tables (published_rows, as the CSV export holds them)."""
    today = timezone.localdate()
    if survey.status != SurveyStatus.CLOSED:
        raise ValidationError("Close the survey before deleting its responses.")
    if today <= survey.retain_responses_until:
        raise ValidationError(
            f"Responses must be kept until {survey.retain_responses_until:%-d %B %Y}."
        )
    if held_count(survey):
        raise ValidationError(
            "Some responses are still waiting to be written: try again in a few minutes."
        )
    count = survey.responses.count()
    PublishedResults.objects.update_or_create(
        survey=survey,
        defaults={"response_count": count, "rows": published_rows, "published_on": today},
    )
    # Answers first, in one statement each, rather than Django collecting millions of rows.
    Answer.objects.filter(survey=survey).delete()
    AnswerTally.objects.filter(survey=survey).delete()
    ResultsRelease.objects.filter(survey=survey).delete()
    FreeTextAnswer.objects.filter(response__survey=survey).delete()
    survey.responses.all().delete()
    survey.responses_deleted_on = today
    survey.save(update_fields=["responses_deleted_on"])
    results_changed(survey=survey)
    return count


# --- Releases of results ---------------------------------------------------------------------
# docs/surveys.md, "Results while a survey is open"; docs/adr/051.

RELEASE_LOCK = 51_051  # pg_advisory_xact_lock class: one release decision per survey at a time


def results_release_current(*, survey: Survey, questions=None, seen: bool = True):
    """The release the results show (the last the task worker built), marked as read (seen).
    None while nothing may be shown (no release yet, or results held back until the survey
    closes). Nothing is decided here: results_release_prepare, in the worker, does that.

    The release carries `read_at_version`, the survey's results_version as read now: where it
    is newer than the release's checked_version, a newer release is being prepared (and a
    cache keyed on it still changes with every write, such as a moderation edit)."""
    if survey.results_hidden_until_closed and survey.status != SurveyStatus.CLOSED:
        return None
    if _tasks_run_where_queued():
        # No worker: the task's work is done here, where it would otherwise be queued, and the
        # release it returns was checked against the survey's version just now.
        release = results_release_prepare(survey=survey, questions=questions)
        if release is None:
            return None
        version = release.checked_version
    else:
        version = Survey.objects.values_list("results_version", flat=True).get(pk=survey.pk)
        release = selectors.current_release(survey)
        if release is None:
            return None
    if seen and not release.seen:
        ResultsRelease.objects.filter(pk=release.pk).update(seen=True)
        release.seen = True
    release.read_at_version = version
    release.newer_being_prepared = version != release.checked_version
    return release


def results_release_prepare(*, survey: Survey, questions=None):
    """Move the survey's release on to the live counts where that is safe (the task worker's
    work, queued by results_changed): None while nothing may be shown.

    A release nobody has read is replaced by the live counts at once. A release that has been
    read moves on only when, against every release ever read, each group a reader can follow
    has gained no respondents or at least the threshold (group_threshold.release_step_problems),
    so no two downloads single out fewer than the threshold of new respondents."""
    if survey.results_hidden_until_closed and survey.status != SurveyStatus.CLOSED:
        return None
    # Read afresh: the caller's copy of the survey may be older than the last write.
    version, threshold = Survey.objects.values_list("results_version", "reporting_threshold").get(
        pk=survey.pk
    )
    release = selectors.current_release(survey)
    if release is None or release.checked_version != version or release.threshold != threshold:
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            with connection.cursor() as cursor:
                if outermost:
                    # One snapshot for the respondents, the answers and the copy of the tally,
                    # so a response stored meanwhile is in all of them or none.
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [RELEASE_LOCK, survey.pk])
            fresh = Survey.objects.get(pk=survey.pk)
            release = selectors.current_release(fresh)
            if release is None or not _release_is_current(release, fresh):
                release = _release_advance(fresh, release, questions)
    return release


@task()
def prepare_release(survey_id: int) -> int | None:
    """The worker builds the release a survey's results show (results_release_prepare), queued
    by results_changed after every write that changes them: the results page only reads it.
    The number of the release now shown, or None while nothing may be shown."""
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return None
    release = results_release_prepare(survey=survey)
    return None if release is None else release.number


def _release_is_current(release, survey: Survey) -> bool:
    return (
        release.checked_version == survey.results_version
        and release.threshold == survey.reporting_threshold
    )


def _release_kept(release, update: dict):
    ResultsRelease.objects.filter(pk=release.pk).update(**update)
    release.refresh_from_db()
    return release


def _release_advance(survey: Survey, release, questions):
    questions = questions if questions is not None else selectors.survey_questions(survey)
    threshold = survey.reporting_threshold
    groups = ethnic_groups()
    values = filter_values(questions)
    partitions = publication.lattice_partitions(groups, values)
    respondents = selectors.live_respondents(survey)
    if not respondents and release is None:
        return None
    sizes = publication.lattice_sizes(respondents, groups, values)
    texts = {publication.key_text(k): n for k, n in sizes.items()}
    update: dict[str, object] = {"checked_version": survey.results_version}

    def decide():
        counts = {dim: selectors.live_answer_counts(survey, by=dim) for dim in [None, *values]}
        check = publication.narrowed_by_answers(
            sizes,
            partitions,
            publication.answers_of_groups(counts, groups),
            publication.asked_questions(questions),
            threshold,
        )
        return publication.decide_hidden(sizes, partitions, threshold, narrowed_by_answers=check)

    if release is not None and release.group_sizes == texts:
        # Nothing new to release; a new threshold is decided afresh on the same counts.
        if release.threshold != threshold:
            hidden = decide()
            update.update(
                threshold=threshold,
                hidden_groups=sorted(publication.key_text(k) for k in hidden),
            )
        ResultsRelease.objects.filter(pk=release.pk).update(**update)
        release.refresh_from_db()
        return release
    seen = selectors.seen_releases(survey) if release is not None else []
    everyone = sizes[(None, "all")]
    if any(
        is_small(everyone - earlier.response_count, threshold)
        and "|all" not in earlier.hidden_groups
        and everyone >= threshold
        for earlier in seen
    ):
        # All respondents are shown in both and gained too few: no need to decide the groups.
        return _release_kept(release, update)
    hidden = decide()
    # Against every release anyone has read (the current one may not have been).
    for earlier in seen:
        old_sizes = {publication.key_from_text(k): n for k, n in earlier.group_sizes.items()}
        old_hidden = {publication.key_from_text(k) for k in earlier.hidden_groups}
        if release_step_problems(old_sizes, old_hidden, sizes, hidden, partitions, threshold):
            return _release_kept(release, update)
    # Only the release shown keeps its copy of the tally; one nobody read is not kept at all.
    if release is not None:
        ReleasedTally.objects.filter(release__survey=survey).delete()
        if not release.seen:
            release.delete()
    new = ResultsRelease.objects.create(
        survey=survey,
        number=(release.number + 1) if release is not None else 1,
        released_on=timezone.localdate(),
        response_count=sizes[(None, "all")],
        threshold=threshold,
        respondents=[list(row) for row in respondents],
        group_sizes=texts,
        hidden_groups=sorted(publication.key_text(k) for k in hidden),
        checked_version=survey.results_version,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO surveys_releasedtally (release_id, {_TALLY_ORDER}, respondents)"
            f" SELECT %s, {_TALLY_ORDER}, respondents FROM surveys_answertally"
            f" WHERE survey_id = %s ORDER BY {_TALLY_ORDER}",
            [new.pk, survey.pk],
        )
    if release is not None:
        _releases_trimmed(survey)
    return new
