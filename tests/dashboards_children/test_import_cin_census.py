# ruff: noqa: E501 -- problem messages are quoted whole, as a data manager reads them.
"""The CIN census XML: referrals, child in need plans and protection plans, by collection year."""

import datetime as dt
from pathlib import Path

import pytest

from arp_portal.core.importing import ImportRejected, UploadedData, run_import
from arp_portal.core.models import Child, Episode
from dashboards.children.importers import import_cin_census

FIXTURE = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "fixtures"
    / "cin_census"
    / "cin-2022.xml"
)


def census(children: str, reference_date="2025-03-31") -> bytes:
    return (
        "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2025</Year>"
        f"<ReferenceDate>{reference_date}</ReferenceDate></CollectionDetails></Header>"
        f"<Children>{children}</Children></Message>"
    ).encode()


def child(ref="A1", ethnicity="BCRB", sex_tag="Sex", details="") -> str:
    return (
        f"<Child><ChildIdentifiers><LAchildID>{ref}</LAchildID>"
        f"<PersonBirthDate>2016-02-10</PersonBirthDate><{sex_tag}>2</{sex_tag}></ChildIdentifiers>"
        f"<ChildCharacteristics><Ethnicity>{ethnicity}</Ethnicity></ChildCharacteristics>"
        f"{details}</Child>"
    )


DETAILS = (
    "<CINdetails><CINreferralDate>2024-05-01</CINreferralDate>"
    "<CINPlanDates><CINPlanStartDate>2024-06-01</CINPlanStartDate>"
    "<CINPlanEndDate>2024-07-01</CINPlanEndDate></CINPlanDates>"
    "<ChildProtectionPlans><CPPstartDate>2024-07-02</CPPstartDate>"
    "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse></ChildProtectionPlans></CINdetails>"
)


def run(data: bytes, name="cin.xml"):
    return run_import(
        kind="cin_census", files=[UploadedData(name, data)], importer=import_cin_census
    )


def test_it_reads_referrals_plans_and_both_sex_elements(db):
    result = run(census(child(details=DETAILS) + child("A2", "WBRI", "GenderCurrent", DETAILS)))
    assert result.counts["children"] == 2 and result.counts["collection_year"] == 2025
    episodes = Episode.objects.filter(child__child_ref="A1").order_by("start_date")
    assert [(e.kind, e.start_date, e.end_date) for e in episodes] == [
        ("CIN", dt.date(2024, 5, 1), None),
        ("CINP", dt.date(2024, 6, 1), dt.date(2024, 7, 1)),
        ("CP", dt.date(2024, 7, 2), None),
    ]
    assert episodes[2].plan_category == "NEG" and episodes[2].source == "cin:2025"
    assert Child.objects.get(child_ref="A2").sex == 2


def test_the_same_return_again_changes_nothing_and_a_newer_one_replaces_it(db):
    run(census(child(details=DETAILS)))
    again = run(census(child(details=DETAILS)))
    assert again.counts["episodes_added"] == 0
    closed = DETAILS.replace(
        "<CINreferralDate>2024-05-01</CINreferralDate>",
        "<CINreferralDate>2024-05-01</CINreferralDate><CINclosureDate>2025-03-01</CINclosureDate>",
    ).replace(
        "<InitialCategoryOfAbuse>", "<CPPendDate>2025-02-01</CPPendDate><InitialCategoryOfAbuse>"
    )
    resubmitted = run(census(child(details=closed)))
    assert resubmitted.counts["episodes_removed"] == 2
    assert Episode.objects.get(kind="CIN").end_date == dt.date(2025, 3, 1)
    assert Episode.objects.count() == 3


def test_next_years_return_restates_episodes_still_open(db):
    run(census(child(details=DETAILS)))
    # 2026's return: the referral of May 2024 closed in June 2025; the plan too.
    later = DETAILS.replace(
        "<CINreferralDate>2024-05-01</CINreferralDate>",
        "<CINreferralDate>2024-05-01</CINreferralDate><CINclosureDate>2025-06-01</CINclosureDate>",
    ).replace(
        "<InitialCategoryOfAbuse>", "<CPPendDate>2025-05-01</CPPendDate><InitialCategoryOfAbuse>"
    )
    result = run(census(child(details=later), reference_date="2026-03-31"))
    assert result.counts["episodes_superseded"] == 2  # 2025's open CIN episode and CP plan
    assert Episode.objects.filter(kind="CIN").get().end_date == dt.date(2025, 6, 1)
    # The CIN plan that closed in 2024 is held by both returns; counting is by child, so the
    # copy does not double anything.
    assert Episode.objects.filter(kind="CP").get().source == "cin:2026"


def test_problems_name_the_element_and_field(db):
    broken = (
        "<CINdetails><CINreferralDate>2024-05-01</CINreferralDate>"
        "<ChildProtectionPlans><CPPstartDate>2024-03-01</CPPstartDate>"
        "<CPPendDate>2024-09-01</CPPendDate></ChildProtectionPlans>"
        "<ChildProtectionPlans><CPPstartDate>2024-08-01</CPPstartDate></ChildProtectionPlans>"
        "</CINdetails>"
    )
    with pytest.raises(ImportRejected) as rejected:
        run(
            census(
                child(details=broken)
                + child("A2", "wbri")
                + child("", "WBRI", details=DETAILS.replace("2024-05-01", "2024-31-01"))
            )
        )
    assert [str(p) for p in rejected.value.problems] == [
        "cin.xml, Child 2 (LAchildID A2) > ChildCharacteristics, Ethnicity: ethnicity codes are upper case: 'wbri' should be written 'WBRI'",
        "cin.xml, Child 3 > ChildIdentifiers, LAchildID: the child reference is missing",
        "cin.xml, Child 3 > CINdetails 1, CINreferralDate: '2024-31-01' is not a date in the form YYYY-MM-DD",
        "cin.xml, Child 1 (LAchildID A1) > CINdetails 1 > ChildProtectionPlans 1, CPPstartDate: the child protection plan starts (2024-03-01) before the child's referral (2024-05-01)",
        "cin.xml, Child 1 (LAchildID A1) > CINdetails 1 > ChildProtectionPlans 2, CPPstartDate: child A1's child protection plan starting 2024-08-01 overlaps the plan starting 2024-03-01 (Child 1 (LAchildID A1) > CINdetails 1 > ChildProtectionPlans 1)",
    ]
    assert not Child.objects.exists()


def test_xml_that_is_not_well_formed_is_reported(db):
    with pytest.raises(ImportRejected) as rejected:
        run(b"<Message><Children><Child></Children></Message>")
    assert "the XML is not well formed" in str(rejected.value.problems[0])


@pytest.mark.skipif(not FIXTURE.exists(), reason="shared fixtures not present")
def test_the_shared_sample_with_implausible_dates_is_rejected_with_reasons(db):
    with pytest.raises(ImportRejected) as rejected:
        run(FIXTURE.read_bytes(), name="cin-2022.xml")
    messages = [p.message for p in rejected.value.problems]
    assert any("before the child's referral" in m for m in messages)
    assert any("before the collection year began" in m for m in messages)
    assert not Episode.objects.exists()
