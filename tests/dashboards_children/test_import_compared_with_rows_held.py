"""A re-import of the case export is compared with the rows the last exports gave (a digest per
child in core_case_export_child, ADR 057): only the children whose rows changed are checked and
written. What is held afterwards, and the counts reported, are what checking and writing every
row gives."""

import datetime as dt

import pytest
from django.db import connection, transaction

from arp_portal.core.importing import ImportRejected
from arp_portal.core.models import CaseExportDate, Child, Episode, Team
from dashboards.children import importers, services
from tests.dashboards_children.test_import_set_based import HEADER, ROWS, held, run

COUNTED = (
    "rows",
    "children",
    "children_added",
    "children_updated",
    "children_conflicts",
    "children_ethnicity_changed",
    "episodes_added",
    "episodes_removed",
    "episodes_unchanged",
    "warnings",
)
C2_OPEN = "C2,2009-11-03,2,WBRI,CIC,2023-09-01,,"
C2_CLOSED = "C2,2009-11-03,2,WBRI,CIC,2023-09-01,2024-02-01,"


@pytest.fixture
def checks(monkeypatch):
    """What each staged check read: (whether every row of the file, the rows it checked)."""
    seen = []
    check = importers._cases_staged_check

    def spy(cursor, staged, today, *, whole=True):
        children = check(cursor, staged, today, whole=whole)
        seen.append((whole, staged.rows_checked))
        return children

    monkeypatch.setattr(importers, "_cases_staged_check", spy)
    return seen


def rows_held() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(sum(rows), 0) FROM {importers.CASE_ROWS_HELD}")
        return cursor.fetchone()[0]


def every_row_checked(monkeypatch) -> None:
    monkeypatch.setattr(importers, "_cases_file_against_held", lambda *args: True)


def forget_everything() -> None:
    Episode.objects.all().delete()
    Child.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {importers.CASE_ROWS_HELD}")


def counted(result) -> dict:
    return {key: result.counts[key] for key in COUNTED}


def test_only_the_changed_child_is_checked_and_the_result_is_the_whole_files(
    authority, checks, monkeypatch
):
    run(HEADER + ROWS)
    result = run(HEADER + ROWS.replace(C2_OPEN, C2_CLOSED))
    assert checks == [(True, 5), (False, 1)]
    compared = held(), counted(result)

    forget_everything()
    with monkeypatch.context() as patch:
        every_row_checked(patch)
        run(HEADER + ROWS)
        result = run(HEADER + ROWS.replace(C2_OPEN, C2_CLOSED))
    assert (held(), counted(result)) == compared
    assert counted(result)["episodes_unchanged"] == 4
    assert Episode.objects.get(child__child_ref="C2").end_date == dt.date(2024, 2, 1)


def test_a_changed_row_a_check_refuses_is_still_reported(authority, checks):
    run(HEADER + ROWS)
    with pytest.raises(ImportRejected) as rejected:
        run(HEADER + ROWS.replace(C2_OPEN, "C2,2009-11-03,2,WBRI,CIC,2023-09-01,2023-08-01,"))
    assert "cases.csv, line 5, end_date: ends (2023-08-01) before it starts (2023-09-01)" in [
        str(problem) for problem in rejected.value.problems
    ]
    assert Episode.objects.get(child__child_ref="C2").end_date is None


def test_an_episode_changed_outside_an_import_sends_the_whole_file_through(authority, checks):
    run(HEADER + ROWS)
    Episode.objects.filter(child__child_ref="C3").delete()
    run(HEADER + ROWS)
    assert checks[-1] == (True, 5)
    assert Episode.objects.filter(child__child_ref="C3").count() == 1


def test_a_team_whose_name_now_names_another_team_is_followed(authority, checks):
    run(HEADER + ROWS)
    north, south = Team.objects.get(name="North care"), Team.objects.get(name="South care")
    north.name, south.name = "Old north", "North care"
    north.save()
    south.save()
    assert rows_held() == 0  # a team renamed forgets the digests (migration core 0014)
    run(HEADER + ROWS)
    assert checks[-1] == (True, 5)  # so the file is checked whole, each row's team afresh
    assert set(
        Episode.objects.filter(child__child_ref="C1").values_list("team__name", flat=True)
    ) == {"North care", None}
    assert not Episode.objects.filter(team=north).exists()


