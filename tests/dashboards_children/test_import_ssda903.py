# ruff: noqa: E501 -- problem messages are quoted whole, as a data manager reads them.
"""SSDA903: the Header and Episodes tables of the looked-after return."""

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from arp_portal.core.importing import ImportRejected, UploadedData, run_import
from arp_portal.core.models import Child, Episode, ImportRun
from dashboards.children.importers import import_ssda903

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "ssda903"
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


def run(header: str, episodes: str, **options):
    files = [
        UploadedData("episodes.csv", episodes.encode()),
        UploadedData("header.csv", header.encode()),
    ]
    return run_import(kind="ssda903", files=files, importer=import_ssda903, **options)


def test_it_imports_periods_in_care_for_the_return_year(db):
    result = run(
        HEADER + "101,1,27/03/2010,BCRB,,,\n102,2,09/09/2011,NOBT,,,\n",
        EPISODES
        + "101,15/02/2024,L,C2,N3,T2,PR0,14/08/2024,X1,,,,1\n"
        + "101,14/08/2024,T,C2,N3,A3,PR3,,X1,,,,2\n"
        + "102,26/04/2024,T,V2,N8,A5,PR2,09/05/2024,E14,,,,3\n",
        year=2025,
    )
    assert result.counts["collection_year"] == 2025
    assert result.counts["collection_year_from"] == "the year given on upload"
    assert Episode.objects.filter(source="ssda903:2025").count() == 3
    assert Episode.objects.get(child__child_ref="101", end_date=None).legal_status == "C2"
    assert Child.objects.get(child_ref="102").ethnicity_id == "NOBT"


def test_problems_name_file_line_and_field(db):
    with pytest.raises(ImportRejected) as rejected:
        run(
            HEADER + "101,1,2010-03-27,BCRB,,,\n102,2,09/09/2011,Black Caribbean,,,\n",
            EPISODES
            + "999,15/02/2024,L,C2,N3,T2,PR0,,X1,,,,1\n"
            + "102,15/02/2024,L,C2,N3,T2,PR0,01/02/2024,X1,,,,1\n",
        )
    assert [str(p) for p in rejected.value.problems] == [
        "header.csv, line 2, DOB: '2010-03-27' is not a date in the form dd/mm/YYYY",
        "header.csv, line 3, ETHNIC: 'Black Caribbean' is not a DfE ethnicity code",
        "episodes.csv, line 2, CHILD: child 999 is not in the Header file",
        "episodes.csv, line 3, DEC: ends (01/02/2024) before it starts (15/02/2024)",
    ]
    assert not Child.objects.exists()


def test_a_missing_table_is_named(db):
    with pytest.raises(ImportRejected) as rejected:
        run_import(
            kind="ssda903",
            files=[UploadedData("header.csv", (HEADER + "101,1,27/03/2010,BCRB,,,\n").encode())],
            importer=import_ssda903,
        )
    assert str(rejected.value.problems[0]) == "(upload): the Episodes file is missing"


@pytest.mark.skipif(not FIXTURES.exists(), reason="shared fixtures not present")
def test_the_shared_sample_imports_with_warnings_and_again_changes_nothing(db):
    files = [
        UploadedData("header.csv", (FIXTURES / "header.csv").read_bytes()),
        UploadedData("episodes.csv", (FIXTURES / "episodes.csv").read_bytes()),
    ]
    # A history without a YEAR column: its year is given (its latest date is in 2018-19).
    first = run_import(kind="ssda903", files=files, importer=import_ssda903, year=2019)
    assert first.counts["children"] == 2675 and first.counts["episodes_added"] == 5050
    assert first.counts["warnings_count"] > 0
    assert Child.objects.filter(ethnicity_id__in=["REFU", "NOBT"]).exists()
    second = run_import(kind="ssda903", files=files, importer=import_ssda903, year=2019)
    assert second.counts["episodes_added"] == 0 and second.counts["episodes_unchanged"] == 5050
    assert Episode.objects.filter(start_date__lte=dt.date(2019, 3, 31)).exists()


