"""Signed-in pages: the survey list, management for data managers, results for service managers.

Each view runs scope -> query -> presenter -> render. Access is checked on the server: results
need core.view_survey_results, everything that changes a survey needs core.manage_surveys.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from arp_portal.core.decorators import role_required
from arp_portal.core.downloads import (
    csv_download,
    spreadsheet_safe,
    write_only_workbook,
    xlsx_download,
)
from surveys import results as survey_results
from surveys import selectors, services
from surveys.answerability import survey_problems_for_respondents
from surveys.forms import (
    ConfirmForm,
    InvitationsForm,
    ModerationForm,
    QuestionForm,
    ResultsViewForm,
    SurveyForm,
    WaveForm,
    WrittenAnswersForm,
)
from surveys.models import (
    KINDS_WITH_OWN_OPTIONS,
    DisclosureMode,
    FreeTextAnswer,
    ModerationStatus,
    Question,
    Survey,
    SurveyAccess,
    SurveyStatus,
)

VIEW_RESULTS = "core.view_survey_results"
MANAGE = "core.manage_surveys"


def _form_errors_from(error: ValidationError, form) -> None:
    if hasattr(error, "error_dict"):
        for field_name, errors in error.message_dict.items():
            form.add_error(field_name if field_name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@role_required(VIEW_RESULTS)
def index(request: HttpRequest) -> HttpResponse:
    surveys = selectors.surveys_for_list()
    if not request.user.has_perm(MANAGE):
        # Drafts are work in progress: only the people running surveys see them.
        surveys = surveys.exclude(status=SurveyStatus.DRAFT)
    page = Paginator(surveys, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/index.html",
        {"page": page, "can_manage": request.user.has_perm(MANAGE)},
    )


@role_required(MANAGE)
@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    initial = {
        "opens_on": today,
        "closes_on": today + dt.timedelta(days=56),
        "retain_responses_until": today + dt.timedelta(days=56 + 730),
        "reporting_threshold": 10,
        "disclosure_mode": DisclosureMode.GROUPS,
        "access": SurveyAccess.OPEN_LINK,
    }
    form = SurveyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, f"“{survey.title}” has been created as a draft.")
            return redirect("surveys:detail", slug=survey.slug)
    return render(request, "surveys/manage/survey_form.html", {"form": form, "survey": None})


@role_required(MANAGE)
@require_http_methods(["GET", "POST"])
def survey_new_from_template(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    title = f"Experiences of racism at work {year}"
    form = WaveForm(
        request.POST if request.method == "POST" else None,
        initial={"title": title, "slug": slugify(title)},
        button="Create from template",
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create_from_template(
                created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(
                request, f"“{survey.title}” has been created from the template as a draft."
            )
            return redirect("surveys:detail", slug=survey.slug)
    return render(request, "surveys/manage/from_template.html", {"form": form})


@role_required(MANAGE)
def survey_detail(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey.objects.with_response_counts(), slug=slug)
    questions = selectors.survey_questions(survey)
    held = services.held_count(survey)
    return render(
        request,
        "surveys/manage/detail.html",
        {
            "survey": survey,
            "questions": questions,
            # Responses waiting to be written freeze the questions as written ones do.
            "frozen": survey.response_count > 0 or held > 0 or bool(survey.responses_deleted_on),
            "moderation": selectors.moderation_counts(survey),
            "volunteer_count": survey.volunteers.count(),
            "invitations": selectors.unused_invitations(survey),
            "can_delete_responses": survey.status == SurveyStatus.CLOSED
            and timezone.localdate() > survey.retain_responses_until
            and survey.response_count > 0,
            "kinds_with_own_options": KINDS_WITH_OWN_OPTIONS,
            "problems": survey_problems_for_respondents(questions),
            "held": held,
        },
    )


@role_required(MANAGE)
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    form = SurveyForm(request.POST if request.method == "POST" else None, instance=survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(survey=Survey.objects.get(pk=survey.pk), **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, "The survey's details have been saved.")
            return redirect("surveys:detail", slug=form.cleaned_data["slug"])
    return render(request, "surveys/manage/survey_form.html", {"form": form, "survey": survey})


STATUS_ACTIONS: dict[str, tuple[str, str]] = {
    SurveyStatus.OPEN: (
        "Open the survey",
        "Anyone with the link can answer from the opening date until the closing date.",
    ),
    SurveyStatus.CLOSED: (
        "Close the survey",
        "Nobody will be able to answer any more. Results can be read once it has closed.",
    ),
}


@role_required(MANAGE)
@require_http_methods(["GET", "POST"])
def survey_status(request: HttpRequest, slug: str, status: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    if status not in STATUS_ACTIONS:
        raise Http404("No such status.")
    title, explanation = STATUS_ACTIONS[status]
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        button=title,
        warning=status == SurveyStatus.CLOSED,
    )
    problem = ""
    if request.method == "POST":
        try:
            services.survey_set_status(survey=survey, status=status)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(
                request, f"“{survey.title}” is now {survey.get_status_display().lower()}."
            )
            return redirect("surveys:detail", slug=slug)
    return render(
        request,
        "surveys/manage/confirm.html",
        {
            "survey": survey,
            "form": form,
            "title": f"{title}: {survey.title}",
            "explanation": explanation,
            "problem": problem,
        },
    )


@role_required(MANAGE)
@require_http_methods(["GET", "POST"])
def survey_next_wave(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    title = services.next_wave_title(survey.title)
    form = WaveForm(
        request.POST if request.method == "POST" else None,
        initial={"title": title, "slug": slugify(title)},
        button="Copy as next wave",
    )
    if request.method == "POST" and form.is_valid():
        try:
            wave = services.survey_copy_as_next_wave(
                survey=survey, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, f"“{wave.title}” has been created as a draft.")
            return redirect("surveys:detail", slug=wave.slug)
    return render(request, "surveys/manage/next_wave.html", {"survey": survey, "form": form})


def _question_or_404(survey: Survey, pk: int) -> Question:
    return get_object_or_404(survey.questions.prefetch_related("options"), pk=pk)


@role_required(MANAGE)
@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_add(
                survey=survey,
                kind=data["kind"],
                text=data["text"],
                hint=data["hint"],
                section=data["section"],
                options=data["option_list"],
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, "The question has been added.")
            return redirect("surveys:detail", slug=slug)
    return render(
        request,
        "surveys/manage/question_form.html",
        {"survey": survey, "form": form, "question": None},
    )


@role_required(MANAGE)
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    question = _question_or_404(survey, pk)
    own_options = [o.label for o in question.options.all() if not o.is_prefer_not_to_say]
    form = QuestionForm(
        request.POST if request.method == "POST" else None,
        editing=True,
        initial={
            "kind": question.kind,
            "text": question.text,
            "hint": question.hint,
            "section": question.section,
            "options": "\n".join(own_options) if question.kind in KINDS_WITH_OWN_OPTIONS else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_update(
                question=question,
                text=data["text"],
                hint=data["hint"],
                section=data["section"],
                options=data["option_list"],
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, "The question has been saved.")
            return redirect("surveys:detail", slug=slug)
    return render(
        request,
        "surveys/manage/question_form.html",
        {"survey": survey, "form": form, "question": question},
    )


@role_required(MANAGE)
@require_http_methods(["GET", "POST"])
def question_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    question = _question_or_404(survey, pk)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, button="Delete question", warning=True
    )
    problem = ""
    if request.method == "POST":
        try:
            services.question_delete(question=question)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, "The question has been deleted.")
            return redirect("surveys:detail", slug=slug)
    return render(
        request,
        "surveys/manage/confirm.html",
        {
            "survey": survey,
            "form": form,
            "title": "Delete this question?",
            "explanation": f"“{question.text}” and its options will be deleted.",
            "problem": problem,
        },
    )


@role_required(MANAGE)
@require_http_methods(["POST"])
def question_move(request: HttpRequest, slug: str, pk: int, direction: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    question = _question_or_404(survey, pk)
    if direction not in {"up", "down"}:
        raise Http404("No such direction.")
    try:
        services.question_move(question=question, direction=-1 if direction == "up" else 1)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("surveys:detail", kwargs={"slug": slug}) + f"#question-{pk}")


@role_required(MANAGE)
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    form = InvitationsForm(request.POST if request.method == "POST" else None)
    codes: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.invitations_create(survey=survey, count=form.cleaned_data["count"])
        except ValidationError as error:
            _form_errors_from(error, form)
        if codes and "download" in request.POST:
            return csv_download(
                ["invitation_code"],
                ([code] for code in codes),
                filename=f"{slug}-invitation-codes.csv",
            )
    return render(
        request,
        "surveys/manage/invitations.html",
        {
            "survey": survey,
            "form": form,
            "codes": codes,
            "counts": selectors.unused_invitations(survey),
        },
    )


@role_required(MANAGE)
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    status = request.GET.get("status", ModerationStatus.PENDING)
    if status not in ModerationStatus.values:
        status = ModerationStatus.PENDING
    answers = selectors.moderation_queue(survey).filter(status=status)
    counts = selectors.moderation_counts(survey)
    page = Paginator(answers, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/manage/moderation.html",
        {
            "survey": survey,
            "page": page,
            "status": status,
            "status_label": ModerationStatus(status).label,
            "statuses": [
                (value, label, counts[value]) for value, label in ModerationStatus.choices
            ],
        },
    )


@role_required(MANAGE)
@require_http_methods(["GET", "POST"])
def moderation_edit(request: HttpRequest, slug: str, pk) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    answer = get_object_or_404(
        FreeTextAnswer.objects.select_related("question"), pk=pk, response__survey=survey
    )
    form = ModerationForm(
        request.POST if request.method == "POST" else None,
        initial={
            "moderated_text": answer.moderated_text or answer.text,
            "status": answer.status if answer.status != ModerationStatus.PENDING else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.free_text_moderate(
            answer=answer,
            moderated_text=form.cleaned_data["moderated_text"],
            status=form.cleaned_data["status"],
        )
        messages.success(request, "Your decision has been saved.")
        next_pending = (
            selectors.moderation_queue(survey).filter(status=ModerationStatus.PENDING).first()
        )
        if next_pending:
            return redirect("surveys:moderation_edit", slug=slug, pk=next_pending.pk)
        return redirect("surveys:moderation", slug=slug)
    return render(
        request,
        "surveys/manage/moderation_edit.html",
        {"survey": survey, "answer": answer, "form": form},
    )


@role_required(MANAGE)
def volunteers(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    page = Paginator(survey.volunteers.all(), 50).get_page(request.GET.get("page"))
    return render(request, "surveys/manage/volunteers.html", {"survey": survey, "page": page})


@role_required(MANAGE)
@require_http_methods(["GET", "POST"])
def delete_responses(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey.objects.with_response_counts(), slug=slug)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        button="Delete the responses",
        warning=True,
    )
    problem = ""
    if request.method == "POST":
        try:
            published = survey_results.csv_rows(survey_results.compute(survey))
            count = services.survey_responses_delete(survey=survey, published_rows=published)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(
                request,
                f"{count} responses have been deleted. The published results are kept.",
            )
            return redirect("surveys:detail", slug=slug)
    return render(
        request,
        "surveys/manage/confirm.html",
        {
            "survey": survey,
            "form": form,
            "title": f"Delete the responses to {survey.title}?",
            "explanation": f"All {survey.response_count} individual responses, and their written "
            "answers, will be deleted for good. The results as published (every table, with "
            "small groups hidden) are kept, and the results page and exports will show them. "
            "Filtering by role, grade band or locality will no longer be possible.",
            "problem": problem,
        },
    )


# --- Results -----------------------------------------------------------------------------------


def _results_scope(request: HttpRequest, slug: str):
    survey = get_object_or_404(Survey, slug=slug)
    if survey.status == SurveyStatus.DRAFT and not request.user.has_perm(MANAGE):
        raise Http404("No such survey.")
    return survey


def _computed(request: HttpRequest, survey: Survey):
    """The view's results, or None for a survey whose responses were deleted (use published)."""
    questions = selectors.survey_questions(survey)
    form = ResultsViewForm(request.GET or None, choices=survey_results.view_choices(questions))
    view = form.cleaned_data["view"] if form.is_valid() else ""
    if survey.responses_deleted_on:
        return form, None
    try:
        computed = survey_results.compute_cached(survey, view=view, questions=questions)
    except ValueError as error:
        raise Http404(str(error)) from error
    return form, computed


