"""Journeys: each role signs in and lands on a home page that fits it; the public notices."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.accessibility import assert_accessible
from tests.personas import PASSWORD, make_persona

pytestmark = pytest.mark.django_db(transaction=True)


def given_i_have_an_account_as(persona: str):
    return make_persona(persona)


def when_i_sign_in(page: Page, live_server, username: str, password: str = PASSWORD):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def then_the_accessibility_baseline_is_met(page: Page):
    assert_accessible(page)


@pytest.mark.parametrize(
    ("persona", "sees", "does_not_see"),
    [
        ("service_manager", "service manager", "Edit ethnicity labels"),
        ("steering_member", "steering group", "Edit ethnicity labels"),
        ("data_manager", "Edit ethnicity labels", None),
    ],
)
def test_each_role_signs_in_to_its_home_page(page, live_server, persona, sees, does_not_see):
    user = given_i_have_an_account_as(persona)
    when_i_sign_in(page, live_server, user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Anti-racist practice portal")
    expect(page.get_by_text(f"Signed in as {user.username}")).to_be_visible()
    expect(page.locator("main")).to_contain_text(sees)
    if does_not_see:
        expect(page.locator("main")).not_to_contain_text(does_not_see)
    then_the_accessibility_baseline_is_met(page)


def test_a_wrong_password_shows_an_error_summary(page, live_server):
    given_i_have_an_account_as("service_manager")
    when_i_sign_in(page, live_server, "service.manager", "not-the-password")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct username")
    expect(page).to_have_title(re.compile(r"^Sign in - Error"))
    then_the_accessibility_baseline_is_met(page)


def test_signing_out_returns_to_a_signed_out_page(page, live_server):
    given_i_have_an_account_as("steering_member")
    when_i_sign_in(page, live_server, "steering.member")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    then_the_accessibility_baseline_is_met(page)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accessibility/", "Accessibility statement"),
        ("/privacy/", "Privacy notice"),
        ("/cookies/", "Cookies"),
        ("/accounts/sign-in/", "Sign in"),
    ],
)
def test_the_public_notices_are_readable_without_signing_in(page, live_server, path, heading):
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    then_the_accessibility_baseline_is_met(page)


def test_the_data_manager_can_relabel_an_ethnicity_code(page, live_server, sign_in_as):
    sign_in_as("data_manager")
    page.goto(f"{live_server.url}/settings/ethnicity-labels/")
    then_the_accessibility_baseline_is_met(page)
    page.get_by_role("link", name="Change label for BCRB").click()
    page.get_by_label("Display label").fill("")
    page.get_by_role("button", name="Save label").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a display label")
    then_the_accessibility_baseline_is_met(page)
    page.get_by_label("Display label").fill("Black Caribbean")
    page.get_by_role("button", name="Save label").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Black Caribbean")
    then_the_accessibility_baseline_is_met(page)