def reference_dates() -> dict[str, tuple[str, dt.date]]:
    """Each child's source and the reference date its details hold: a child the latest case
    export gave takes that export's day (CaseExportDate), which the stored date may trail."""
    exported_on = CaseExportDate.objects.values_list("exported_on", flat=True).first()
    return {
        ref: (source, max(date, exported_on) if source == "cases" and exported_on else date)
        for ref, source, date in Child.objects.values_list(
            "child_ref", "attributes_source", "attributes_reference_date"
        )
    }


def test_a_later_days_export_dates_the_unchanged_childrens_details_as_a_whole_import_would(
    authority, checks, monkeypatch
):
    first, later = dt.date(2026, 4, 1), dt.date(2026, 5, 1)
    monkeypatch.setattr(importers.timezone, "localdate", lambda: first)
    run(HEADER + ROWS)
    monkeypatch.setattr(importers.timezone, "localdate", lambda: later)
    result = run(HEADER + ROWS.replace(C2_OPEN, C2_CLOSED))
    assert checks[-1] == (False, 1)
    dates = reference_dates()
    compared = counted(result)
    # The unchanged children are not rewritten for it: their stored date trails.
    assert Child.objects.get(child_ref="C1").attributes_reference_date == first

    forget_everything()
    with monkeypatch.context() as patch:
        every_row_checked(patch)
        patch.setattr(importers.timezone, "localdate", lambda: first)
        run(HEADER + ROWS)
        patch.setattr(importers.timezone, "localdate", lambda: later)
        result = run(HEADER + ROWS.replace(C2_OPEN, C2_CLOSED))
    assert dates == reference_dates()
    assert set(dates.values()) == {("cases", later)}
    assert counted(result) == compared


def another_source_says(ethnicities: dict[str, str], on: dt.date) -> None:
    """A return of another source, dated `on`, that gives these children these ethnicities."""
    known = {c.child_ref: c for c in Child.objects.filter(child_ref__in=ethnicities)}
    rows = [
        (ref, dt.date(c.birth_year, c.birth_month, c.birth_day), c.sex, code, None)
        for ref, code in ethnicities.items()
        for c in [known[ref]]
    ]
    with transaction.atomic():
        services.children_and_episodes_write(
            rows, [], source="cin:2026", scope="source", reference_date=on
        )


@pytest.mark.parametrize("compare", [True, False])
def test_another_source_dated_between_two_exports_weighs_the_later_export(
    authority, monkeypatch, compare
):
    # C1 is in both exports (unchanged: not rewritten by the second when compared); C3 only in
    # the first. A return dated between them says both are WBRI: the later export's BCRB
    # stands for C1; C3's earlier export is older than the return, which wins.
    first, between, later = dt.date(2026, 3, 1), dt.date(2026, 3, 31), dt.date(2026, 5, 1)
    if not compare:
        every_row_checked(monkeypatch)
    c3 = "C3,2024-02-29,9,REFU,CIN,2023-06-01,2024-03-01,\n"
    monkeypatch.setattr(importers.timezone, "localdate", lambda: first)
    run(HEADER + ROWS)
    monkeypatch.setattr(importers.timezone, "localdate", lambda: later)
    run(HEADER + ROWS.replace(c3, ""))
    assert reference_dates()["C3"] == ("cases:earlier", first)
    another_source_says({"C1": "WBRI", "C3": "WBRI"}, between)
    held = dict(Child.objects.values_list("child_ref", "ethnicity_id"))
    assert (held["C1"], held["C3"]) == ("BCRB", "WBRI")
    assert reference_dates()["C1"] == ("cases", later)


