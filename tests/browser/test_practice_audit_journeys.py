"""Journeys: a data manager draws a racial-lens audit round and assigns it; the auditor records
a case; a data manager moderates it; a service manager reads the results. Every page passes axe
WCAG 2.2 AA."""

import pytest
from playwright.sync_api import Page, expect

from dashboards.audits import services
from dashboards.audits.models import AuditCase
from tests.accessibility import assert_accessible
from tests.audits.factories import open_cases, record

pytestmark = pytest.mark.django_db(transaction=True)


def then_the_accessibility_baseline_is_met(page: Page):
    assert_accessible(page)


def test_a_round_is_drawn_audited_moderated_and_read(page, live_server, sign_in_as):
    services.racial_lens_template_ensure()
    open_cases({"WBRI": 12, "BCRB": 12, "AIND": 3})
    auditor = sign_in_as("auditor")
    sign_in_as("data_manager")

    page.goto(f"{live_server.url}/dashboards/audits/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage practice audits")
    then_the_accessibility_baseline_is_met(page)
    page.get_by_role("link", name="Thematic audit with a racial lens").click()
    expect(page.get_by_text("Is the family's experience of racism explored?")).to_be_visible()
    then_the_accessibility_baseline_is_met(page)
    page.get_by_role("link", name="Add a question").click()
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the question")
    then_the_accessibility_baseline_is_met(page)

    page.goto(f"{live_server.url}/dashboards/audits/rounds/new/")
    page.get_by_label("Name of the round").fill("Spring 2026")
    page.locator("#id_open_on_0").fill("31")
    page.locator("#id_open_on_1").fill("3")
    page.locator("#id_open_on_2").fill("2026")
    page.get_by_label("Seed").fill("2026")
    page.get_by_label("White").fill("6")
    page.get_by_label("Black").fill("6")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select at least one auditor")
    then_the_accessibility_baseline_is_met(page)
    page.get_by_label("auditor").check()
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Drew 12 cases")
    then_the_accessibility_baseline_is_met(page)

    sign_in_as("auditor")
    page.goto(f"{live_server.url}/dashboards/audits/mine/")
    then_the_accessibility_baseline_is_met(page)
    case = AuditCase.objects.filter(auditor=auditor).order_by("position").first()
    page.get_by_role("link", name=case.child.child_ref).click()
    page.get_by_role("button", name="Save audit").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select yes, partly or no for question 1"
    )
    then_the_accessibility_baseline_is_met(page)
    for question in case.round.template.questions.all():
        page.locator(f"input[name=question_{question.pk}][value=yes]").check()
    page.get_by_label("Good").check()
    page.get_by_role("button", name="Save audit").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved the audit")

    sign_in_as("data_manager")
    page.goto(f"{live_server.url}/dashboards/audits/cases/{case.pk}/moderate/")
    then_the_accessibility_baseline_is_met(page)
    page.get_by_label("Requires improvement").check()
    page.get_by_role("button", name="Save moderation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the grade has changed")
    page.get_by_label("Moderation note").fill("The plan does not address identity.")
    page.get_by_role("button", name="Save moderation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved the moderation")

    sign_in_as("service_manager")
    page.goto(f"{live_server.url}/dashboards/audits/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice audit results")
    # One audited case so far: too few to report.
    expect(page.locator("main")).to_contain_text("Too few cases have been audited")
    then_the_accessibility_baseline_is_met(page)

    for other in AuditCase.objects.filter(recorded_at__isnull=True):
        record(other, "no", by=auditor)
    page.reload()
    # 1 yes of the 12 cases audited.
    expect(page.locator("main")).to_contain_text("Yes in 8% of the 12 cases audited")
    then_the_accessibility_baseline_is_met(page)
