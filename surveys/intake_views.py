"""The anonymous intake at /surveys/<slug>/: no sign-in, GOV.UK question pages, answers kept in
the survey's own session (surveys.intake_session, never the sign-in session) until they are
sent, and that session deleted once they are.

The session holds only the answers and, for an invitation-only survey, the keyed hash of the
code: nothing that says who someone is. What is sent is held sealed and written in batches by
the worker (services.response_hold). No view here logs the client's address or user agent.
"""

import functools
import hashlib

from crispy_forms.utils import render_crispy_form
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from surveys import ratelimit, selectors, services
from surveys.forms import (
    FollowUpForm,
    InvitationCodeForm,
    QuestionPageForm,
    SubmitAnswersForm,
    field_anchor,
    initial_from_answers,
)
from surveys.intake_session import IntakeRequest, with_intake_session
from surveys.models import Survey, SurveyAccess


def _session_key(survey: Survey) -> str:
    return f"survey-{survey.pk}"


def _state(request: IntakeRequest, survey: Survey) -> dict:
    return request.intake_session.get(_session_key(survey), {"answers": {}})


def _save_state(request: IntakeRequest, survey: Survey, state: dict) -> None:
    request.intake_session[_session_key(survey)] = state


def _sent_cookie(survey: Survey) -> str:
    return f"survey-{survey.pk}-sent"