def test_a_child_another_source_describes_since_is_checked_again(authority, checks, monkeypatch):
    run(HEADER + ROWS)
    Child.objects.filter(child_ref="C3").update(
        ethnicity_id="WBRI", attributes_source="cin:2026", attributes_reference_date="2026-03-31"
    )
    result = run(HEADER + ROWS)
    assert checks[-1] == (False, 1)
    compared = held(), counted(result)
    assert result.counts["children_conflicts"] == 1

    forget_everything()
    with monkeypatch.context() as patch:
        every_row_checked(patch)
        run(HEADER + ROWS)
        Child.objects.filter(child_ref="C3").update(
            ethnicity_id="WBRI",
            attributes_source="cin:2026",
            attributes_reference_date="2026-03-31",
        )
        result = run(HEADER + ROWS)
    assert (held(), counted(result)) == compared


def test_plans_starting_on_one_day_are_checked_again_in_the_files_new_order(authority):
    # Two plans starting the same day: the first (in the file's order) must end before the
    # second starts, so the same rows in the other order are refused.
    closed = "C5,2015-06-14,1,BCRB,CP,2024-06-20,2024-06-20,\n"
    opened = "C5,2015-06-14,1,BCRB,CP,2024-06-20,,\n"
    referral = "C5,2015-06-14,1,BCRB,CIN,2024-05-02,,\n"
    run(HEADER + ROWS + referral + closed + opened)
    with pytest.raises(ImportRejected):
        run(HEADER + ROWS + referral + opened + closed)


def test_a_file_read_row_by_row_leaves_the_next_export_checked_whole(authority, checks):
    run(HEADER + ROWS)
    run(HEADER + ROWS.replace("North care", '"North care"'))  # quoted: read row by row
    assert rows_held() == 0
    run(HEADER + ROWS)
    assert checks[-1] == (True, 5)
    assert rows_held() == 5


def test_a_row_without_a_child_reference_in_a_re_import_is_reported(authority, checks):
    run(HEADER + ROWS)
    with pytest.raises(ImportRejected) as rejected:
        run(HEADER + ROWS + ",2015-06-14,1,WBRI,CIN,2024-05-02,,\n")
    assert "cases.csv, line 8, child_id: the child reference is missing" in [
        str(problem) for problem in rejected.value.problems
    ]
    assert Episode.objects.count() == 5


def test_a_childs_rows_in_another_order_are_not_checked_again(authority, checks):
    # A child's digest sums its rows' hashes: the same rows in any order are the same rows.
    run(HEADER + ROWS)
    lines = ROWS.splitlines(keepends=True)
    run(HEADER + "".join(reversed(lines)))
    assert checks[-1] == (False, 0)


def test_a_row_given_twice_is_a_change(authority, checks, monkeypatch):
    # Multiplicity counts: C3's row given twice is checked and written again, and what is held
    # and counted is what the whole import gives.
    c3 = "C3,2024-02-29,9,REFU,CIN,2023-06-01,2024-03-01,\n"
    run(HEADER + ROWS)
    result = run(HEADER + ROWS + c3)
    assert checks[-1] == (False, 2)
    compared = held(), counted(result)
    forget_everything()
    with monkeypatch.context() as patch:
        every_row_checked(patch)
        run(HEADER + ROWS)
        result = run(HEADER + ROWS + c3)
    assert (held(), counted(result)) == compared


def test_rows_moved_between_children_change_both(authority, checks):
    # Two children's rows swap their episodes: each child's rows differ, though the file's
    # episodes, as a set of lines without the child, are the same.
    a = "C7,2012-01-01,1,WBRI,CIN,2024-01-01,,\n"
    b = "C8,2012-01-01,1,WBRI,CIN,2024-02-01,,\n"
    swapped = "C7,2012-01-01,1,WBRI,CIN,2024-02-01,,\nC8,2012-01-01,1,WBRI,CIN,2024-01-01,,\n"
    run(HEADER + ROWS + a + b)
    run(HEADER + ROWS + swapped)
    assert checks[-1] == (False, 2)
    starts = dict(
        Episode.objects.filter(child__child_ref__in=["C7", "C8"]).values_list(
            "child__child_ref", "start_date"
        )
    )
    assert starts == {"C7": dt.date(2024, 2, 1), "C8": dt.date(2024, 1, 1)}


@pytest.fixture
def staged_as(monkeypatch):
    """How each re-import was compared: "lines" (a simple file, StagedLines) or "values"."""
    seen = []
    by_lines = importers._cases_lines_against_held

    def spy(cursor, upload):
        staged = by_lines(cursor, upload)
        seen.append("lines" if staged is not None else "values")
        return staged

    monkeypatch.setattr(importers, "_cases_lines_against_held", spy)
    return seen


