# ruff: noqa: E501 -- problem messages are quoted whole, as a data manager reads them.
"""The flat case export is checked and written set-based, in SQL, when the file is plain (ADR
056); any other file, or one a check fails, is read row by row, which reports every problem. The
two ways must agree: on what is written, and on what is refused."""

import pytest

from arp_portal.core.importing import ImportRejected, UploadedData, run_import
from arp_portal.core.models import Child, Episode
from dashboards.children import importers

HEADER = "child_id,date_of_birth,sex,ethnicity,episode_type,start_date,end_date,team\n"
ROWS = (
    "C1,2015-06-14,1,BCRB,CIN,2024-05-02,,North care\n"
    "C1,2015-06-14,1,BCRB,CP,2024-06-20,2025-01-10,North care\n"
    "C1,2015-06-14,1,BCRB,CP,2025-01-10,,\n"
    "C2,2009-11-03,2,WBRI,CIC,2023-09-01,,\n"
    "C3,2024-02-29,9,REFU,CIN,2023-06-01,2024-03-01,\n"
    ",,,,,,,\n"
)


def run(text: str):
    return run_import(
        kind="cases",
        files=[UploadedData("cases.csv", text.encode())],
        importer=importers.import_cases,
    )


def held() -> tuple[list, list]:
    children = list(
        Child.objects.order_by("child_ref").values_list(
            "child_ref", "birth_year", "birth_month", "birth_day", "sex", "ethnicity_id"
        )
    )
    episodes = list(
        Episode.objects.order_by("child__child_ref", "kind", "start_date").values_list(
            "child__child_ref", "kind", "start_date", "end_date", "team__name", "source",
            "child_ethnicity", "child_birth_ymd", "child_sex", "locality_id", "end_rule",
        )
    )  # fmt: skip
    return children, episodes


def row_by_row(monkeypatch) -> None:
    monkeypatch.setattr(importers, "stage_plain_csv", lambda *args, **kwargs: None)


