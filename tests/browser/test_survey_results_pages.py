"""The survey results pages and the front door on the demo data, at 1280 and 375 px: key findings
first, each question's chart drawn when its detail is opened, written answers on their own page,
the open wave's one empty state, and the front door's charts; each page without sideways scroll
and with no axe WCAG 2.2 AA violation."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from surveys.models import Survey, SurveyStatus
from tests.accessibility import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 375)


def _fits(page: Page, width: int, problems: list[str]) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"{page.url} at {width} px is {scroll_width} px wide")
    try:
        assert_accessible(page)
    except AssertionError as failure:
        problems.append(f"at {width} px: {failure}")


def test_the_results_written_answers_and_front_door_read_true_at_both_widths(
    page: Page, live_server, sign_in_as
):
    call_command("load_demo_data", stdout=io.StringIO())
    closed = Survey.objects.get(status=SurveyStatus.CLOSED)
    open_wave = Survey.objects.get(status=SurveyStatus.OPEN)
    sign_in_as("service_manager")
    results = f"{live_server.url}/surveys/{closed.slug}/results/"
    problems: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})

        page.goto(results)
        main = page.locator("main")
        expect(main.get_by_role("heading", name="Key findings")).to_be_visible()
        findings = page.get_by_test_id("key-findings")
        expect(findings).to_contain_text("Experienced it at least once")
        expect(findings).to_contain_text("Higher than White")
        expect(page.get_by_test_id("response-rate")).to_contain_text("a response rate of 56%")
        # Folded until asked for; opening one draws its chart at the width of its box.
        first = page.locator("details.portal-question-detail").first
        first.locator("summary").first.click()
        chart = first.locator(".portal-chart .main-svg").first
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box and box["width"] <= width, box
        _fits(page, width, problems)

        page.get_by_label("Show answers from").select_option(label="West")
        page.get_by_role("button", name="Show").click()
        expect(main).to_contain_text("Locality: West")
        _fits(page, width, problems)

        page.goto(results)
        page.get_by_role("link", name="Read the written answers", exact=True).click()
        expect(page.locator("h1")).to_contain_text("Written answers")
        expect(page.locator("#answers-heading")).to_contain_text("answers: 1 to 20 shown")
        _fits(page, width, problems)
        page.get_by_label("Ethnic group").select_option(label="White")
        page.get_by_label("Words in the answer").fill("training")
        page.get_by_role("button", name="Show answers").click()
        expect(page.locator("#answers-heading")).to_contain_text("found")
        for text in page.locator("main .govuk-inset-text").all_inner_texts():
            assert "training" in text.lower()
        _fits(page, width, problems)

        page.goto(f"{live_server.url}/surveys/{open_wave.slug}/results/")
        expect(main).to_contain_text("Nobody has answered this survey yet")
        assert page.locator(".portal-chart").count() == 0
        _fits(page, width, problems)

        page.goto(f"{live_server.url}/dashboards/front-door/")
        expect(page.locator("#chart-shares + *, .portal-chart .main-svg").first).to_be_attached()
        _fits(page, width, problems)
    assert not problems, "\n\n".join(problems)
