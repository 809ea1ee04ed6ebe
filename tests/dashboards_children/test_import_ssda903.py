# ruff: noqa: E501 -- problem messages are quoted whole, as a data manager reads them.
"""SSDA903: the Header and Episodes tables of the looked-after return."""

import datetime as dt
from pathlib import Path

import pytest

from arp_portal.core.importing import ImportRejected, UploadedData, run_import
from arp_portal.core.models import Child, Episode
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
    )
    assert result.counts["collection_year"] == 2025  # latest date 14/08/2024
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
    first = run_import(kind="ssda903", files=files, importer=import_ssda903)
    assert first.counts["children"] == 2675 and first.counts["episodes_added"] == 5050
    assert first.counts["warnings_count"] > 0
    assert Child.objects.filter(ethnicity_id__in=["REFU", "NOBT"]).exists()
    second = run_import(kind="ssda903", files=files, importer=import_ssda903)
    assert second.counts["episodes_added"] == 0 and second.counts["episodes_unchanged"] == 5050
    assert Episode.objects.filter(start_date__lte=dt.date(2019, 3, 31)).exists()
