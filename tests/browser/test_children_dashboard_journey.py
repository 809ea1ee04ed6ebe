"""Journeys: a data manager imports case data and population estimates (and sees a precise
report for a broken file); a service manager asks whether Black Caribbean children are
over-represented in care in the North, and since when, from the page and the CSV."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from arp_portal.core.models import Child, Episode, Locality, PopulationEstimate, Team
from tests.accessibility import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = "Journey mid-year estimates (Census 2021 base)"
CASES_HEADER = "child_id,date_of_birth,sex,ethnicity,episode_type,start_date,end_date,team\n"


def given_the_north_has_a_care_team():
    north = Locality.objects.create(name="North")
    return Team.objects.create(name="North care", locality=north, service_area="children_in_care")


def given_five_years_of_children_in_care(team):
    """White British children in care throughout; Black Caribbean children only from 2023."""
    for year in range(2020, 2026):
        for code, count in {"WBRI": 30_000, "BCRB": 1_500, "BAFR": 2_000}.items():
            PopulationEstimate.objects.create(
                locality=team.locality,
                year=year,
                source=SOURCE,
                age_band="0-17",
                ethnicity_id=code,
                count=count,
            )
    for code, how_many, start in (
        ("WBRI", 60, dt.date(2020, 1, 1)),
        ("BAFR", 8, dt.date(2020, 1, 1)),
        ("BCRB", 30, dt.date(2022, 6, 1)),
    ):
        for number in range(how_many):
            child = Child.objects.create(
                child_ref=f"{code}{number}",
                birth_year=2014,
                birth_month=5,
                sex=1,
                ethnicity_id=code,
            )
            Episode.objects.create(child=child, kind="CIC", start_date=start, team=team)


def when_i_upload(page: Page, live_server, link: str, path) -> None:
    page.goto(f"{live_server.url}/dashboards/imports/")
    page.get_by_role("link", name=link).click()
    page.get_by_label("Upload a file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()


def then_the_accessibility_baseline_is_met(page: Page):
    assert_accessible(page)


def test_a_data_manager_imports_and_sees_a_precise_report(page, live_server, sign_in_as, tmp_path):
    given_the_north_has_a_care_team()
    sign_in_as("data_manager")
    page.goto(f"{live_server.url}/dashboards/imports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Data imports")
    then_the_accessibility_baseline_is_met(page)

    broken = tmp_path / "cases.csv"
    broken.write_text(CASES_HEADER + "C1,2015-06-14,1,bcrb,CIC,2024-05-02,,North care\n")
    when_i_upload(page, live_server, "Import Case-system export (CSV or Excel)", broken)
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejected: nothing was imported")
    expect(page.get_by_test_id("problems")).to_contain_text(
        "ethnicity codes are upper case: 'bcrb' should be written 'BCRB'"
    )
    expect(page.get_by_test_id("problems")).to_contain_text("line 2")
    then_the_accessibility_baseline_is_met(page)
    assert not Child.objects.exists()

    good = tmp_path / "cases-fixed.csv"
    good.write_text(CASES_HEADER + "C1,2015-06-14,1,BCRB,CIC,2024-05-02,,North care\n")
    when_i_upload(page, live_server, "Import Case-system export (CSV or Excel)", good)
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported: cases-fixed.csv")
    expect(page.get_by_role("link", name="See the children's dashboard")).to_be_visible()
    then_the_accessibility_baseline_is_met(page)

    # The episode has since closed: the import would change what the first wrote, so it is
    # previewed and waits for confirmation.
    closed = tmp_path / "cases-closed.csv"
    closed.write_text(CASES_HEADER + "C1,2015-06-14,1,BCRB,CIC,2024-05-02,2024-12-01,North care\n")
    when_i_upload(page, live_server, "Import Case-system export (CSV or Excel)", closed)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what this import would change")
    expect(page.get_by_test_id("preview")).to_contain_text("1 episode removed, 1 added")
    then_the_accessibility_baseline_is_met(page)
    assert Episode.objects.get().end_date is None
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported: cases-closed.csv")
    assert Episode.objects.get().end_date == dt.date(2024, 12, 1)

    population = tmp_path / "population.csv"
    population.write_text(
        "area,year,source,age_band,ethnicity,count\n"
        f"North,2024,{SOURCE},0-17,BCRB,1500\nNorth,2024,{SOURCE},0-17,WBRI,30000\n"
    )
    when_i_upload(page, live_server, "Import Child population estimates (CSV or Excel)", population)
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported: population.csv")
    assert Episode.objects.get().locality.name == "North"


def test_a_service_manager_finds_over_representation_and_since_when(page, live_server, sign_in_as):
    team = given_the_north_has_a_care_team()
    given_five_years_of_children_in_care(team)
    sign_in_as("service_manager")
    page.goto(f"{live_server.url}/dashboards/children/?date=2025-03-31")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Which children are over-represented?"
    )

    page.get_by_label("In care").check()
    page.get_by_label("Locality").select_option("North")
    page.get_by_label("Detailed groups (DfE codes)").check()
    page.get_by_role("button", name="Apply filters").click()

    expect(page.get_by_test_id("summary")).to_contain_text(
        "Black Caribbean children were 10.0 times as likely as White British children to be in "
        "care on 31 March 2025"
    )
    expect(page.get_by_test_id("trend-summary")).to_contain_text("every year since 2023")
    expect(page.get_by_test_id("rate-table")).to_contain_text("200.0")
    # BAFR's 8 children show; nothing here is small enough to hide.
    expect(page.locator("[data-plotly-figure='rri-figure-data'] svg").first).to_be_visible()
    expect(page.get_by_text(SOURCE).first).to_be_visible()
    then_the_accessibility_baseline_is_met(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    bcrb = next(row for row in rows if row["ethnic_group"] == "BCRB")
    assert (bcrb["cohort"], bcrb["count"], bcrb["rri"]) == ("cic", "30", "10.00")