def rejected(header: str | bytes, episodes: str | bytes, **options) -> list[str]:
    files = [
        UploadedData("header.csv", header if isinstance(header, bytes) else header.encode()),
        UploadedData(
            "episodes.csv", episodes if isinstance(episodes, bytes) else episodes.encode()
        ),
    ]
    before = sorted(Episode.objects.values_list("source", "start_date", "end_date"))
    with pytest.raises(ImportRejected) as refused:
        run_import(kind="ssda903", files=files, importer=import_ssda903, **options)
    # The database is as it was, and the rejection is in the import log.
    assert sorted(Episode.objects.values_list("source", "start_date", "end_date")) == before
    assert ImportRun.objects.latest("pk").status == ImportRun.Status.REJECTED
    return [str(p) for p in refused.value.problems]


def test_a_birth_after_the_returns_year_end_is_rejected(db):
    header = HEADER + "101,1,01/01/2026,BCRB,,,\n102,2,01/01/2090,WBRI,,,\n"
    episodes = (
        EPISODES + "101,01/02/2025,S,C2,N1,U1,PR1,,,,,,\n102,01/02/2025,S,C2,N1,U1,PR1,,,,,,\n"
    )
    assert rejected(header, episodes, year=2025) == [
        "header.csv, line 2, DOB: 01/01/2026 is after the end of the 2024-25 return's year (31/03/2025): no child in the return is born later",
        "header.csv, line 3, DOB: 01/01/2090 is after the end of the 2024-25 return's year (31/03/2025): no child in the return is born later",
    ]
    # A stacked file's years come from its YEAR column: the birth is checked against them.
    stacked = "CHILD,DECOM,RNE,LS,DEC,YEAR\n101,01/02/2025,S,C2,,2025\n"
    assert rejected(HEADER + "101,1,01/01/2026,BCRB,,,\n", stacked) == [
        "episodes.csv, line 2, DECOM: the episode starts (01/02/2025) before the child's birth (01/01/2026)",
        "header.csv, line 2, DOB: 01/01/2026 is after the end of the 2024-25 return's year (31/03/2025): no child in the return is born later",
    ]


def test_without_a_year_column_the_year_must_be_given(db):
    header = HEADER + "101,1,01/02/2010,BCRB,,,\n102,2,01/03/2011,WBRI,,,\n"
    # Nothing moved in 2024-25: its latest date is in 2023, so a guess would take it for 2023-24.
    quiet = EPISODES + "101,01/05/2023,S,C2,N1,U1,PR1,,,,,,\n"
    assert rejected(header, quiet) == [
        "episodes.csv, line 1, YEAR: the Episodes file has no YEAR column, so give the return's collection year (the year it ends, on 31 March: 2025 for 2024-25) on the upload form, or --year 2025 to the command",
    ]
    earlier = run(
        header, EPISODES + "102,01/06/2023,S,C2,N1,U1,PR1,01/01/2024,E11,,,,\n", year=2024
    )
    assert earlier.counts["collection_year"] == 2024
    given = run(header, quiet, year=2025)
    assert (given.counts["collection_year"], given.counts["collection_year_from"]) == (
        2025,
        "the year given on upload",
    )
    # Each return is held as its own year's: the quiet one replaced nothing of 2023-24.
    assert sorted(Episode.objects.values_list("source", "child__child_ref", "end_date")) == [
        ("ssda903:2024", "102", dt.date(2024, 1, 1)),
        ("ssda903:2025", "101", None),
    ]


