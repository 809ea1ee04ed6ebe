"""Journeys: a data manager imports the HR files (and sees a broken one refused), then a service
manager reads the workforce dashboard; every page passes axe WCAG 2.2 AA."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from arp_portal.core.models import StaffMember
from dashboards.models import WorkforceEvent
from tests.accessibility import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

STAFF_HEADER = "staff_id,ethnicity,grade_band,role,team,fte,hourly_pay,start_date,leaving_date\n"


def a_staff_file() -> str:
    rows = [
        f"W{n:03d},WBRI,Practitioner,Social worker,,1,{20 + n % 7}.00,2019-04-01,"
        for n in range(100)
    ]
    rows += [
        f"B{n:03d},BAFR,Practitioner,Social worker,,1,{19 + n % 5}.00,2019-04-01,"
        for n in range(50)
    ]
    return STAFF_HEADER + "\n".join(rows) + "\n"


def an_events_file() -> str:
    rows = [f"W{n:03d},disciplinary_opened,2025-03-03," for n in range(10)]
    rows += [f"B{n:03d},disciplinary_opened,2025-03-03," for n in range(12)]
    return "staff_id,event,date,detail\n" + "\n".join(rows) + "\n"


def when_i_upload(page: Page, live_server, path: str, tmp_path, name: str, text: str):
    page.goto(f"{live_server.url}{path}")
    file = tmp_path / name
    file.write_text(text)
    page.get_by_label("Upload a file").set_input_files(str(file))
    page.get_by_role("button", name="Check the file").click()


def then_the_accessibility_baseline_is_met(page: Page):
    assert_accessible(page)


def test_a_data_manager_imports_hr_files_and_a_broken_one_is_refused(
    page, live_server, sign_in_as, tmp_path
):
    sign_in_as("data_manager")
    page.goto(f"{live_server.url}/dashboards/imports/workforce-staff/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("HR staff extract")
    then_the_accessibility_baseline_is_met(page)

    broken = STAFF_HEADER + "E1,White British,Practitioner,Social worker,Nowhere,1,20,2020-01-01,\n"
    when_i_upload(
        page, live_server, "/dashboards/imports/workforce-staff/", tmp_path, "bad.csv", broken
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejected: nothing was imported")
    problems = page.get_by_test_id("problems")
    expect(problems).to_contain_text("'White British' is not a DfE ethnicity code")
    expect(problems).to_contain_text("'Nowhere' is not a team the portal knows")
    expect(page).to_have_title(re.compile(r"Import rejected"))
    assert StaffMember.objects.count() == 0
    then_the_accessibility_baseline_is_met(page)

    when_i_upload(
        page,
        live_server,
        "/dashboards/imports/workforce-staff/",
        tmp_path,
        "staff.csv",
        a_staff_file(),
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported: staff.csv")
    expect(page.get_by_role("table")).to_contain_text("Staff in the file")
    expect(page.get_by_role("table")).to_contain_text("150")
    then_the_accessibility_baseline_is_met(page)
    when_i_upload(
        page,
        live_server,
        "/dashboards/imports/workforce-events/",
        tmp_path,
        "events.csv",
        an_events_file(),
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported: events.csv")
    assert WorkforceEvent.objects.count() == 22

    when_i_upload(page, live_server, "/dashboards/imports/csww/", tmp_path, "csww.xml", a_census())
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported: csww.xml")
    expect(page.get_by_role("table")).to_contain_text("Agency workers skipped")
    expect(page.get_by_role("link", name="See the workforce dashboard")).to_be_visible()
    then_the_accessibility_baseline_is_met(page)


def a_census() -> str:
    worker = (
        "<CSWWWorker><AgencyWorker>{agency}</AgencyWorker><SWENo>SW{number:010d}</SWENo>"
        "<FTE>1.000000</FTE><Ethnicity>BCRB</Ethnicity><OrgRole>5</OrgRole>"
        "<RoleStartDate>2020-01-06</RoleStartDate></CSWWWorker>"
    )
    workers = [worker.format(agency=0, number=n) for n in (1, 2)] + [
        worker.format(agency=1, number=3)
    ]
    header = (
        "<Header><CollectionDetails><Collection>CSWW</Collection><Year>2025</Year>"
        "<ReferenceDate>2025-09-30</ReferenceDate></CollectionDetails></Header>"
    )
    return "<Message>" + header + "".join(workers) + "</Message>"


def test_a_data_manager_sets_the_training_target(page, live_server, sign_in_as):
    sign_in_as("data_manager")
    page.goto(f"{live_server.url}/dashboards/workforce/training-target/")
    page.get_by_label("Target: percentage").fill("ninety")
    page.get_by_role("button", name="Save target").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the target as a number, like 90"
    )
    then_the_accessibility_baseline_is_met(page)
    page.get_by_label("Target: percentage").fill("90")
    page.locator("#id_due_date_0").fill("31")
    page.locator("#id_due_date_1").fill("1")
    page.locator("#id_due_date_2").fill("2025")
    page.get_by_role("button", name="Save target").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The training target is now 90% of staff in post by 31 January 2025."
    )


def test_a_service_manager_reads_the_disciplinary_likelihood_and_pay_gap(
    page, live_server, sign_in_as, tmp_path
):
    from django.core.management import call_command

    staff, events = tmp_path / "staff.csv", tmp_path / "events.csv"
    staff.write_text(a_staff_file())
    events.write_text(an_events_file())
    call_command("import_workforce", str(staff))
    call_command("import_workforce_events", str(events))

    sign_in_as("service_manager")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Workforce dashboard").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workforce equality dashboard")
    page.get_by_label("Year", exact=True).select_option("2025")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("[data-summary=disciplinary]")).to_contain_text(
        "Black staff were 2.40 times as likely as White staff to enter a formal disciplinary "
        "process in 2025"
    )
    expect(page.locator("[data-summary=pay]")).to_contain_text("the median hourly pay of")
    # The charts are drawn by plotly from the figure JSON beside them.
    chart = page.locator("#disciplinary ~ .portal-figure .portal-chart .main-svg")
    expect(chart.first).to_be_attached()
    then_the_accessibility_baseline_is_met(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    text = Path(download.value.path()).read_text()
    assert "Disciplinary: relative likelihood against White staff,2025,Black,12,50,2.4," in text
