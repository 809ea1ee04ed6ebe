"""Journeys: a data manager imports a year of contacts (and sees a broken file refused) and early
help episodes; a service manager reads which families reach early help rather than a referral.
Every page passes axe WCAG 2.2 AA."""

import re

import pytest
from playwright.sync_api import Page, expect

from arp_portal.core.models import AgeBand, PopulationEstimate
from dashboards.front_door.models import Contact
from tests.accessibility import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "child_id,contact_date,source,outcome,ethnicity\n"


def a_year_of_contacts() -> str:
    rows = []
    for code, early_help, referral in (("WBRI", 60, 40), ("BCRB", 12, 30), ("AIND", 10, 8)):
        rows += [f"{code}-E{n},2025-05-{1 + n % 28:02d},2A,early_help,{code}"
                 for n in range(early_help)]  # fmt: skip
        rows += [f"{code}-R{n},2025-07-{1 + n % 28:02d},6,referral,{code}"
                 for n in range(referral)]  # fmt: skip
    return HEADER + "\n".join(rows) + "\n"


def when_i_upload(page: Page, live_server, link: str, path) -> None:
    page.goto(f"{live_server.url}/dashboards/imports/")
    page.get_by_role("link", name=link).click()
    page.get_by_label("Upload a file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()


def then_the_accessibility_baseline_is_met(page: Page):
    assert_accessible(page)


def test_a_year_of_contacts_is_imported_and_read(page, live_server, sign_in_as, tmp_path):
    for code, count in {"WBRI": 60_000, "BCRB": 2_000, "AIND": 5_000}.items():
        PopulationEstimate.objects.create(year=2024, source="ONS mid-2024", age_band=AgeBand.ALL,
                                          ethnicity_id=code, count=count)  # fmt: skip
    sign_in_as("data_manager")
    page.goto(f"{live_server.url}/dashboards/imports/contacts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Front door contacts (CSV or Excel)")
    then_the_accessibility_baseline_is_met(page)

    broken = tmp_path / "broken.csv"
    broken.write_text(HEADER + "C1,2025-04-02,2Z,early_help,White British\n")
    when_i_upload(page, live_server, "Front door contacts (CSV or Excel)", broken)
    expect(page.locator("main")).to_contain_text(
        "'2Z' is not a CIN census referral source code (1A to 10)"
    )
    expect(page).to_have_title(re.compile("Import"))
    assert Contact.objects.count() == 0
    then_the_accessibility_baseline_is_met(page)

    good = tmp_path / "contacts.csv"
    good.write_text(a_year_of_contacts())
    when_i_upload(page, live_server, "Front door contacts (CSV or Excel)", good)
    expect(page.locator("main")).to_contain_text("contacts")
    assert Contact.objects.count() == 160
    page.goto(f"{live_server.url}/dashboards/imports/early-help/")
    then_the_accessibility_baseline_is_met(page)

    sign_in_as("service_manager")
    page.goto(f"{live_server.url}/dashboards/front-door/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Front door: early help from first contact"
    )
    expect(page.get_by_test_id("front-door-summary").first).to_contain_text(
        "In 2025-26 the front door had 160 contacts"
    )
    # Black Caribbean: (12/30) / (60/40) = 0.27, well below 1.
    expect(page.locator("main")).to_contain_text("less often guided to early help")
    then_the_accessibility_baseline_is_met(page)
    page.get_by_label("Detailed groups (DfE codes)").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("main")).to_contain_text("Caribbean")
    then_the_accessibility_baseline_is_met(page)
