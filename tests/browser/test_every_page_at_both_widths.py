"""Every page of the portal, on the Demoshire demo data, at a desktop width (1280 px) and a phone
width (375 px): the page never scrolls sideways (a table that is too wide scrolls inside its own
labelled region) and passes axe's WCAG 2.2 AA checks."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Page, expect

from actions.models import Action, Plan
from surveys.models import Survey, SurveyStatus
from tests.accessibility import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 375)
DEMO_PASSWORD = "demoshire-portal-2026"


def signed_in_pages(plan: Plan, action: Action, closed: Survey, open_survey: Survey) -> list[str]:
    return [
        "/",
        "/dashboards/children/",
        "/dashboards/children/?detail=detailed&outcome=CIC",
        # A view combining filters: its counts withheld, with the page's notice.
        "/dashboards/children/?sex=2&locality=North",
        "/dashboards/workforce/",
        "/dashboards/imports/",
        "/surveys/",
        f"/surveys/{closed.slug}/results/",
        f"/surveys/manage/{closed.slug}/",
        f"/surveys/manage/{open_survey.slug}/",
        "/actions/",
        f"/actions/plans/{plan.pk}/",
        f"/actions/plans/{plan.pk}/actions/",
        f"/actions/plans/{plan.pk}/board-report/",
        f"/actions/plans/{plan.pk}/reflections/",
        f"/actions/action/{action.pk}/",
        f"/actions/action/{action.pk}/edit/",
        f"/actions/action/{action.pk}/update/",
        "/actions/mine/",
        "/accounts/users/",
        "/settings/ethnicity-labels/",
    ]


ANONYMOUS_PAGES = ["/accounts/sign-in/", "/accessibility/", "/privacy/", "/cookies/"]


def given_the_demo_data_is_loaded():
    call_command("load_demo_data", stdout=io.StringIO())


def given_the_worker_has_prepared_the_childrens_pages(pages: list[str]):
    """The task worker builds and decides the dates a children's view reads once the view has
    asked for them (tasks.prepare_dates); the tests run tasks where they are queued, so the
    first request does the worker's work. It is done here, before the browser's clock starts,
    so the pages are taken with their figures, as a reader sees them once the worker is done."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="data.manager"))
    for path in pages:
        if path.startswith("/dashboards/children/"):
            assert client.get(path).status_code == 200


def given_i_sign_in_as_the_demo_data_manager(page: Page, live_server):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Username").fill("data.manager")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as data.manager")).to_be_visible()


def then_the_page_fits_its_width_and_is_accessible(page: Page, width: int, problems: list):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"{page.url} at {width} px is {scroll_width} px wide")
    try:
        assert_accessible(page)
    except AssertionError as failure:
        # Gather every page's report, so one run shows them all.
        problems.append(f"at {width} px: {failure}")


def test_every_page_fits_both_widths_and_meets_wcag_22_aa(page: Page, live_server):
    given_the_demo_data_is_loaded()
    pages = signed_in_pages(
        Plan.objects.get(),
        Action.objects.order_by("pk").first(),
        Survey.objects.get(status=SurveyStatus.CLOSED),
        Survey.objects.get(status=SurveyStatus.OPEN),
    )
    given_the_worker_has_prepared_the_childrens_pages(pages)
    problems: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in ANONYMOUS_PAGES:
            page.goto(f"{live_server.url}{path}")
            then_the_page_fits_its_width_and_is_accessible(page, width, problems)
        given_i_sign_in_as_the_demo_data_manager(page, live_server)
        for path in pages:
            page.goto(f"{live_server.url}{path}")
            expect(page.locator("h1")).to_be_visible()
            if "sex=" in path:
                expect(page.get_by_test_id("withheld")).to_be_visible()
            then_the_page_fits_its_width_and_is_accessible(page, width, problems)
        page.context.clear_cookies()
    assert not problems, "\n\n".join(problems)


def test_the_survey_intake_fits_a_phone_and_is_accessible(page: Page, live_server):
    given_the_demo_data_is_loaded()
    survey = Survey.objects.get(status=SurveyStatus.OPEN)
    problems: list[str] = []
    for width in WIDTHS:
        page.context.clear_cookies()
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/surveys/{survey.slug}/")
        then_the_page_fits_its_width_and_is_accessible(page, width, problems)
        # Wait for the first question's page: measured mid-navigation, the document is gone.
        with page.expect_navigation():
            page.get_by_role("button", name="Start now").click()
        then_the_page_fits_its_width_and_is_accessible(page, width, problems)
    assert not problems, "\n\n".join(problems)
