# ruff: noqa: E501 -- problem messages are quoted whole, as a data manager reads them.
"""The flat case-system export: what is written, what is reported, what is left alone."""

import datetime as dt

import pytest

from arp_portal.core.importing import ImportRejected, UploadedData, run_import
from arp_portal.core.models import Child, Episode, ImportRun
from dashboards.children.importers import import_cases

HEADER = "child_id,date_of_birth,sex,ethnicity,episode_type,start_date,end_date,team\n"


def run(text: str, name="cases.csv", encoding="utf-8", bom=False):
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return run_import(kind="cases", files=[UploadedData(name, data)], importer=import_cases)


def problems_of(text: str) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        run(text)
    return [str(problem) for problem in rejected.value.problems]


def test_it_imports_children_and_episodes_with_their_team_and_locality(authority):
    result = run(
        HEADER
        + "C1,2015-06-14,1,BCRB,CIN,2024-05-02,,North care\n"
        + "C1,2015-06-14,1,BCRB,CP,2024-06-20,2025-01-10,North care\n"
        + "C2,2009-11-03,2,WBRI,CIC,2023-09-01,,\n"
    )
    assert result.counts["children_added"] == 2
    assert result.counts["episodes_added"] == 3
    child = Child.objects.get(child_ref="C1")
    assert (child.birth_year, child.birth_month, child.sex, child.ethnicity_id) == (
        2015,
        6,
        1,
        "BCRB",
    )
    plan = Episode.objects.get(child=child, kind="CP")
    assert plan.end_date == dt.date(2025, 1, 10)
    assert plan.team.name == "North care"
    assert plan.locality_id == authority["north"].pk
    assert plan.child_ethnicity == "BCRB"
    run_ = ImportRun.objects.get()
    assert run_.status == "succeeded" and len(run_.file_sha256) == 64


def test_importing_the_same_file_again_changes_nothing(authority):
    text = HEADER + "C1,2015-06-14,1,BCRB,CIN,2024-05-02,,North care\n"
    run(text)
    ids = list(Episode.objects.values_list("id", flat=True))
    again = run(text)
    assert again.counts["episodes_added"] == 0 and again.counts["episodes_removed"] == 0
    assert again.counts["children_updated"] == 0
    assert list(Episode.objects.values_list("id", flat=True)) == ids
    assert ImportRun.objects.count() == 2


def test_a_newer_export_replaces_its_childrens_episodes_and_corrects_the_child(authority):
    run(
        HEADER
        + "C1,2015-06-14,1,BCRB,CIN,2024-05-02,,North care\n"
        + "C2,2010-01-01,2,WBRI,CIN,2024-01-01,,\n"
    )
    result = run(HEADER + "C1,2015-06-14,1,BAFR,CIN,2024-05-02,2025-02-01,North care\n")
    assert result.counts == result.counts | {
        "episodes_added": 1,
        "episodes_removed": 1,
        "children_updated": 1,
    }
    episode = Episode.objects.get(child__child_ref="C1")
    assert episode.end_date == dt.date(2025, 2, 1)
    assert episode.child_ethnicity == "BAFR"  # the trigger followed the child's correction
    assert Episode.objects.filter(child__child_ref="C2").exists()  # not in the file: kept


def test_files_saved_from_excel_import(authority):
    text = (
        " Child_ID , date_of_birth,SEX,ethnicity,episode_type,start_date,end_date,team\r\n"
        " C1 ,2015-06-14, 1 , BCRB ,CIN,2024-05-02,,North care\r\n\r\n"
    )
    run(text, bom=True)
    run(text.replace("C1", "C2"), encoding="cp1252")
    assert Child.objects.count() == 2