@role_required(VIEW_RESULTS)
def results(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _results_scope(request, slug)
    form, computed = _computed(request, survey)
    context = {
        "survey": survey,
        "form": form,
        "results": computed,
        "published": getattr(survey, "published", None) if computed is None else None,
        "query": request.GET.urlencode(),
    }
    if computed is not None:
        page = survey_results.results_page(computed)
        context["page"] = page
        if not computed.view and not page.too_few:
            survey_results.wave_comparison(survey, computed)
            on = survey_results.staff_counted_on(survey, timezone.localdate())
            context["rates"] = survey_results.response_rates(
                computed, survey_results.staff_in_post_by_code(on), on
            )
    body = render_to_string("surveys/_results_body.html", context, request=request)
    return render(request, "surveys/results.html", {**context, "body": body})


WRITTEN_ANSWERS_PER_PAGE = 20


@role_required(VIEW_RESULTS)
def written_answers(request: HttpRequest, slug: str) -> HttpResponse:
    """Approved written answers, on their own page: by question and group, paginated, and
    searchable by their words. Groups follow the results' disclosure decision."""
    survey = _results_scope(request, slug)
    computed = None
    answers: list[survey_results.WrittenAnswer] = []
    questions = []
    if not survey.responses_deleted_on:
        computed = survey_results.compute_cached(survey)
        answers = survey_results.written_answers(survey, computed)
        questions = [r.question for r in computed.questions if r.question.is_free_text]
    groups = sorted({(a.group_key, a.group_label) for a in answers}, key=lambda g: g[1])
    form = WrittenAnswersForm(
        request.GET or None,
        questions=[(str(q.pk), q.text) for q in questions],
        groups=groups,
    )
    chosen = form.cleaned_data if form.is_valid() else {"question": "", "group": "", "words": ""}
    if chosen["question"]:
        answers = [a for a in answers if str(a.question_pk) == chosen["question"]]
    if chosen["group"]:
        answers = [a for a in answers if a.group_key == chosen["group"]]
    words = chosen["words"].strip().casefold()
    if words:
        answers = [a for a in answers if words in a.text.casefold()]
    page = Paginator(answers, WRITTEN_ANSWERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "surveys/written_answers.html",
        {
            "survey": survey,
            "results": computed,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(chosen.values()),
        },
    )


def _export_rows(request: HttpRequest, survey: Survey) -> list[dict]:
    _, computed = _computed(request, survey)
    if computed is None:
        published = getattr(survey, "published", None)
        return published.rows if published else []
    return survey_results.csv_rows(computed)


@role_required(VIEW_RESULTS)
def results_csv(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _results_scope(request, slug)
    rows = _export_rows(request, survey)
    columns = survey_results.CSV_COLUMNS
    return csv_download(
        columns,
        ([row[column] for column in columns] for row in rows),
        filename=f"{slug}-results.csv",
    )


@role_required(VIEW_RESULTS)
def results_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _results_scope(request, slug)
    rows = _export_rows(request, survey)
    # Every value appended is guarded against running as a formula (the title too).
    workbook = write_only_workbook()
    sheet = workbook.create_sheet("Results")
    sheet.append(survey_results.CSV_COLUMNS)
    for row in rows:
        sheet.append(
            [spreadsheet_safe(_excel_value(row[column])) for column in survey_results.CSV_COLUMNS]
        )
    notes = workbook.create_sheet("Notes")
    notes.append([survey.title])
    if survey.disclosure_mode == DisclosureMode.CELLS:
        why = (
            f"c: hidden because the group or the answer is under {survey.reporting_threshold} "
            "people, or because the value could otherwise be worked out from other figures."
        )
    else:
        why = (
            f"c: the group is hidden because it has fewer than {survey.reporting_threshold} "
            "people, or because it would let a smaller group be worked out by subtraction. "
            "Every answer of every other group is shown."
        )
    notes.append([why])
    notes.append(["Percentages and 95% Wilson confidence intervals are of the group's size."])
    return xlsx_download(workbook, filename=f"{slug}-results.xlsx")


def _excel_value(value):
    if isinstance(value, str) and value.replace(".", "", 1).isdigit():
        return float(value) if "." in value else int(value)
    return value
