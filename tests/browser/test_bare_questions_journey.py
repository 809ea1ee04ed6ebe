"""A survey with a question of every kind and no hints or sections, answered in a browser: every
page shows, the character count works without a hint, and each page passes axe (issue 11)."""

import re

import pytest
from playwright.sync_api import Page, expect

from surveys.models import Survey
from tests.accessibility import assert_accessible
from tests.surveys.bare_questions import make_survey_with_every_kind_bare

pytestmark = pytest.mark.django_db(transaction=True)


def given_a_survey_with_every_kind_of_question_and_no_hints() -> Survey:
    return make_survey_with_every_kind_bare()


def when_a_member_of_staff_answers_every_page(page: Page, live_server, survey: Survey):
    page.goto(f"{live_server.url}/surveys/{survey.slug}/")
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()
    expect(page).to_have_url(re.compile(r"/page/1/$"))
    seen = 0
    while "/page/" in page.url:
        expect(page.locator(".portal-progress")).to_be_visible()
        for fieldset in page.locator("fieldset").all():
            fieldset.locator("input[type=radio], input[type=checkbox]").first.check()
            seen += 1
        for textarea in page.locator("textarea").all():
            textarea.fill("Four words in here")
            seen += 1
            # GOV.UK's character count runs without a hint.
            expect(page.locator(".govuk-character-count__status")).to_contain_text(
                "characters remaining"
            )
        assert_accessible(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    assert seen == survey.questions.count()


def then_they_can_check_and_send_their_answers(page: Page, survey: Survey):
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending them"
    )
    for question in survey.questions.all():
        expect(page.get_by_text(question.text, exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Your answers have been sent")
    assert_accessible(page)


def test_a_survey_with_bare_questions_of_every_kind_can_be_answered(page: Page, live_server):
    survey = given_a_survey_with_every_kind_of_question_and_no_hints()
    when_a_member_of_staff_answers_every_page(page, live_server, survey)
    then_they_can_check_and_send_their_answers(page, survey)