def test_a_broken_file_writes_nothing_and_names_each_problem(authority):
    problems = problems_of(
        HEADER
        + "C1,2015-06-14,1,wbri,CIN,2024-05-02,,\n"  # 2: lower case
        + "C2,14/06/2015,1,WBRI,CIN,2024-05-02,,\n"  # 3: date
        + "C3,2015-06-14,1,WBRI,CIN,2024-05-02,2024-04-01,\n"  # 4: end before start
        + "C4,2015-06-14,1,WBRI,CIN,2024-05-02,,\n"
        + "C4,2015-06-14,1,WBRI,CP,2024-04-01,,\n"  # 6: plan before referral
        + "C5,2015-06-14,1,WBRI,CIN,2024-01-01,,\n"
        + "C5,2015-06-14,1,WBRI,CP,2024-02-01,2024-08-01,\n"
        + "C5,2015-06-14,1,WBRI,CP,2024-07-01,,\n"  # 9: overlapping plans
        + ",2015-06-14,1,WBRI,CIN,2024-05-02,,\n"  # 10: missing child
        + "C6,2015-06-14,1,WBRI,CIN,2024-05-02,,Nowhere team\n"  # 11: unknown team
        + "C7,2015-06-14,1,White British,CIN,2024-05-02,,\n"  # 12: label
        + "C8,2015-06-14,3,WBRI,XYZ,2024-05-02,,\n"  # 13: sex and type
    )
    assert problems == [
        "cases.csv, line 2, ethnicity: ethnicity codes are upper case: 'wbri' should be written 'WBRI'",
        "cases.csv, line 3, date_of_birth: '14/06/2015' is not a date in the form YYYY-MM-DD",
        "cases.csv, line 10, child_id: the child reference is missing",
        "cases.csv, line 11, team: the portal has no team called 'Nowhere team'; add the team or correct the name",
        "cases.csv, line 12, ethnicity: 'White British' is a label, not a DfE ethnicity code (the code is WBRI)",
        "cases.csv, line 13, sex: '3' is not a sex code: use 1 (male), 2 (female) or 9 (not known)",
        "cases.csv, line 13, episode_type: 'XYZ' is not an episode type: use CIN, CP or CIC",
        "cases.csv, line 4, end_date: ends (2024-04-01) before it starts (2024-05-02)",
        "cases.csv, line 6, start_date: the child protection plan starts (2024-04-01) before the child's referral (2024-05-02)",
        "cases.csv, line 9, start_date: child C5's child protection plan starting 2024-07-01 overlaps the plan starting 2024-02-01 (line 8)",
    ]
    assert not Child.objects.exists() and not Episode.objects.exists()
    assert ImportRun.objects.get().status == "rejected"


def test_a_team_in_another_case_gets_a_hint(authority):
    problems = problems_of(HEADER + "C1,2015-06-14,1,WBRI,CIN,2024-05-02,,north CARE\n")
    assert "(did you mean 'North care'?)" in problems[0]


def test_rows_for_one_child_must_agree(authority):
    problems = problems_of(
        HEADER
        + "C1,2015-06-14,1,WBRI,CIN,2024-05-02,,\n"
        + "C1,2015-06-14,1,BCRB,CP,2024-06-02,,\n"
    )
    assert problems == [
        "cases.csv, line 3, ethnicity: child C1 has ethnicity 'BCRB' here but 'WBRI' at line 2"
    ]


def test_missing_columns_are_named(authority):
    problems = problems_of("child_id,sex\nC1,1\n")
    assert problems[0].startswith("cases.csv, line 1, date_of_birth, ethnicity, episode_type")


def _indexes() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'core_episode'"
        )
        return dict(cursor.fetchall())


def test_a_bulk_first_load_rebuilds_the_indexes_and_reads_back_exactly(authority, monkeypatch):
    """A national-scale first import writes without the episode table's secondary indexes and
    builds them after (services.BULK_LOAD_ROWS, lowered here to take that path with a few
    rows); the children go in without their unique index. Everything reads back as given, the
    indexes are as before, and the same file again changes nothing."""
    from dashboards.children import services

    monkeypatch.setattr(services, "BULK_LOAD_ROWS", 2)
    dropped = []
    drop = services._drop_indexes_for_bulk_load

    def spy(cursor, incoming):
        found = drop(cursor, incoming)
        dropped.append(len(found))
        return found

    monkeypatch.setattr(services, "_drop_indexes_for_bulk_load", spy)
    before = _indexes()
    text = (
        HEADER
        + "C1,2015-06-14,1,BCRB,CIN,2024-05-02,,North care\n"
        + "C1,2015-06-14,1,BCRB,CP,2024-06-20,2025-01-10,North care\n"
        + "C\\2,2009-11-03,2,WBRI,CIC,2023-09-01,,\n"  # a backslash COPY must escape
    )
    result = run(text)
    assert result.counts["children_added"] == 2 and result.counts["episodes_added"] == 3
    assert dropped == [2]  # the two secondary indexes were dropped, then built again
    assert _indexes() == before
    assert set(Child.objects.values_list("child_ref", flat=True)) == {"C1", "C\\2"}
    assert sorted(Episode.objects.values_list("child__child_ref", "kind", "start_date")) == [
        ("C1", "CIN", dt.date(2024, 5, 2)),
        ("C1", "CP", dt.date(2024, 6, 20)),
        ("C\\2", "CIC", dt.date(2023, 9, 1)),
    ]
    plan = Episode.objects.get(kind="CP")
    assert plan.locality_id == authority["north"].pk and plan.child_ethnicity == "BCRB"
    again = run(text)
    assert again.counts["episodes_added"] == 0 and again.counts["episodes_removed"] == 0
