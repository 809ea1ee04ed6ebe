"""Journeys through the action plan: a steering group member creates a plan from the template,
adds an action, posts an update and sees the RAG change, reads the board report and exports the
plan; a stale save is refused; a service manager reads without edit buttons."""

import datetime as dt
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from actions import demo as actions_demo
from actions import services
from actions.models import Action, Plan
from tests.accessibility import assert_accessible
from tests.actions import factories
from tests.personas import make_persona, make_user

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("ARP_SCREENSHOTS")  # a folder, to look at the pages while developing


def then_the_accessibility_baseline_is_met(page: Page, name: str = ""):
    if SHOTS and name:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
    assert_accessible(page)


def fill_date(page: Page, field: str, value: dt.date):
    page.locator(f"#id_{field}_0").fill(str(value.day))
    page.locator(f"#id_{field}_1").fill(str(value.month))
    page.locator(f"#id_{field}_2").fill(str(value.year))


def when_i_create_a_plan_from_the_template(page: Page, live_server):
    page.goto(f"{live_server.url}/actions/")
    then_the_accessibility_baseline_is_met(page, "01-plans-empty")
    page.get_by_role("link", name="Create a plan").click()
    page.get_by_label("Plan name").fill("ARP strategy 2026 to 2028")
    fill_date(page, "period_start", dt.date(2026, 4, 1))
    fill_date(page, "period_end", dt.date(2028, 3, 31))
    page.get_by_label("Governing board").fill("Children's Services Leadership Board")
    then_the_accessibility_baseline_is_met(page, "02-plan-form")
    page.get_by_role("button", name="Create plan").click()


def then_the_overview_shows_the_six_outcomes(page: Page):
    expect(page.get_by_role("heading", level=1)).to_have_text("ARP strategy 2026 to 2028")
    table = page.get_by_role("table", name="RAG by outcome")
    expect(table.get_by_role("row")).to_have_count(7)
    expect(table).to_contain_text("6. Over-representation of ethnically diverse children")


def when_i_add_an_action(page: Page, owner_label: str):
    today = timezone.localdate()
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Title").fill("Run learning spaces every six weeks")
    page.get_by_label(re.compile(r"2\. A workforce supported")).check()
    page.get_by_label("Area of focus").select_option(label="Practice")
    page.get_by_label("Owner").select_option(label=owner_label)
    fill_date(page, "start_date", today - dt.timedelta(days=50))
    fill_date(page, "due_date", today + dt.timedelta(days=50))
    page.get_by_label("In progress").check()
    page.get_by_label("Percent complete").fill("10")
    page.get_by_role("button", name="Add action").click()


def when_i_post_an_update(page: Page, percent: str):
    page.get_by_role("link", name="Post an update").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post an update")
    page.get_by_label("What has happened since the last update?").fill(
        "Four learning spaces held; locality facilitators trained."
    )
    page.get_by_label("Percent complete").fill(percent)
    then_the_accessibility_baseline_is_met(page, "05-update-form")
    page.get_by_role("button", name="Post update").click()


