"""The survey's journey in a browser: a data manager creates the template survey and opens it,
a member of staff answers it anonymously (by keyboard), the survey closes, and a service manager
reads the suppressed results and downloads the CSV. Every page passes axe (WCAG 2.2 AA)."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from arp_portal.core.models import Locality
from surveys.models import Response, Survey
from tests.accessibility import assert_accessible
from tests.conftest import DATABASE_TASKS

pytestmark = pytest.mark.django_db(transaction=True)


def given_a_data_manager_has_created_the_template_survey(page: Page, live_server, sign_in_as):
    for name in ("North", "South"):
        Locality.objects.get_or_create(name=name)
    sign_in_as("data_manager")
    page.goto(f"{live_server.url}/surveys/")
    assert_accessible(page)
    page.get_by_role("link", name="Create from template: Experiences of racism at work").click()
    assert_accessible(page)
    page.get_by_label("Web address").fill("racism-at-work")
    page.get_by_role("button", name="Create from template").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Experiences of racism at work")
    assert_accessible(page)


def when_they_open_it(page: Page):
    page.get_by_role("link", name="Open the survey").click()
    assert_accessible(page)
    page.get_by_role("button", name="Open the survey").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is now open")


def when_a_member_of_staff_answers_by_keyboard(staff: Page, live_server):
    staff.goto(f"{live_server.url}/surveys/racism-at-work/")
    expect(staff.get_by_text("Your answers are anonymous")).to_be_visible()
    assert_accessible(staff)
    staff.get_by_role("button", name="Start now").focus()
    staff.keyboard.press("Enter")
    expect(staff).to_have_url(re.compile(r"/page/1/$"))
    first_page = True
    while "/page/" in staff.url:
        expect(staff.locator(".portal-progress")).to_contain_text(re.compile(r"Page \d of 4"))
        if first_page:
            # Sending an empty page gives a GOV.UK error summary.
            with staff.expect_navigation():
                staff.get_by_role("button", name="Continue").click()
            expect(staff.locator(".govuk-error-summary")).to_contain_text("Prefer not to say")
            assert_accessible(staff)
            first_page = False
        for fieldset in staff.locator("fieldset").all():
            choice = fieldset.locator("input[type=radio], input[type=checkbox]").first
            choice.focus()
            staff.keyboard.press("Space")
        textareas = staff.locator("textarea")
        if textareas.count():
            textareas.first.fill("Microaggressions are treated as banter.")
        assert_accessible(staff)
        staff.get_by_role("button", name="Continue").focus()
        with staff.expect_navigation():
            staff.keyboard.press("Enter")
    expect(staff.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending them"
    )
    assert_accessible(staff)
    staff.get_by_role("button", name="Send my answers").click()
    expect(staff.locator(".govuk-panel__title")).to_have_text("Your answers have been sent")
    expect(staff.get_by_text("What we did not store")).to_be_visible()
    assert_accessible(staff)


def when_the_data_manager_closes_it(page: Page, live_server):
    page.goto(f"{live_server.url}/surveys/manage/racism-at-work/")
    page.get_by_role("link", name="Close the survey").click()
    page.get_by_role("button", name="Close the survey").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is now closed")


def and_the_worker_writes_what_was_held():
    from django.core.management import call_command

    # Closing the survey put the write of what waits on the task queue.
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def then_a_service_manager_reads_suppressed_results_and_the_csv(page: Page, live_server):
    page.goto(f"{live_server.url}/surveys/racism-at-work/results/")
    expect(page.locator("main")).to_contain_text("Fewer than 10 people answered")
    # One clear empty state: no chart, no table of "c"s (issue 12); the download still has them.
    expect(page.get_by_test_id("results-empty")).to_be_visible()
    assert page.locator(".portal-chart").count() == 0
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these tables (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    # One person answered: every figure about them is "c"; only empty groups show zeros.
    assert rows and {row["count"] for row in rows} <= {"c", "0"}
    assert {r["suppressed"] for r in rows if r["group"] == "All respondents"} == {"true"}
    assert list(rows[0]) == ["question", "option", "group", "group_size", "count", "percent",
                             "ci_low", "ci_high", "suppressed"]  # fmt: skip


def test_create_answer_close_and_read_the_survey(
    page: Page, browser, live_server, sign_in_as, settings
):
    settings.TASKS = DATABASE_TASKS  # what is held waits for the worker, as in production
    given_a_data_manager_has_created_the_template_survey(page, live_server, sign_in_as)
    when_they_open_it(page)

    staff_context = browser.new_context()  # no cookies: an anonymous member of staff
    when_a_member_of_staff_answers_by_keyboard(staff_context.new_page(), live_server)
    staff_context.close()
    survey = Survey.objects.get(slug="racism-at-work")
    # Held, sealed, until the worker writes a batch (docs/surveys.md, "Anonymity").
    assert Response.objects.filter(survey=survey).count() == 0

    when_the_data_manager_closes_it(page, live_server)
    and_the_worker_writes_what_was_held()
    assert Response.objects.filter(survey=survey).count() == 1
    page.context.clear_cookies()
    sign_in_as("service_manager")
    then_a_service_manager_reads_suppressed_results_and_the_csv(page, live_server)


def test_results_charts_filters_and_management_pages_pass_axe(page: Page, live_server, sign_in_as):
    from tests.surveys.helpers import make_survey, submit, submit_many

    survey = make_survey(status="closed", slug="charted")
    submit_many(survey, 14, ethnic_group="WBRI", role="social_worker",
                racism_from_service_users="never")  # fmt: skip
    submit_many(survey, 12, ethnic_group="BAFR", role="manager", racism_from_service_users="once")
    submit(survey, ethnic_group="AIND", free_text="Something to moderate.")
    sign_in_as("data_manager")
    page.goto(f"{live_server.url}/surveys/charted/results/")
    # Each question's chart is folded away, and drawn when its detail opens.
    page.locator("details.portal-question-detail summary").first.click()
    expect(page.locator(".portal-chart .main-svg").first).to_be_visible()  # plotly drew it
    expect(page.locator("main")).to_contain_text("27 people answered")
    assert_accessible(page)
    page.get_by_label("Show answers from").select_option(label="Manager")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("main")).to_contain_text("Role: Manager")
    assert_accessible(page)
    for path in ("", "edit/", "moderation/", "volunteers/", "next-wave/", "questions/new/"):
        page.goto(f"{live_server.url}/surveys/manage/charted/{path}")
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)
    page.goto(f"{live_server.url}/surveys/manage/charted/moderation/")
    page.get_by_role("link", name=re.compile("Moderate")).first.click()
    page.get_by_label("Publish the text above").check()
    page.get_by_role("button", name="Save decision").click()
    assert_accessible(page)
