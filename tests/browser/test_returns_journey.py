"""Issue 10's journey in a browser: a data manager imports last year's and this year's CIN census
(both in the <Sex> M/F/U layout) and the SSDA903 returns of the same two years through the upload
page, reads each preview and confirms it, is told plainly that a return whose ReferenceDate is
not 31 March of its Year is wrong, watches the dashboard's preparation (a background task, run
here by the worker's batch mode) and reads the figures, on the page and in its CSV, that the
files give by hand (tests/dashboards_children/test_two_years_of_returns.py works them out)."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from arp_portal.core.models import Episode, PopulationEstimate
from tests import journey_returns
from tests.accessibility import assert_accessible
from tests.conftest import DATABASE_TASKS

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = "Journey mid-year estimates (Census 2021 base)"


def given_the_authoritys_population():
    for code, count in {"WBRI": 60_000, "BCRB": 2_000}.items():
        PopulationEstimate.objects.create(
            locality=None, year=2024, source=SOURCE, age_band="0-17", ethnicity_id=code, count=count
        )


def when_i_upload(page: Page, live_server, kind: str, files: dict, year: str = "") -> None:
    page.goto(f"{live_server.url}/dashboards/imports/")
    page.get_by_role("link", name=f"Import {kind}").click()
    for label, path in files.items():
        page.get_by_label(label).set_input_files(str(path))
    if year:
        page.get_by_label("Collection year").fill(year)
    page.get_by_role("button", name="Check the file").click()


def then_it_is_imported(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Imported: {name}")
    # The worker has not run yet: the report says how far the preparation has got.
    expect(page.get_by_test_id("preparation")).to_contain_text("Preparing the dashboard: 0 of")
    # Refreshing itself is the reader's choice (WCAG 2.2.1), offered beside the progress.
    assert page.locator("meta[http-equiv='refresh']").count() == 0
    expect(page.get_by_role("link", name="refresh it every 5 seconds")).to_be_visible()


def then_i_confirm(page: Page, preview: str, name: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what this import would change")
    expect(page.get_by_test_id("preview")).to_have_text(preview)
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Imported: {name}")


def then_it_fits_both_widths_and_is_accessible(page: Page) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()  # laid out at this width, as a phone would load it
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def csv_counts(page: Page) -> dict[str, str]:
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert {row["suppressed"] for row in rows} == {"false"}
    return {row["ethnic_group"]: row["count"] for row in rows if row["count"] != "0"}


def test_two_years_of_returns_previewed_confirmed_prepared_and_read(
    page: Page, live_server, sign_in_as, settings, tmp_path
):
    settings.TASKS = DATABASE_TASKS  # the preparation waits for the worker, as in production
    settings.ARP_IMPORT_STAGING_DIR = tmp_path / "staging"
    files = journey_returns.write(tmp_path)
    given_the_authoritys_population()
    sign_in_as("data_manager")

    when_i_upload(page, live_server, "CIN census (XML)", {"Upload a file": files["cin-2025.xml"]})
    then_it_is_imported(page, "cin-2025.xml")
    expect(page.locator("main")).to_contain_text("2024-25 (the year to 31 March 2025)")
    then_it_fits_both_widths_and_is_accessible(page)

    when_i_upload(page, live_server, "CIN census (XML)", {"Upload a file": files["cin-2026.xml"]})
    # The preview has loaded (the upload's redirect is over) before the page is laid out again.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what this import would change")
    then_it_fits_both_widths_and_is_accessible(page)
    then_i_confirm(
        page,
        "Collection year 2025-26 (from the header's Year); no 2025-26 return is held, so none is "
        "replaced: 0 episodes removed, 37 added; 36 episodes left open in earlier years' returns "
        "now end on that return's 31 March; 1 child's ethnicity changes.",
        "cin-2026.xml",
    )
    expect(page.locator("main")).to_contain_text(
        "6 child(ren) open at the end of the CIN census 2024-25 are not in this return"
    )
    assert Episode.objects.filter(source="cin:2025").count() == 38  # nothing of 2024-25 lost

    care = {
        "Header file (CSV)": files["header-2025.csv"],
        "Episodes file (CSV)": files["episodes-2025.csv"],
    }
    when_i_upload(page, live_server, "SSDA903 children looked after (CSV)", care, year="2025")
    then_it_is_imported(page, "header-2025.csv, episodes-2025.csv")
    care = {
        "Header file (CSV)": files["header-2026.csv"],
        "Episodes file (CSV)": files["episodes-2026.csv"],
    }
    when_i_upload(page, live_server, "SSDA903 children looked after (CSV)", care)
    then_i_confirm(
        page,
        "Collection year 2025-26 (from the YEAR column); no 2025-26 return is held, so none is "
        "replaced: 0 episodes removed, 18 added; in other years' returns, as the episode cleaning "
        "makes them: 18 episodes removed, 6 added.",
        "header-2026.csv, episodes-2026.csv",
    )
    expect(page.locator("main")).to_contain_text(
        "child G-WBRI-1's episode starting 01/05/2024 (open in the file) now ends 31/03/2025"
    )

    wrong = {"Upload a file": files["cin-2026-wrong-reference-date.xml"]}
    when_i_upload(page, live_server, "CIN census (XML)", wrong)
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejected: nothing was imported")
    expect(page.get_by_test_id("problems")).to_contain_text(
        "the reference date is 2025-03-31 but a 2025-26 return (Year 2026) has 2026-03-31 "
        "(DfE rule 100)"
    )
    then_it_fits_both_widths_and_is_accessible(page)

    # The worker prepares the dashboard; the last import's report says it is done.
    page.goto(f"{live_server.url}/dashboards/imports/")
    page.get_by_role("link", name=re.compile("^Report for header-2026.csv")).first.click()
    page.get_by_role("link", name="refresh it every 5 seconds").click()
    expect(page.get_by_test_id("refreshing")).to_be_visible()
    assert page.locator("meta[http-equiv='refresh']").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    # The page refreshes itself (every 5 seconds) until the preparation is done: no reload here,
    # which could race the refresh's own navigation.
    expect(page.locator("#dashboard-preparation + p")).to_contain_text(
        "Its figures are prepared for every month-end", timeout=20_000
    )
    assert page.locator("meta[http-equiv='refresh']").count() == 0

    # The imports page lists what is loaded: four returns imported, one rejected.
    page.goto(f"{live_server.url}/dashboards/imports/")
    log = page.get_by_role("region", name="Imports")
    expect(log.get_by_text("Imported", exact=True)).to_have_count(4)
    expect(log.get_by_text("Rejected", exact=True)).to_have_count(1)
    page.goto(f"{live_server.url}/dashboards/imports/runs/{_latest_run_pk()}/")
    page.get_by_role("link", name="See the children's dashboard").click()

    # 31 March 2026, where the data ends: 12 White British and 12 Black Caribbean children in
    # need (L left, K's episode closed; G and R out of care), none of unknown ethnicity.
    expect(page.get_by_role("heading", name="Children in need on 31 March 2026")).to_be_visible()
    expect(page.get_by_test_id("data-ends-on")).to_contain_text("31 March 2026")
    expect(page.locator("main")).to_contain_text(
        "The imported data covers 10 April 2024 to 31 March 2026."
    )
    expect(page.get_by_test_id("being-prepared")).to_have_count(0)
    then_it_fits_both_widths_and_is_accessible(page)
    page.get_by_label("Detailed groups (DfE codes)").check()
    page.get_by_role("button", name="Apply filters").click()
    assert csv_counts(page) == {"WBRI": "12", "BCRB": "12"}
    page.get_by_label("In care").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="Children in care on 31 March 2026")).to_be_visible()
    assert csv_counts(page) == {"WBRI": "6", "BCRB": "6"}

    # A year earlier: 9 of each group in care (G and R had not yet left).
    page.goto(f"{live_server.url}/dashboards/children/?cohort=cic&date=2025-03-31&detail=detailed")
    expect(page.get_by_test_id("being-prepared")).to_have_count(0)
    assert csv_counts(page) == {"WBRI": "9", "BCRB": "9"}


def _latest_run_pk() -> int:
    from arp_portal.core.models import ImportRun

    return ImportRun.objects.filter(status="succeeded").latest("finished_at").pk
