"""Every kind of question shows to respondents with its optional fields blank (issue 11, point
1: a free-text question without a hint made every page of its survey a 500), and the manage
page warns about anything a respondent could not answer."""

import pytest
from django.test import Client

from surveys import services
from surveys.models import Option, QuestionKind
from tests.surveys.bare_questions import make_survey_with_every_kind_bare
from tests.surveys.helpers import make_survey
from tests.surveys.test_intake_journey import answer_every_page

pytestmark = pytest.mark.django_db


def test_every_page_of_a_survey_with_bare_questions_is_shown_and_can_be_sent():
    survey = make_survey_with_every_kind_bare()
    client = Client()
    check_url = answer_every_page(client, survey)
    check = client.get(check_url)
    assert check.status_code == 200
    for question in survey.questions.all():
        assert question.text in check.content.decode()
    assert client.post(check_url, {"website": ""}).status_code == 302


def test_a_free_text_question_without_a_hint_has_a_character_count():
    survey = make_survey_with_every_kind_bare()
    free_text = survey.questions.get(kind=QuestionKind.FREE_TEXT)
    client = Client()
    for number in range(1, 10):
        page = client.get(f"/surveys/{survey.slug}/page/{number}/")
        assert page.status_code == 200
        html = page.content.decode()
        if f'name="q{free_text.pk}"' in html:
            assert f'aria-describedby="id_q{free_text.pk}-info"' in html
            assert "You can enter up to 3000 characters" in html
            return
    pytest.fail("The free-text question is on no page")


def test_the_manage_page_raises_no_warning_for_a_survey_people_can_answer(data_manager_client):
    survey = make_survey_with_every_kind_bare()
    page = data_manager_client.get(f"/surveys/manage/{survey.slug}/").content.decode()
    assert "Respondents could not answer this survey" not in page


def test_the_manage_page_warns_of_a_question_with_nothing_to_choose(data_manager_client):
    survey = make_survey(status="draft")
    question = survey.questions.exclude(kind=QuestionKind.FREE_TEXT).first()
    Option.objects.filter(question=question).exclude(code="prefer_not_to_say").delete()
    page = data_manager_client.get(f"/surveys/manage/{survey.slug}/").content.decode()
    assert "Respondents could not answer this survey" in page
    assert f"Question {question.position} (“{question.text}”) has no answers to choose" in page


def test_the_manage_page_warns_of_a_page_that_cannot_be_shown(data_manager_client, monkeypatch):
    survey = make_survey(status="draft")

    def broken(self, *args, **kwargs):
        raise KeyError("aria-describedby")

    monkeypatch.setattr("surveys.answerability.render_crispy_form", broken)
    page = data_manager_client.get(f"/surveys/manage/{survey.slug}/").content.decode()
    assert "Page 1 of the survey cannot be shown to respondents" in page


def test_a_survey_of_free_text_only_is_flagged(data_manager_client):
    survey = make_survey(status="draft")
    for question in survey.questions.exclude(kind=QuestionKind.FREE_TEXT):
        services.question_delete(question=question)
    page = data_manager_client.get(f"/surveys/manage/{survey.slug}/").content.decode()
    assert "no question people can choose an answer to" in page