CHANGED = ROWS.replace(C2_OPEN, C2_CLOSED) + "C9,2016-01-01,2,BAFR,CIN,2024-07-01,,\n"


def test_a_simple_file_is_compared_by_its_lines_as_its_values_would_be(
    authority, checks, staged_as
):
    run(HEADER + ROWS)
    result = run(HEADER + CHANGED)
    assert staged_as[-1] == "lines"
    assert checks[-1] == (False, 2)  # C2's row, changed, and C9's, new
    by_lines = held(), counted(result)

    # The same two files with Windows line ends (not simple: a carriage return) are compared
    # by their values, and the digests agree: the export's rows are the same.
    forget_everything()
    run((HEADER + ROWS).replace("\n", "\r\n"))
    result = run((HEADER + CHANGED).replace("\n", "\r\n"))
    assert staged_as[-1] == "values"
    assert checks[-1] == (False, 2)
    assert (held(), counted(result)) == by_lines
    assert counted(result)["episodes_unchanged"] == 4
    assert counted(result)["rows"] == 6

    # A simple file after one read by its values: compared by its lines, nothing differs.
    run(HEADER + CHANGED)
    assert (staged_as[-1], checks[-1]) == ("lines", (False, 0))


def test_a_re_imported_row_not_of_the_headers_width_is_read_as_row_by_row(authority, staged_as):
    run(HEADER + ROWS)
    # One value too many: reported, with nothing changed.
    long = ROWS.replace(C2_OPEN, C2_OPEN + ",extra")
    with pytest.raises(ImportRejected) as rejected:
        run(HEADER + long)
    assert "cases.csv, line 5: 9 values but the header has 8 columns" in [
        str(problem) for problem in rejected.value.problems
    ]
    assert rows_held() == 5
    # Values missing at the end are blanks, as the row-by-row reader reads them (C2's end
    # date and team were blank): nothing changes.
    result = run(HEADER + ROWS.replace(C2_OPEN, "C2,2009-11-03,2,WBRI,CIC,2023-09-01"))
    assert staged_as[-2:] == ["values", "values"]  # neither compared by its lines
    assert counted(result)["episodes_added"] == 0
    assert Episode.objects.get(child__child_ref="C2").end_date is None


def test_rows_of_empty_cells_are_skipped_in_a_re_import_by_lines(authority, checks, staged_as):
    run(HEADER + ROWS)
    result = run(HEADER + ",,,,,,,\n" + ROWS + ",,,,,,,\n")
    assert (staged_as[-1], checks[-1]) == ("lines", (False, 0))
    assert counted(result)["rows"] == 5
    assert counted(result)["episodes_unchanged"] == 5


def test_a_re_import_with_a_backslash_is_compared_by_its_values(authority, checks, staged_as):
    # COPY's text format would read a backslash as an escape: such a file is not simple.
    run(HEADER + ROWS + "C\\4,2016-01-01,2,BAFR,CIN,2024-07-01,,\n")
    run(HEADER + ROWS + "C\\4,2016-01-01,2,BAFR,CIN,2024-07-01,,\n")
    assert staged_as[-1] == "values"
    assert checks[-1] == (False, 0)
    assert Child.objects.filter(child_ref="C\\4").exists()


def test_a_team_given_another_locality_keeps_the_digests(authority, checks):
    run(HEADER + ROWS)
    north = Team.objects.get(name="North care")
    south = Team.objects.get(name="South care")
    north.locality = south.locality
    north.save()
    assert rows_held() == 5
    run(HEADER + ROWS)
    assert checks[-1] == (False, 0)
    assert set(Episode.objects.filter(team=north).values_list("locality_id", flat=True)) == {
        south.locality_id
    }


def test_a_team_removed_forgets_the_digests(authority, checks):
    run(HEADER + ROWS)
    Team.objects.get(name="South care").delete()
    assert rows_held() == 0
    run(HEADER + ROWS)
    assert checks[-1] == (True, 5)