def test_a_year_none_of_whose_episodes_is_open_in_it_is_refused(db):
    """The year given is checked against the file: a 2023-24 return given as 2024-25 holds no
    episode open in 2024-25. Earlier episodes beside the year's own are a child's history."""
    header = HEADER + "101,1,01/02/2010,BCRB,,,\n"
    last_year = EPISODES + "101,01/05/2023,S,C2,N1,U1,PR1,31/03/2024,E11,,,,\n"
    assert rejected(header, last_year, year=2025) == [
        "episodes.csv, line 2, year: every episode of the 2024-25 return ended before its year began (1 April 2024): a return holds the episodes open during its year, so the collection year is wrong",
    ]
    with_history = last_year + "101,01/04/2024,S,C2,N1,U1,PR1,,,,,,\n"
    result = run(header, with_history, year=2025)
    assert Episode.objects.count() == 2
    assert (
        "episodes.csv: 1 episode of the 2024-25 return ended before its year began "
        "(1 April 2024); kept as the children's earlier history"
    ) in result.counts["warnings"]
    # Ended on the year's first day, it was open during the year.
    result = run(header, last_year.replace("31/03/2024,E11", "01/04/2024,E11"), year=2025)
    assert not any("earlier history" in warning for warning in result.counts["warnings"])


def test_a_quoted_header_is_read_and_utf16_is_named(db):
    header = '"CHILD","SEX","DOB","ETHNIC"\n"101","1","01/02/2010","BCRB"\n'
    episodes = '"CHILD","DECOM","RNE","LS","DEC"\n"101","01/05/2024","S","C2",""\n'
    result = run(header, episodes, year=2025)
    assert result.counts["episodes"] == 1
    assert rejected(header.encode("utf-16"), episodes, year=2025) == [
        "header.csv, line 1, column 4: the file holds a NUL byte: it is not a text file (save it as CSV, UTF-8)"
    ]


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbooks_date_cells_are_dates_and_a_csvs_iso_text_is_not(db):
    header = workbook(
        [["CHILD", "SEX", "DOB", "ETHNIC"], ["101", 1, dt.datetime(2010, 2, 1), "BCRB"]]
    )
    episodes = workbook(
        [
            ["CHILD", "DECOM", "RNE", "LS", "DEC"],
            ["101", dt.date(2024, 5, 1), "S", "C2", dt.datetime(2024, 9, 30)],
            ["101", "01/10/2024", "S", "C2", None],  # dates typed as text, as DfE writes them
        ]
    )
    files = [UploadedData("header.xlsx", header), UploadedData("episodes.xlsx", episodes)]
    run_import(kind="ssda903", files=files, importer=import_ssda903, year=2025)
    assert sorted(Episode.objects.values_list("start_date", "end_date")) == [
        (dt.date(2024, 5, 1), dt.date(2024, 9, 30)),
        (dt.date(2024, 10, 1), None),
    ]
    assert Child.objects.get().birth_date == dt.date(2010, 2, 1)
    # In a CSV, dates are text in DfE's form, dd/mm/YYYY.
    assert rejected(
        HEADER + "101,1,2010-02-01,BCRB,,,\n",
        EPISODES + "101,01/05/2024,S,C2,N1,U1,PR1,,,,,,\n",
        year=2025,
    ) == ["header.csv, line 2, DOB: '2010-02-01' is not a date in the form dd/mm/YYYY"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "CHILD,SEX,DOB,ETHNIC,DOB\n101,1,01/02/2010,BCRB,01/02/2010\n",
            "header.csv, line 1, DOB: the column appears twice (columns 3 and 5): which one is meant cannot be told",
        ),
        ("CHILD,SEX,DOB,ETHNIC\n", "header.csv, line 2: the Header file has no rows"),
    ],
    ids=["column_twice", "header_only"],
)
def test_a_header_file_refused_whole_gives_no_line_per_episode(db, header, message):
    episodes = EPISODES + "".join(f"10{n},01/05/2024,S,C2,N1,U1,PR1,,,,,,\n" for n in range(5))
    assert rejected(header, episodes, year=2025) == [message]