def never_row_by_row(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the plain file was read row by row")

    monkeypatch.setattr(importers, "read_csv_values", refuse)


def test_a_plain_file_is_written_set_based_as_row_by_row_would(authority, monkeypatch):
    with monkeypatch.context() as patch:
        row_by_row(patch)
        slow = run(HEADER + ROWS).counts
    expected = held()
    Episode.objects.all().delete()
    Child.objects.all().delete()
    never_row_by_row(monkeypatch)
    fast = run(HEADER + ROWS).counts
    assert held() == expected
    assert (
        {key: fast[key] for key in ("rows", "children", "children_added", "episodes_added")}
        == {key: slow[key] for key in ("rows", "children", "children_added", "episodes_added")}
        == {"rows": 5, "children": 3, "children_added": 3, "episodes_added": 5}
    )


def test_a_re_import_set_based_changes_only_what_differs(authority, monkeypatch):
    never_row_by_row(monkeypatch)
    run(HEADER + ROWS)
    unchanged = set(Episode.objects.exclude(child__child_ref="C2").values_list("id", flat=True))
    result = run(
        HEADER
        + ROWS.replace(
            "C2,2009-11-03,2,WBRI,CIC,2023-09-01,,",
            "C2,2009-11-03,2,WBRI,CIC,2023-09-01,2024-02-01,",
        )
    )
    assert result.counts["episodes_added"] == 1 and result.counts["episodes_removed"] == 1
    assert result.counts["children_updated"] == 0
    assert unchanged <= set(Episode.objects.values_list("id", flat=True))


@pytest.mark.parametrize(
    "row, problem",
    [
        (
            "C9,2015-06-14,1,,CIN,2024-05-02,,\n",
            "cases.csv, line 8, ethnicity: the ethnicity code is blank",
        ),
        (
            "C9,2015-02-30,1,WBRI,CIN,2024-05-02,,\n",
            "cases.csv, line 8, date_of_birth: '2015-02-30' is not a date in the form YYYY-MM-DD",
        ),
        (
            "C9,2015-6-14,1,WBRI,CIN,2024-05-02,,\n",
            "cases.csv, line 8, date_of_birth: '2015-6-14' is not a date in the form YYYY-MM-DD",
        ),
        (
            "C9,1899-12-31,1,WBRI,CIN,2024-05-02,,\n",
            "cases.csv, line 8, date_of_birth: 1899-12-31 is before 1900: not a real date",
        ),
        (
            "C9,2015-06-14,3,WBRI,CIN,2024-05-02,,\n",
            "cases.csv, line 8, sex: '3' is not a sex code: use 1 (male), 2 (female) or 9 (not known)",
        ),
        (
            "C9,2015-06-14,1,WBRI,CIN,2024-05-02,,Nowhere\n",
            "cases.csv, line 8, team: the portal has no team called 'Nowhere'; add the team or correct the name",
        ),
        (
            "C1,2015-06-15,1,BCRB,CIN,2024-05-02,,\n",
            "cases.csv, line 8, date_of_birth: child C1 has date_of_birth '2015-06-15' here but '2015-06-14' at line 2",
        ),
        (
            "C9,2015-06-14,1,WBRI,CIN,2024-05-02,2024-05-01,\n",
            "cases.csv, line 8, end_date: ends (2024-05-01) before it starts (2024-05-02)",
        ),
        (
            "C1,2015-06-14,1,BCRB,CP,2025-03-01,,\n",
            "cases.csv, line 8, end_date: child C1 has 2 open child protection plans; at most one may be open",
        ),
        (
            "X" * 65 + ",2015-06-14,1,WBRI,CIN,2024-05-02,,\n",
            "cases.csv, line 8, child_id: the child reference is 65 characters long; at most 64",
        ),
    ],
)
def test_a_row_a_check_refuses_is_reported_as_row_by_row_and_nothing_written(
    authority, row, problem
):
    with pytest.raises(ImportRejected) as rejected:
        run(HEADER + ROWS + row)
    assert problem in [str(p) for p in rejected.value.problems]
    assert not Episode.objects.exists() and not Child.objects.exists()


@pytest.mark.parametrize(
    "row",
    [
        " C9,2015-06-14,1,WBRI,CIN,2024-05-02,,\n",  # a space before a value, at a line's start
        "C9 ,2015-06-14,1,WBRI,CIN,2024-05-02,,\n",  # a space after a value
        "C9,2015-06-14,1,WBRI,CIN,2024-05-02,, North care\n",
        "C9,2015-06-14,1,WBRI,CIN,2024-05-02,,North care \n",
        "C9,2015-06-14,1,WBRI,CIN,2024-05-02,,North care ",  # the file's last byte
        "C\x019,2015-06-14,1,WBRI,CIN,2024-05-02,,\n",  # a control character
        "C9\t,2015-06-14,1,WBRI,CIN,2024-05-02,,\n",
        "Cé9,2015-06-14,1,WBRI,CIN,2024-05-02,,\n",  # not ASCII
    ],
)
def test_a_value_a_clean_file_cannot_hold_is_taken_as_row_by_row_takes_it(
    authority, monkeypatch, row
):
    # A clean file (printable ASCII, no space beside a value) skips the checks of each value's
    # first and last characters; any of these makes the file not clean, and checked as before.
    def outcome():
        try:
            counts = run(HEADER + ROWS + row).counts
        except ImportRejected as rejected:
            return [str(p) for p in rejected.problems]
        return held(), {key: counts[key] for key in ("rows", "children", "episodes_added")}

    with monkeypatch.context() as patch:
        row_by_row(patch)
        slow = outcome()
    Episode.objects.all().delete()
    Child.objects.all().delete()
    assert outcome() == slow


def test_a_space_beside_a_value_across_a_chunk_boundary_is_seen(monkeypatch):
    from arp_portal.core import importing

    text = (HEADER + ROWS + "C9 ,2015-06-14,1,WBRI,CIN,2024-05-02,,\n").encode()
    cut = text.index(b" ,") + 1  # the space ends one chunk, the comma starts the next
    monkeypatch.setattr(importing, "CHUNK_BYTES", cut)
    facts = importing._plain_text_facts(UploadedData("cases.csv", text))
    assert facts[3] is False
    clean = (HEADER + ROWS).encode()
    assert importing._plain_text_facts(UploadedData("cases.csv", clean))[3] is True
