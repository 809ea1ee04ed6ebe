"""Practice audits: templates and rounds (data managers), recording and moderating (auditors),
and the results by ethnic group (service managers and up).

Views run scope -> selectors -> statistics -> presenter -> render; writes go through services.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from arp_portal.core.decorators import role_required
from arp_portal.core.downloads import csv_download, xlsx_table_download
from arp_portal.statistics.audits import round_results
from dashboards.audits import presenters, selectors, services
from dashboards.audits.forms import (
    AuditModerationForm,
    AuditQuestionForm,
    AuditRecordForm,
    AuditResultsForm,
    AuditRoundForm,
    AuditTemplateForm,
)
from dashboards.audits.models import AuditCase, AuditGrade, AuditQuestion, AuditRound, AuditTemplate

MANAGE = "core.manage_audits"
CONDUCT = "core.conduct_audits"


def _add_errors(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@role_required(MANAGE)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dashboards/audits/index.html",
        {"templates": selectors.templates(), "rounds": selectors.rounds()},
    )


@role_required(MANAGE)
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    template = get_object_or_404(AuditTemplate, pk=pk) if pk else None
    initial = {"name": template.name, "description": template.description} if template else {}
    form = AuditTemplateForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.audit_template_save(template=template, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Saved the template “{template.name}”.")
            return redirect("dashboards:audit_template", pk=template.pk)
    return render(
        request, "dashboards/audits/template_form.html", {"form": form, "template": template}
    )


@role_required(MANAGE)
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(AuditTemplate, pk=pk)
    return render(
        request,
        "dashboards/audits/template_detail.html",
        {"template": template, "questions": template.questions.all()},
    )


@role_required(MANAGE)
def question_edit(
    request: HttpRequest, template_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    question = get_object_or_404(AuditQuestion, pk=pk) if pk else None
    template = question.template if question else get_object_or_404(AuditTemplate, pk=template_pk)
    initial = (
        {"text": question.text, "racial_lens": "yes" if question.racial_lens else "no"}
        if question
        else {"racial_lens": "yes"}
    )
    form = AuditQuestionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_question_save(
                template=template,
                question=question,
                text=form.cleaned_data["text"],
                racial_lens=form.cleaned_data["racial_lens"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Saved the question.")
            return redirect("dashboards:audit_template", pk=template.pk)
    return render(
        request,
        "dashboards/audits/question_form.html",
        {"form": form, "template": template, "question": question},
    )


@role_required(MANAGE)
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(AuditQuestion.objects.select_related("template"), pk=pk)
    error = ""
    if request.method == "POST":
        try:
            services.audit_question_delete(question=question)
        except ValidationError as problem:
            error = problem.messages[0]
        else:
            messages.success(request, "Deleted the question.")
            return redirect("dashboards:audit_template", pk=question.template_id)
    return render(
        request, "dashboards/audits/question_delete.html", {"question": question, "error": error}
    )


@role_required(MANAGE)
def round_new(request: HttpRequest) -> HttpResponse:
    form = AuditRoundForm(
        request.POST if request.method == "POST" else None,
        initial={"seed": dt.date.today().year, "open_on": dt.date.today()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            audit_round = services.audit_round_draw(
                template=form.cleaned_data["template"],
                name=form.cleaned_data["name"],
                open_on=form.cleaned_data["open_on"],
                seed=form.cleaned_data["seed"],
                sizes=form.sizes(),
                auditors=form.cleaned_data["auditors"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"Drew {audit_round.cases.count()} cases for “{audit_round.name}” and shared "
                "them among the auditors.",
            )
            return redirect("dashboards:audit_round", pk=audit_round.pk)
    return render(request, "dashboards/audits/round_form.html", {"form": form})


@role_required(MANAGE)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    audit_round = get_object_or_404(AuditRound.objects.select_related("template"), pk=pk)
    cases = list(selectors.round_cases(audit_round))
    drawn: dict[str, int] = {}
    for case in cases:
        drawn[case.ethnic_group] = drawn.get(case.ethnic_group, 0) + 1
    sizes = [(group, asked, drawn.get(group, 0)) for group, asked in audit_round.sizes.items()]
    return render(
        request,
        "dashboards/audits/round_detail.html",
        {"round": audit_round, "cases": cases, "sizes": sizes},
    )


@role_required(CONDUCT)
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dashboards/audits/mine.html",
        {
            "assigned": selectors.cases_for(request.user),
            "to_moderate": selectors.cases_to_moderate(request.user),
        },
    )


def _case(pk: int) -> AuditCase:
    return get_object_or_404(
        AuditCase.objects.select_related("round__template", "child", "recorded_by", "auditor"),
        pk=pk,
    )


@role_required(CONDUCT)
def record(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(pk)
    if case.auditor_id != request.user.pk and not request.user.has_perm(MANAGE):
        raise PermissionDenied("This case is assigned to another auditor.")
    questions = list(case.round.template.questions.all())
    initial = {f"question_{a.question_id}": a.answer for a in case.answers.all()}
    if case.recorded:
        initial.update({"grade": case.grade, "summary": case.summary})
    form = AuditRecordForm(
        request.POST if request.method == "POST" else None, questions=questions, initial=initial
    )
    if request.method == "POST" and not case.moderated and form.is_valid():
        try:
            services.audit_record(
                case=case,
                answers=form.answers(),
                grade=form.cleaned_data["grade"],
                summary=form.cleaned_data["summary"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Saved the audit of case {case.child.child_ref}.")
            return redirect("dashboards:audit_mine")
    return render(request, "dashboards/audits/record.html", {"case": case, "form": form})


@role_required(CONDUCT)
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(pk)
    if not case.recorded:
        raise PermissionDenied("This case has not been audited yet.")
    if case.recorded_by_id == request.user.pk:
        raise PermissionDenied("An audit is moderated by someone other than its auditor.")
    form = AuditModerationForm(
        request.POST if request.method == "POST" else None,
        recorded_grade=case.grade,
        initial={"grade": case.final_grade, "note": case.moderation_note},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_moderate(
                case=case,
                grade=form.cleaned_data["grade"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Saved the moderation of case {case.child.child_ref}.")
            return redirect("dashboards:audit_mine")
    answers = case.answers.select_related("question").order_by("question__position")
    return render(
        request,
        "dashboards/audits/moderate.html",
        {"case": case, "form": form, "answers": answers},
    )


def _results(request: HttpRequest):
    """The chosen template, its racial-lens questions and each round's results, oldest first."""
    templates = AuditTemplate.objects.all()
    form = AuditResultsForm(request.GET or None)
    template = form.cleaned_data.get("template") if form.is_valid() else None
    if template is None:
        template = (
            AuditTemplate.objects.filter(rounds__isnull=False).order_by("-rounds__open_on").first()
            or templates.first()
        )
    if template is None:
        return form, None, [], []
    form = AuditResultsForm(initial={"template": template.pk})
    questions = [(q.key, q.text) for q in template.questions.all()]
    rounds = []
    for audit_round in selectors.rounds_of_template(template):
        results = round_results(
            selectors.round_case_results(audit_round),
            groups=services.SAMPLE_GROUPS,
            questions=[key for key, _ in questions],
            grade_values=AuditGrade.values,
        )
        rounds.append((audit_round.name, results))
    return form, template, questions, rounds


