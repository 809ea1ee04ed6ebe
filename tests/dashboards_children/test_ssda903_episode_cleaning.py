# ruff: noqa: E501 -- report lines are quoted whole, as a data manager reads them.
"""SSDA903 returns stacked across years, cleaned as the field cleans them (liia-tools' episodes
fix): the fixture's nine children each show one rule (tests/fixtures/ssda903/README.md)."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from arp_portal.core.importing import ImportRejected, UploadedData, run_import
from arp_portal.core.models import CareEpisodeRecord, Episode, ImportRun
from dashboards.children import selectors
from dashboards.children.episode_cleaning import CareEpisode, clean_episodes
from dashboards.children.importers import import_ssda903

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ssda903"
MARCH_2022 = dt.date(2022, 3, 31)


def import_year(year: int):
    files = [
        UploadedData(f"header_{year}.csv", (FIXTURES / f"header_{year}.csv").read_bytes()),
        UploadedData(f"episodes_{year}.csv", (FIXTURES / f"episodes_{year}.csv").read_bytes()),
    ]
    return run_import(kind="ssda903", files=files, importer=import_ssda903, year=year)


def in_care_on(date: dt.date) -> int:
    filters = selectors.ChildFilters(cohort="cic", reference_date=date)
    return sum(selectors.live_trend_counts(filters, [date])[date].values())


def literally_in_care_on(date: dt.date) -> set[str]:
    """Worked out from the files themselves, taking every episode as filed."""
    children = set()
    for year in (2021, 2022, 2023):
        text = (FIXTURES / f"episodes_{year}.csv").read_text()
        for row in csv.DictReader(io.StringIO(text)):
            start = dt.datetime.strptime(row["DECOM"], "%d/%m/%Y").date()
            end = dt.datetime.strptime(row["DEC"], "%d/%m/%Y").date() if row["DEC"] else None
            if start <= date and (end is None or end >= date):
                children.add(row["CHILD"])
    return children


def test_nine_children_in_care_literally_three_after_cleaning(db):
    assert len(literally_in_care_on(MARCH_2022)) == 9
    for year in (2021, 2022, 2023):
        import_year(year)
    assert in_care_on(MARCH_2022) == 3
    on_date = Episode.objects.open_on(MARCH_2022).filter(kind="CIC")
    assert sorted(set(on_date.values_list("child__child_ref", flat=True))) == ["K2", "K6", "K8"]


def test_each_rule_closes_or_removes_and_keeps_what_the_file_said(db):
    results = {year: import_year(year) for year in (2021, 2022, 2023)}
    result = results[2023]
    held = {
        (r.child_ref, r.year): (r.dec, r.cleaned_dec, r.rule, r.removed)
        for r in CareEpisodeRecord.objects.all()
    }
    assert held[("K1", 2021)] == (None, dt.date(2021, 3, 31), "RULE_2", False)
    assert held[("K2", 2022)] == (None, dt.date(2022, 6, 1), "RULE_1", False)
    assert held[("K3", 2021)] == (None, dt.date(2021, 3, 31), "RULE_1A", False)
    assert held[("K4", 2021)] == (None, None, "RULE_3", True)
    assert held[("K5", 2021)] == (None, None, "RULE_3A", True)
    assert held[("K6", 2022)] == (MARCH_2022, dt.date(2022, 3, 1), "RULE_4", False)
    assert held[("K7", 2021)] == (None, None, "RESTATED", True)
    assert held[("K8", 2023)] == (None, None, "", False)
    assert held[("K9", 2021)] == (dt.date(2021, 2, 1), dt.date(2021, 2, 1), "", False)
    # Counted episodes carry the cleaned end, the rule, and what the file said.
    k2 = Episode.objects.get(child__child_ref="K2", source="ssda903:2022")
    assert (k2.end_date, k2.end_rule, k2.recorded_end_date) == (dt.date(2022, 6, 1), "RULE_1", None)
    k6 = Episode.objects.get(child__child_ref="K6", source="ssda903:2022")
    assert (k6.end_date, k6.end_rule, k6.recorded_end_date) == (
        dt.date(2022, 3, 1),
        "RULE_4",
        MARCH_2022,
    )
    # Removed episodes are not counted, but their rows as filed are still held.
    assert not Episode.objects.filter(child__child_ref="K4", source="ssda903:2021").exists()
    assert CareEpisodeRecord.objects.filter(removed=True).count() == 3
    # The last import's report names each change in its return and the ones it caused.
    report = result.counts["warnings"]
    assert (
        "2021-22 return, line 2: child K2's episode starting 01/05/2021 (open in the file) now ends 01/06/2022 (RULE_1: left open, and followed by a later episode: ends when the next starts)"
        in report
    )
    assert (
        "2020-21 return, line 8: child K7's episode starting 01/09/2020 (open in the file) removed (RESTATED: the same episode is in a later return, whose copy stands: removed)"
        in results[2022].counts["warnings"]
    )
    assert result.counts["episodes_removed_by_cleaning"] == 3
    assert ImportRun.objects.filter(status="succeeded").count() == 3


def test_returns_imported_in_any_order_are_cleaned_alike(db):
    for year in (2023, 2021, 2022):
        import_year(year)
    assert in_care_on(MARCH_2022) == 3
    rules = dict(CareEpisodeRecord.objects.values_list("child_ref", "rule").filter(year=2021))
    assert rules == {"K1": "RULE_2", "K3": "RULE_1A", "K4": "RULE_3", "K5": "RULE_3A",
                     "K7": "RESTATED", "K9": "", "K11": "RULE_2"}  # fmt: skip


def test_a_return_replaces_only_its_own_years_rows(db):
    for year in (2021, 2022, 2023):
        import_year(year)
    before = set(
        CareEpisodeRecord.objects.exclude(year=2022).values_list(
            "year", "child_ref", "decom", "dec"
        )
    )
    import_year(2022)
    after = set(
        CareEpisodeRecord.objects.exclude(year=2022).values_list(
            "year", "child_ref", "decom", "dec"
        )
    )
    assert before == after
    assert in_care_on(MARCH_2022) == 3


def test_the_latest_return_is_taken_as_filed(db):
    import_year(2021)
    # With only 2020-21 held, nothing follows it: its open episodes stay open.
    assert not CareEpisodeRecord.objects.exclude(rule="").exists()
    assert in_care_on(dt.date(2021, 3, 31)) == 6


def test_rule_1a_ends_the_day_before_the_child_came_back_when_that_is_earlier():
    episodes = clean_episodes(
        [
            CareEpisode(1, 2022, "A", dt.date(2021, 5, 1), None, rne="S", place="U1"),
            CareEpisode(2, 2023, "A", dt.date(2022, 2, 10), None, rne="S", place="U2"),
        ]
    )
    assert (episodes[0].cleaned_dec, episodes[0].rules) == (dt.date(2022, 2, 9), ["RULE_1A"])
    assert (episodes[1].cleaned_dec, episodes[1].rules) == (None, [])


def test_a_file_with_iso_dates_gets_one_line_per_column(db):
    header = "CHILD,SEX,DOB,ETHNIC\n" + "".join(f"{n},1,01/01/2012,WBRI\n" for n in range(37))
    episodes = "CHILD,DECOM,RNE,LS,DEC\n" + "".join(
        f"{n},2024-0{1 + n % 9}-01,S,C2,\n" for n in range(37)
    )
    with pytest.raises(ImportRejected) as rejected:
        run_import(
            kind="ssda903",
            files=[
                UploadedData("h.csv", header.encode()),
                UploadedData("e.csv", episodes.encode()),
            ],
            importer=import_ssda903,
        )
    assert [str(p) for p in rejected.value.problems] == [
        "e.csv: column DECOM: dates must be dd/mm/YYYY, 37 rows (first at line 2: '2024-01-01'); 37 of them are written YYYY-MM-DD"
    ]
    assert not Episode.objects.exists()


def test_episodes_before_birth_and_after_the_returns_year_are_rejected(db):
    header = "CHILD,SEX,DOB,ETHNIC\nA,1,01/06/2015,WBRI\nB,2,01/01/1066,WBRI\n"
    episodes = "CHILD,DECOM,RNE,LS,DEC,YEAR\nA,01/05/2015,S,C2,,2025\nA,01/06/2025,S,C2,,2025\n"
    with pytest.raises(ImportRejected) as rejected:
        run_import(
            kind="ssda903",
            files=[
                UploadedData("h.csv", header.encode()),
                UploadedData("e.csv", episodes.encode()),
            ],
            importer=import_ssda903,
        )
    assert [str(p) for p in rejected.value.problems] == [
        "h.csv, line 3, DOB: 1066-01-01 is before 1900: not a real date",
        "e.csv, line 2, DECOM: the episode starts (01/05/2015) before the child's birth (01/06/2015)",
        "e.csv, line 3, DECOM: 01/06/2025 is after the end of the 2024-25 return's year (31/03/2025)",
    ]
