"""After a children's import the dashboard is prepared for every month-end a view or its
five-year trend is likely to ask for, with a progress bar in the commands."""

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from arp_portal.core.models import CohortSnapshotBuild
from dashboards.children import snapshots
from tests.dashboards_children.conftest import add_children


def test_month_ends_run_from_four_years_before_the_data_to_its_last_month_end():
    dates = snapshots.month_ends(dt.date(2021, 4, 1), dt.date(2026, 3, 31))
    assert dates[0] == dt.date(2017, 3, 31)
    assert dates[-1] == dt.date(2026, 3, 31)
    assert len(dates) == 9 * 12 + 1
    assert dt.date(2024, 2, 29) in dates and dt.date(2023, 2, 28) in dates
    assert {dt.date(2024, 9, 30), dt.date(2025, 12, 31), dt.date(2022, 6, 30)} <= set(dates)
    assert set(snapshots.march_dates(dt.date(2021, 4, 1), dt.date(2026, 3, 31))) <= set(dates)


def test_data_starting_in_january_is_prepared_from_the_january_four_years_before():
    dates = snapshots.month_ends(dt.date(2021, 1, 15), dt.date(2021, 6, 14))
    assert dates[0] == dt.date(2017, 1, 31)
    assert dates[-1] == dt.date(2021, 5, 31)  # 30 June has no data yet


def test_no_data_prepares_nothing(db):
    assert snapshots.month_ends(None, None) == []
    assert snapshots.refresh_after_import() == 0


def test_refresh_after_import_builds_both_measures_for_every_month_end(authority):
    add_children("BCRB", 2, team=authority["teams"]["north"], start=dt.date(2024, 6, 1))
    built = snapshots.refresh_after_import()
    expected = snapshots.month_ends(dt.date(2024, 6, 1), dt.date(2024, 6, 1))
    assert expected[-1] == dt.date(2024, 5, 31) and expected[0] == dt.date(2020, 3, 31)
    assert built == 2 * len(expected)
    assert set(CohortSnapshotBuild.objects.values_list("reference_date", "measure")) == {
        (date, measure) for date in expected for measure in ("on_date", "starts")
    }
    assert snapshots.refresh_after_import() == 0


def test_month_ends_after_today_are_not_prepared(authority):
    """Planned starts in a case system are data, but no view asks for a date after today."""
    today = timezone.localdate()
    add_children("BCRB", 2, team=authority["teams"]["north"], start=dt.date(2024, 6, 1))
    add_children(
        "WBRI", 1, team=authority["teams"]["north"], start=today.replace(year=today.year + 2)
    )
    snapshots.refresh_after_import()
    prepared = CohortSnapshotBuild.objects.values_list("reference_date", flat=True)
    assert max(prepared) == snapshots.month_ends(today, today)[-1]
    assert max(prepared) <= today


def test_the_import_command_prepares_every_month_end_with_a_progress_bar(tmp_path, authority):
    path = tmp_path / "cases.csv"
    path.write_text(
        "child_id,date_of_birth,sex,ethnicity,episode_type,start_date,end_date,team\n"
        "C1,2015-06-14,1,BCRB,CIN,2024-05-02,,North care\n"
    )
    out = io.StringIO()
    call_command("import_cases", str(path), stdout=out)
    text = out.getvalue()
    # March 2020 (four years before the first data) to the latest 31 March the export reaches.
    total = len({date for date, _measure in snapshots.month_end_targets()})
    assert total >= 73
    assert "Preparing the dashboard's month-ends [" in text and f"({total}/{total})" in text
    # Both measures of each.
    assert "Dashboard prepared in" in text and f"{2 * total} month-end snapshots built" in text
    assert CohortSnapshotBuild.objects.filter(reference_date=dt.date(2023, 9, 30)).count() == 2


def test_the_prepare_command_also_prepares_a_date_asked_for(authority):
    add_children("BCRB", 2, team=authority["teams"]["north"], start=dt.date(2024, 6, 1))
    out = io.StringIO()
    call_command("prepare_children_dashboard", "--date", "2024-10-17", stdout=out)
    assert "Dashboard figures prepared" in out.getvalue()
    assert set(
        CohortSnapshotBuild.objects.filter(reference_date__day=17).values_list(
            "reference_date", flat=True
        )
    ) == {dt.date(year, 10, 17) for year in range(2020, 2025)}