@role_required("core.view_dashboards")
def results(request: HttpRequest) -> HttpResponse:
    form, template, questions, rounds = _results(request)
    context = {"form": form, "template": template, "rounds": rounds}
    if template is not None and rounds:
        lens = [(q.key, q.text) for q in template.questions.filter(racial_lens=True)]
        latest_name, latest = rounds[-1]
        context.update(
            {
                "latest_name": latest_name,
                "sentences": presenters.summary_sentences(
                    lens, rounds[-1], rounds[-2] if len(rounds) > 1 else None
                ),
                "question_tables": [
                    presenters.question_table(key, text, latest) for key, text in questions
                ],
                "grade_table": presenters.grade_table(latest_name, latest),
                "comparison_tables": [
                    presenters.comparison_table(key, text, rounds) for key, text in lens
                ]
                if len(rounds) > 1
                else [],
                "query": f"?template={template.pk}",
            }
        )
    return render(request, "dashboards/audits/results.html", context)


def _export(request: HttpRequest):
    _form, template, questions, rounds = _results(request)
    if template is None:
        return [], "audit-results"
    rows = presenters.export_rows(template.name, questions, rounds)
    return rows, f"audit-results-{template.pk}-{dt.date.today().isoformat()}"


@role_required("core.view_dashboards")
def results_csv(request: HttpRequest) -> HttpResponse:
    rows, name = _export(request)
    return csv_download(
        presenters.EXPORT_COLUMNS,
        ([("true" if v is True else "false" if v is False else v) for v in row] for row in rows),
        filename=f"{name}.csv",
    )


@role_required("core.view_dashboards")
def results_xlsx(request: HttpRequest) -> HttpResponse:
    rows, name = _export(request)
    return xlsx_table_download(
        presenters.EXPORT_COLUMNS, rows, sheet="Audit results", filename=f"{name}.xlsx"
    )