def test_a_steering_member_runs_the_plan_from_creation_to_board_report(
    page, live_server, sign_in_as
):
    member = sign_in_as("steering_member")
    started = timezone.now()
    when_i_create_a_plan_from_the_template(page, live_server)
    then_the_overview_shows_the_six_outcomes(page)
    then_the_accessibility_baseline_is_met(page, "03-overview-new")

    when_i_add_an_action(page, owner_label=member.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A-1 Run learning spaces every six weeks"
    )
    expect(page.locator("#action-rag")).to_contain_text("Red")  # 10% against a 50% target
    then_the_accessibility_baseline_is_met(page, "04-action-page")

    when_i_post_an_update(page, "48")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Update posted on A-1: in progress, 48% complete, RAG green."
    )
    expect(page.locator("#action-rag")).to_contain_text("Green")
    expect(page.locator(".portal-timeline")).to_contain_text("Four learning spaces held")
    expect(page.locator("#history ~ div table")).to_contain_text("Percent complete")
    then_the_accessibility_baseline_is_met(page, "06-action-after-update")
    # Creating the plan, adding an action and posting an update took well under a minute.
    assert (timezone.now() - started).total_seconds() < 60

    page.get_by_role("link", name="All actions in ARP strategy 2026 to 2028").click()
    page.get_by_label("RAG").select_option(label="Green")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-count")).to_have_text("1 action matching the filters.")
    then_the_accessibility_baseline_is_met(page, "07-action-list")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these actions as CSV").click()
    assert download.value.suggested_filename.endswith(".csv")

    page.get_by_role("link", name="Board report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("progress report")
    expect(page.locator("main")).to_contain_text("Four learning spaces held")
    then_the_accessibility_baseline_is_met(page, "08-board-report")
    page.emulate_media(media="print")
    expect(page.locator(".govuk-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="My actions").first.click()
    expect(page.locator("main")).to_contain_text("A-1 Run learning spaces every six weeks")
    then_the_accessibility_baseline_is_met(page, "09-my-actions")


def test_a_stale_save_is_refused_with_what_changed(page, live_server, sign_in_as):
    member = sign_in_as("steering_member")
    action = factories.action(by=member, title="Thematic audit")
    other = make_user("ada.mensah", "Steering group", first_name="Ada", last_name="Mensah")
    page.goto(f"{live_server.url}/actions/action/{action.pk}/edit/")
    page.get_by_label("Title").fill("Thematic audit of CP plans")

    # Meanwhile, someone else saves.
    services.action_update(
        action_id=action.pk, expected_version=action.version, by=other, percent_complete=35
    )
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#stale-edit")).to_contain_text(
        "Someone else changed this while you were editing it"
    )
    expect(page.locator("#stale-edit")).to_contain_text("Ada Mensah")
    expect(page.get_by_label("Title")).to_have_value("Thematic audit of CP plans")
    then_the_accessibility_baseline_is_met(page, "10-stale-edit")
    assert Action.objects.get(pk=action.pk).title == "Thematic audit"

    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A-1 Thematic audit of CP plans")


def test_a_service_manager_reads_the_demo_plan_without_edit_buttons(page, live_server, sign_in_as):
    sign_in_as("service_manager")
    make_persona("steering_member")  # the demo plan's owners, as the core demo names them
    make_persona("data_manager")
    actions_demo.load_demo_data(log=lambda message: None)
    plan = Plan.objects.get()
    page.goto(f"{live_server.url}/actions/plans/{plan.pk}/")
    expect(page.locator("main")).to_contain_text("Overdue")
    expect(page.get_by_role("link", name="Add an action")).to_have_count(0)
    then_the_accessibility_baseline_is_met(page, "11-demo-overview")
    page.get_by_role("link", name=re.compile("Disproportionality thematic audit")).first.click()
    expect(page.locator("main")).to_contain_text("Measure not yet available")
    expect(page.get_by_role("link", name="Post an update")).to_have_count(0)
    then_the_accessibility_baseline_is_met(page, "12-demo-action")
    page.goto(f"{live_server.url}/actions/plans/{plan.pk}/actions/?sort=rag")
    then_the_accessibility_baseline_is_met(page, "13-demo-list")
    page.goto(f"{live_server.url}/actions/plans/{plan.pk}/reflections/")
    then_the_accessibility_baseline_is_met(page, "14-reflections")
    page.goto(f"{live_server.url}/actions/plans/{plan.pk}/board-report/")
    then_the_accessibility_baseline_is_met(page, "15-demo-board-report")


def test_a_mistake_in_an_update_is_explained_accessibly(page, live_server, sign_in_as):
    member = sign_in_as("steering_member")
    action = factories.action(by=member)
    page.goto(f"{live_server.url}/actions/action/{action.pk}/update/")
    page.get_by_label("Percent complete").fill("120")
    page.get_by_label("Red, set by hand").check()
    page.get_by_role("button", name="Post update").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter what has happened since the last update")
    expect(summary).to_contain_text("Percent complete must be 100 or less")
    expect(summary).to_contain_text("Enter why you are setting the RAG by hand")
    expect(page).to_have_title(re.compile(r"^Post an update on A-1 - Error"))
    expect(page.get_by_label("Red, set by hand")).to_be_checked()  # what was chosen is kept
    then_the_accessibility_baseline_is_met(page, "16-update-errors")


def test_the_plans_outcomes_can_be_reworded(page, live_server, sign_in_as):
    member = sign_in_as("steering_member")
    plan = factories.plan(by=member)
    page.goto(f"{live_server.url}/actions/plans/{plan.pk}/edit/")
    then_the_accessibility_baseline_is_met(page, "17-plan-edit")
    page.get_by_role("link", name="Change outcome 4").click()
    page.get_by_label("Outcome").fill("Families are guided to early help from first contact")
    page.get_by_role("button", name="Save outcome").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Outcome 4 saved.")
    expect(page.locator("main")).to_contain_text("Families are guided to early help")
    then_the_accessibility_baseline_is_met(page)
