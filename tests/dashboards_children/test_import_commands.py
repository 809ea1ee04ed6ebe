"""The management commands: a progress bar, the counts, and every problem with a non-zero exit."""

import io

import pytest
from django.core.management import CommandError, call_command

from arp_portal.core.models import Child, ImportRun


def test_import_cases_prints_progress_and_counts(tmp_path, authority):
    path = tmp_path / "cases.csv"
    path.write_text(
        "child_id,date_of_birth,sex,ethnicity,episode_type,start_date,end_date,team\n"
        "C1,2015-06-14,1,BCRB,CIN,2024-05-02,,North care\n"
    )
    out = io.StringIO()
    call_command("import_cases", str(path), stdout=out)
    text = out.getvalue()
    assert "100%" in text and "episodes added 1" in text
    assert ImportRun.objects.get().imported_by is None


def test_a_broken_file_exits_with_the_problems(tmp_path, db):
    path = tmp_path / "pop.csv"
    path.write_text("area,year,source,age_band,ethnicity,count\nall,2024,ONS,0-17,wbri,5\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_population", str(path), stdout=io.StringIO(), stderr=err)
    assert "pop.csv, line 2, ethnicity" in err.getvalue()


def test_ssda903_takes_its_files_in_any_order(tmp_path, db):
    (tmp_path / "h.csv").write_text("CHILD,SEX,DOB,ETHNIC\n101,1,27/03/2010,BCRB\n")
    (tmp_path / "e.csv").write_text("CHILD,DECOM,LS,DEC\n101,15/02/2024,C2,\n")
    call_command(
        "import_ssda903",
        str(tmp_path / "e.csv"),
        str(tmp_path / "h.csv"),
        "--year",
        "2025",
        stdout=io.StringIO(),
    )
    assert Child.objects.get().child_ref == "101"


def test_a_missing_file_is_named(db):
    with pytest.raises(CommandError, match="nope.xml: no such file"):
        call_command("import_cin_census", "nope.xml")
