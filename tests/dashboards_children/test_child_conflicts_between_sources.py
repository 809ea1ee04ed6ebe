# ruff: noqa: E501 -- warnings are quoted whole, as a data manager reads them.
"""One child, one record: where the CIN census, the SSDA903 return and a case-system export
disagree about a child, the source with the latest reference date wins, and the import says so."""

import datetime as dt

from arp_portal.core.importing import UploadedData, run_import
from arp_portal.core.models import Child, Episode
from dashboards.children.importers import import_cases, import_cin_census, import_ssda903


def cin_2025(ethnicity="BCRB", born="2012-06-15", sex="M") -> bytes:
    return (
        "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2025</Year>"
        "<ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails></Header><Children>"
        f"<Child><ChildIdentifiers><LAchildID>D1</LAchildID><PersonBirthDate>{born}"
        f"</PersonBirthDate><Sex>{sex}</Sex></ChildIdentifiers><ChildCharacteristics>"
        f"<Ethnicity>{ethnicity}</Ethnicity></ChildCharacteristics><CINdetails>"
        "<CINreferralDate>2024-06-01</CINreferralDate></CINdetails></Child>"
        "</Children></Message>"
    ).encode()


def ssda903(year: int, ethnicity: str, born="15/06/2012"):
    header = f"CHILD,SEX,DOB,ETHNIC\nD1,1,{born},{ethnicity}\n"
    episodes = f"CHILD,DECOM,RNE,LS,DEC,YEAR\nD1,01/05/{year - 1},S,C2,,{year}\n"
    return run_import(
        kind="ssda903",
        files=[
            UploadedData("header.csv", header.encode()),
            UploadedData("episodes.csv", episodes.encode()),
        ],
        importer=import_ssda903,
    )


def held() -> tuple:
    child = Child.objects.get(child_ref="D1")
    return child.ethnicity_id, child.birth_date, child.attributes_source


def test_an_older_return_does_not_overwrite_a_newer_one_and_says_so(db):
    run_import(
        kind="cin_census", files=[UploadedData("cin.xml", cin_2025())], importer=import_cin_census
    )
    result = ssda903(2024, "BAFR", born="16/06/2012")
    assert result.counts["children_conflicts"] == 1
    assert result.counts["warnings"] == [
        "child D1: date of birth 2012-06-16 in this file (the SSDA903 return 2023-24, reference date 31 March 2024) but 2012-06-15 from the CIN census 2024-25 (reference date 31 March 2025); the source with the later reference date (the CIN census 2024-25) wins, so 2012-06-15 is kept",
        "child D1: ethnicity BAFR in this file (the SSDA903 return 2023-24, reference date 31 March 2024) but BCRB from the CIN census 2024-25 (reference date 31 March 2025); the source with the later reference date (the CIN census 2024-25) wins, so BCRB is kept",
    ]
    assert held() == ("BCRB", dt.date(2012, 6, 15), "cin:2025")
    # The episodes copy the child's held ethnicity, whatever the file said.
    assert set(Episode.objects.values_list("child_ethnicity", flat=True)) == {"BCRB"}


def test_a_newer_return_replaces_an_older_ones_values_and_says_so(db):
    ssda903(2024, "BAFR")
    result = run_import(
        kind="cin_census", files=[UploadedData("cin.xml", cin_2025())], importer=import_cin_census
    )
    assert result.counts["warnings"] == [
        "child D1: ethnicity BCRB in this file (the CIN census 2024-25, reference date 31 March 2025) but BAFR from the SSDA903 return 2023-24 (reference date 31 March 2024); the source with the later reference date (this file) wins, so BCRB is kept"
    ]
    assert held() == ("BCRB", dt.date(2012, 6, 15), "cin:2025")
    assert set(Episode.objects.values_list("child_ethnicity", flat=True)) == {"BCRB"}


def test_a_case_export_is_as_of_the_day_it_is_imported(db):
    run_import(
        kind="cin_census", files=[UploadedData("cin.xml", cin_2025())], importer=import_cin_census
    )
    cases = (
        "child_id,date_of_birth,sex,ethnicity,episode_type,start_date,end_date,team\n"
        "D1,2012-06-15,1,MWBC,CIN,2024-06-01,,\n"
    )
    result = run_import(
        kind="cases", files=[UploadedData("cases.csv", cases.encode())], importer=import_cases
    )
    assert len(result.counts["warnings"]) == 1
    assert "so MWBC is kept" in result.counts["warnings"][0]
    assert held()[0] == "MWBC"


def test_a_corrected_return_for_the_same_year_is_a_correction_not_a_conflict(db):
    run_import(
        kind="cin_census", files=[UploadedData("cin.xml", cin_2025())], importer=import_cin_census
    )
    result = run_import(
        kind="cin_census",
        files=[UploadedData("cin.xml", cin_2025("BAFR"))],
        importer=import_cin_census,
    )
    assert result.counts["children_conflicts"] == 0 and result.counts["children_updated"] == 1
    assert held()[0] == "BAFR"


def test_on_the_same_reference_date_the_import_made_last_wins_and_says_so(db):
    run_import(
        kind="cin_census", files=[UploadedData("cin.xml", cin_2025())], importer=import_cin_census
    )
    result = ssda903(2025, "BAFR")
    assert result.counts["warnings"] == [
        "child D1: ethnicity BAFR in this file (the SSDA903 return 2024-25, reference date 31 March 2025) but BCRB from the CIN census 2024-25 (reference date 31 March 2025); both have the same reference date, and then the import made last (this one) wins, so BAFR is kept"
    ]
    assert held() == ("BAFR", dt.date(2012, 6, 15), "ssda903:2025")