def _remember_sent(response: HttpResponse, survey: Survey) -> HttpResponse:
    """A cookie that says only "answers were sent from this browser" (no identifier, nothing
    stored on the server), so Back to the check page explains itself instead of offering an empty
    form with a live Send button. It ends when the survey closes."""
    days_left = max(1, (survey.closes_on - timezone.localdate()).days + 1)
    response.set_cookie(
        _sent_cookie(survey),
        "1",
        max_age=days_left * 24 * 60 * 60,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _closed(request: HttpRequest, survey: Survey) -> HttpResponse:
    return render(
        request, "surveys/intake/closed.html", {"survey": survey, "today": timezone.localdate()}
    )


def _may_answer(request: IntakeRequest, survey: Survey) -> bool:
    return survey.access != SurveyAccess.INVITATION or bool(
        _state(request, survey).get("invitation")
    )


def _summary(survey: Survey, questions, answers: dict, pages) -> list[dict]:
    page_of = {q.pk: page.number for page in pages for q in page.questions}
    # Each row links to its page to change the answer: one reverse() a page, not a row.
    change_url = {
        page.number: reverse("surveys:page", kwargs={"slug": survey.slug, "number": page.number})
        + "?change=1"
        for page in pages
    }
    rows = []
    for question in questions:
        value = answers.get(str(question.pk))
        labels = {o.code: o.label for o in question.options.all()}
        if question.is_free_text:
            shown = [value] if value else []
            missing = False
        else:
            codes = value if isinstance(value, list) else [value] if value else []
            shown = [labels.get(c, c) for c in codes]
            missing = not codes
        rows.append(
            {
                "question": question,
                "answers": shown,
                "missing": missing,
                "page": page_of[question.pk],
                # The link lands on the question itself, not the top of its page.
                "change_url": f"{change_url[page_of[question.pk]]}#{field_anchor(question)}",
            }
        )
    return rows


@never_cache
@require_http_methods(["GET", "POST"])
@with_intake_session
def start(request: IntakeRequest, slug: str) -> HttpResponse:
    survey = selectors.survey_for_intake(slug)
    if not survey.accepting_responses:
        return _closed(request, survey)
    form = None
    if survey.access == SurveyAccess.INVITATION:
        form = InvitationCodeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            if not ratelimit.code_attempts_within_limit(request):
                return render(
                    request, "surveys/intake/rate_limited.html", {"survey": survey}, status=429
                )
            code = form.cleaned_data["code"]
            if services.invitation_is_valid(survey=survey, code=code):
                state = _state(request, survey)
                state["invitation"] = services.invitation_hash(code)
                _save_state(request, survey, state)
                return redirect("surveys:page", slug=slug, number=1)
            form.add_error(
                "code", "Enter the invitation code exactly as it appears in your invitation"
            )
    elif request.method == "POST":
        return redirect("surveys:page", slug=slug, number=1)
    return render(request, "surveys/intake/start.html", {"survey": survey, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@with_intake_session
def page(request: IntakeRequest, slug: str, number: int) -> HttpResponse:
    survey = selectors.survey_for_intake(slug)
    if not survey.accepting_responses:
        return _closed(request, survey)
    if not _may_answer(request, survey):
        return redirect("surveys:start", slug=slug)
    pages = selectors.intake_pages(selectors.survey_questions_for_intake(survey))
    if not 1 <= number <= len(pages):
        raise Http404("No such page in this survey.")
    current = pages[number - 1]
    state = _state(request, survey)
    changing = request.GET.get("change") == "1"
    form = QuestionPageForm(
        request.POST if request.method == "POST" else None,
        questions=current.questions,
        initial=initial_from_answers(current.questions, state["answers"]),
    )
    if request.method == "POST" and form.is_valid():
        state["answers"].update(form.answers())
        _save_state(request, survey, state)
        if changing or number == len(pages):
            return redirect("surveys:check", slug=slug)
        return redirect("surveys:page", slug=slug, number=number + 1)
    form_html = ""
    if not form.is_bound and not form.initial:
        # A first visit to the page: the same HTML for everyone, so it is rendered once per
        # process and kept (keyed by the questions' content, so a changed question is new HTML).
        form_html = _blank_form_html(survey, current, form)
    if changing:
        back = reverse("surveys:check", kwargs={"slug": slug})
    elif number > 1:
        back = reverse("surveys:page", kwargs={"slug": slug, "number": number - 1})
    else:
        back = reverse("surveys:start", kwargs={"slug": slug})
    return render(
        request,
        "surveys/intake/page.html",
        {
            "survey": survey,
            "page": current,
            "pages": len(pages),
            "form": form,
            "form_html": form_html,
            "back": back,
        },
    )


def _blank_form_html(survey: Survey, page, form) -> str:
    content = [
        (q.pk, q.kind, q.text, q.hint, [(o.code, o.label) for o in q.options.all()])
        for q in page.questions
    ]
    digest = hashlib.sha256(repr(content).encode()).hexdigest()[:32]
    key = f"survey-page-html:{survey.pk}:{page.number}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render_crispy_form(form, helper=form.helper)
        cache.set(key, html, timeout=60 * 60)
    return html


@never_cache
@require_http_methods(["GET", "POST"])
@with_intake_session
def check(request: IntakeRequest, slug: str) -> HttpResponse:
    # Sending stores the answers, so it reads the survey afresh rather than a recent copy.
    survey = selectors.survey_for_intake(slug, fresh=request.method == "POST")
    if not survey.accepting_responses:
        return _closed(request, survey)
    if not _may_answer(request, survey):
        return redirect("surveys:start", slug=slug)
    questions = selectors.survey_questions_for_intake(survey)
    pages = selectors.intake_pages(questions)
    state = _state(request, survey)
    if not state["answers"] and request.COOKIES.get(_sent_cookie(survey)):
        return render(request, "surveys/intake/already_sent.html", {"survey": survey})
    rows = _summary(survey, questions, state["answers"], pages)
    form = SubmitAnswersForm(request.POST if request.method == "POST" else None)
    problem = ""
    if request.method == "POST":
        if form.caught_a_robot:
            # Say nothing a robot could learn from: it sees the same page a person does.
            request.intake_session.flush()
            return redirect("surveys:confirmation", slug=slug)
        if not ratelimit.submissions_within_limit(request):
            return render(
                request, "surveys/intake/rate_limited.html", {"survey": survey}, status=429
            )
        missing = next((row for row in rows if row["missing"]), None)
        if missing:
            problem = "Answer every question before you send your answers"
        else:
            try:
                services.response_hold(
                    survey=survey,
                    answers=state["answers"],
                    invitation_code_hash=state.get("invitation", ""),
                    questions=questions,
                )
            except ValidationError as error:
                problem = " ".join(error.messages)
            else:
                # Nothing of this person's visit is kept: the survey session's row is deleted
                # (a sign-in session, if they have one, is not touched).
                request.intake_session.flush()
                return _remember_sent(redirect("surveys:confirmation", slug=slug), survey)
    return render(
        request,
        "surveys/intake/check.html",
        {
            "survey": survey,
            "rows": rows,
            "form_html": (
                render_crispy_form(form, helper=form.helper) if form.is_bound else _send_form_html()
            ),
            "problem": problem,
            "pages": len(pages),
        },
    )


@functools.cache
def _send_form_html() -> str:
    """The send button and honeypot, the same HTML for everyone: rendered once per process."""
    form = SubmitAnswersForm()
    return render_crispy_form(form, helper=form.helper)


@never_cache
def confirmation(request: HttpRequest, slug: str) -> HttpResponse:
    survey = selectors.survey_for_intake(slug)
    return render(request, "surveys/intake/confirmation.html", {"survey": survey})


@never_cache
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, slug: str) -> HttpResponse:
    """Volunteering to talk: a separate form and table, never linked to any answers."""
    survey = selectors.survey_for_intake(slug, fresh=request.method == "POST")
    if not survey.accepting_responses:
        return _closed(request, survey)
    form = FollowUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.submissions_within_limit(request):
            return render(
                request, "surveys/intake/rate_limited.html", {"survey": survey}, status=429
            )
        services.follow_up_hold(survey=survey, **form.cleaned_data)
        return redirect("surveys:follow_up_done", slug=slug)
    return render(request, "surveys/intake/follow_up.html", {"survey": survey, "form": form})


@never_cache
def follow_up_done(request: HttpRequest, slug: str) -> HttpResponse:
    survey = selectors.survey_for_intake(slug)
    return render(request, "surveys/intake/follow_up_done.html", {"survey": survey})
