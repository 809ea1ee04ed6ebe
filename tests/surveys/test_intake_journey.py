"""An anonymous member of staff answers the survey page by page, as a browser would."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from surveys.models import Answer, FreeTextAnswer, Response
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db


def _form_fields(html: str) -> list[str]:
    return sorted(set(re.findall(r'name="(q\d+)"', html)))


def answer_every_page(client: Client, survey, *, choose=None) -> str:
    """Walks the pages, choosing the first option of each choice question (or `choose`)."""
    url = f"/surveys/{survey.slug}/page/1/"
    questions = {f"q{q.pk}": q for q in survey.questions.prefetch_related("options")}
    while "/page/" in url:
        page = client.get(url)
        assert page.status_code == 200, url
        data = {}
        for name in _form_fields(page.content.decode()):
            question = questions[name]
            if question.is_free_text:
                data[name] = "Something I wanted to say."
            else:
                data[name] = (choose or {}).get(question.code, question.options.first().code)
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        url = response["Location"]
    return url


def test_a_complete_journey_stores_one_response_and_flushes_the_session():
    survey = make_survey()
    client = Client()
    start = client.get(f"/surveys/{survey.slug}/")
    assert "Start now" in start.content.decode()
    check_url = answer_every_page(client, survey)
    assert check_url == f"/surveys/{survey.slug}/check-your-answers/"

    check = client.get(check_url).content.decode()
    assert "Check your answers before sending them" in check
    assert "Not answered" not in check
    form = check[check.index('<form method="post">') :]
    assert (
        form.index('name="csrfmiddlewaretoken"')
        < form.index('name="website"')
        < form.index("Send my answers")
        < form.index("</form>")
    )
    session_key = client.session.session_key

    sent = client.post(check_url, {"website": ""})
    assert sent["Location"] == f"/surveys/{survey.slug}/sent/"
    assert Response.objects.filter(survey=survey).count() == 1
    assert FreeTextAnswer.objects.filter(response__survey=survey).count() == 1
    # One answer for each choice question.
    assert (
        Answer.objects.filter(survey=survey).count()
        == survey.questions.exclude(kind="free_text").count()
    )
    # The session that held the answers is gone.
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()
    confirmation = client.get(sent["Location"]).content.decode()
    assert "Your answers have been sent" in confirmation
    assert "What we did not store" in confirmation


def test_back_links_keep_answers_and_change_returns_to_check():
    survey = make_survey()
    client = Client()
    client.get(f"/surveys/{survey.slug}/")
    first = survey.questions.get(position=1)
    client.post(
        f"/surveys/{survey.slug}/page/1/",
        {f"q{q.pk}": "5_plus" for q in survey.questions.filter(position__lte=5)},
    )
    page_two = client.get(f"/surveys/{survey.slug}/page/2/").content.decode()
    assert f'href="/surveys/{survey.slug}/page/1/"' in page_two  # the back link
    page_one = client.get(f"/surveys/{survey.slug}/page/1/").content.decode()
    assert re.search(rf'name="q{first.pk}"[^>]*value="5_plus"[^>]*checked', page_one)
    assert "Page 1 of" in page_one

    answer_every_page(client, survey)
    changed = client.post(
        f"/surveys/{survey.slug}/page/1/?change=1",
        {f"q{q.pk}": "never" for q in survey.questions.filter(position__lte=5)},
    )
    assert changed["Location"] == f"/surveys/{survey.slug}/check-your-answers/"
    assert "Never" in client.get(changed["Location"]).content.decode()


def test_unanswered_questions_show_errors_in_gov_uk_style():
    survey = make_survey()
    client = Client()
    page = client.post(f"/surveys/{survey.slug}/page/1/", {})
    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html
    assert "or “Prefer not to say”" in html
    assert Response.objects.count() == 0


def test_prefer_not_to_say_cannot_be_combined_with_other_answers():
    survey = make_survey()
    impact = survey.questions.get(code="impact")
    pages = {q.pk: n for n, q in enumerate(survey.questions.all())}
    client = Client()
    # Find the impact question's page by walking until it appears.
    for number in range(1, 10):
        html = client.get(f"/surveys/{survey.slug}/page/{number}/").content.decode()
        if f'name="q{impact.pk}"' in html:
            break
    response = client.post(
        f"/surveys/{survey.slug}/page/{number}/",
        {f"q{impact.pk}": ["anxiety", "prefer_not_to_say"]},
    )
    assert "on its own" in response.content.decode()
    assert pages  # the survey has questions


def test_sending_with_questions_unanswered_is_refused():
    survey = make_survey()
    client = Client()
    client.get(f"/surveys/{survey.slug}/page/1/")
    response = client.post(f"/surveys/{survey.slug}/check-your-answers/", {"website": ""})
    assert "Answer every question before you send your answers" in response.content.decode()
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    "status, words", [("draft", "not open yet"), ("closed", "This survey is closed")]
)
def test_closed_and_draft_surveys_say_so_plainly(status, words):
    survey = make_survey(status=status)
    client = Client()
    for url in (f"/surveys/{survey.slug}/", f"/surveys/{survey.slug}/page/1/"):
        assert words in client.get(url).content.decode()
    assert client.post(f"/surveys/{survey.slug}/check-your-answers/").status_code == 200
    assert Response.objects.count() == 0


def test_the_intake_works_without_javascript():
    """Every control is a plain HTML form: no page needs a script to answer or send."""
    survey = make_survey()
    client = Client()
    html = client.get(f"/surveys/{survey.slug}/page/1/").content.decode()
    assert re.search(r'<form\s+method="post"', html)
    assert 'type="radio"' in html
    # A <button> in a form submits it by default: no script needed.
    assert re.search(r'<button name="submit"\s+class="govuk-button"', html)
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_survey_closed_while_someone_answers_takes_nothing_more():
    """Pages may use a few seconds' copy of the survey (surveys.selectors.survey_for_intake);
    sending reads it afresh, so closing takes effect at once for what is stored. The update
    below sends no signal, as a change made by another process would not reach this one."""
    from surveys.models import Survey

    survey = make_survey()
    client = Client()
    check_url = answer_every_page(client, survey)
    Survey.objects.filter(pk=survey.pk).update(status="closed")
    sent = client.post(check_url, {"website": ""})
    assert sent.status_code == 200
    assert "This survey is closed" in sent.content.decode()
    assert not Response.objects.filter(survey=survey).exists()


def test_saving_a_survey_is_seen_by_its_pages_at_once():
    survey = make_survey()
    client = Client()
    assert "Start now" in client.get(f"/surveys/{survey.slug}/").content.decode()
    survey.status = "closed"
    survey.save()
    assert "This survey is closed" in client.get(f"/surveys/{survey.slug}/").content.decode()


def test_a_whole_submission_runs_a_fixed_small_number_of_queries():
    """What the intake asks of Postgres for one person, start to confirmation (the speed of
    make bench-survey rests on it): the session read once per page and written once per
    answer page, the survey read afresh and the response written once at the end."""
    survey = make_survey()
    client = Client()
    client.get(f"/surveys/{survey.slug}/page/1/")  # the copies a process keeps, warmed
    client.cookies.clear()
    pages = survey.questions.count()
    answers = {
        f"q{q.pk}": "Something I wanted to say." if q.is_free_text else q.options.all()[0].code
        for q in survey.questions.prefetch_related("options")
    }
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/surveys/{survey.slug}/").status_code == 200
        check_url = f"/surveys/{survey.slug}/page/1/"
        while "/page/" in check_url:
            html = client.get(check_url).content.decode()
            data = {name: answers[name] for name in _form_fields(html)}
            check_url = client.post(check_url, data)["Location"]
        client.get(check_url)
        sent = client.post(check_url, {"website": ""})
        client.get(sent["Location"])
    assert Response.objects.filter(survey=survey).count() == 1
    sessions = [q for q in queries if "django_session" in q["sql"]]
    others = [q["sql"] for q in queries if "django_session" not in q["sql"]]
    page_count = sum(1 for q in sessions if q["sql"].startswith("UPDATE")) + 1
    assert page_count <= pages
    # The first page: nothing to read, one insert on POST. Every later page: one read on GET,
    # one read and one update on POST. Check your answers: a read on GET, a read and the delete
    # on POST.
    assert len(sessions) == 1 + 3 * (page_count - 1) + 3
    # The survey afresh, then BEGIN, the response, its answers, its free text, the results
    # tally, the survey's results_version (so no cached result outlives it), COMMIT.
    assert len(others) == 8, others
