# ruff: noqa: E501 -- problem messages are quoted whole, as a data manager reads them.
"""The CIN census XML in each era's layout: referrals, child in need plans and protection plans,
by the collection year its header gives, and DfE's rules that decide who is in a cohort."""

import datetime as dt
from pathlib import Path

import pytest

from arp_portal.core.importing import ImportRejected, UploadedData, run_import
from arp_portal.core.models import Child, Episode, ImportRun
from dashboards.children import selectors
from dashboards.children.importers import import_cin_census

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cin_census"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "cin_census"


def census(children: str, *, year=2025, reference_date=None) -> bytes:
    reference_date = reference_date or f"{year}-03-31"
    return (
        "<Message><Header><CollectionDetails><Collection>CIN</Collection>"
        f"<Year>{year}</Year><ReferenceDate>{reference_date}</ReferenceDate>"
        f"</CollectionDetails></Header><Children>{children}</Children></Message>"
    ).encode()


def child(ref="A1", ethnicity="BCRB", sex="<Sex>F</Sex>", details="", born="2016-02-10") -> str:
    return (
        f"<Child><ChildIdentifiers><LAchildID>{ref}</LAchildID>"
        f"<PersonBirthDate>{born}</PersonBirthDate>{sex}</ChildIdentifiers>"
        f"<ChildCharacteristics><Ethnicity>{ethnicity}</Ethnicity></ChildCharacteristics>"
        f"{details}</Child>"
    )


def referral(start="2024-05-01", end=None, inside="") -> str:
    closure = f"<CINclosureDate>{end}</CINclosureDate>" if end else ""
    return f"<CINdetails><CINreferralDate>{start}</CINreferralDate>{closure}{inside}</CINdetails>"


def run(data: bytes, name="cin.xml"):
    return run_import(
        kind="cin_census", files=[UploadedData(name, data)], importer=import_cin_census
    )


def run_fixture(name: str):
    return run((FIXTURES / name).read_bytes(), name=name)


def rejected_messages(data: bytes) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        run(data)
    return [str(problem) for problem in rejected.value.problems]


def children_in_need(date: dt.date) -> int:
    counts = selectors.live_trend_counts(
        selectors.ChildFilters(cohort="cin", reference_date=date), [date]
    )
    return sum(counts[date].values())


# ------------------------------------------------------------------ each era's layout


def test_a_2020_21_return_gives_sex_as_gender_current(db):
    result = run_fixture("cin-2021.xml")
    assert result.counts["collection_year"] == 2021
    assert result.counts["reference_date"] == "2021-03-31"
    sexes = dict(Child.objects.values_list("child_ref", "sex"))
    # 1 male, 2 female, 9 not known; 0 (not recorded) is held as not known.
    assert sexes == {"C1": 1, "C2": 2, "C3": 9, "C4": 9}
    assert set(Episode.objects.values_list("source", flat=True)) == {"cin:2021"}


def test_a_2024_25_return_gives_sex_as_m_f_or_u_and_an_unborn_child_is_u(db):
    result = run_fixture("cin-2025.xml")
    assert result.counts["collection_year"] == 2025
    sexes = dict(Child.objects.values_list("child_ref", "sex"))
    assert sexes == {"C1": 1, "C5": 9, "C6": 2, "C7": 1}
    c1 = Episode.objects.filter(child__child_ref="C1").order_by("start_date")
    assert [(e.kind, e.start_date, e.end_date) for e in c1] == [
        ("CIN", dt.date(2024, 5, 1), None),
        ("CINP", dt.date(2024, 6, 1), dt.date(2024, 7, 1)),
        ("CP", dt.date(2024, 7, 2), None),
    ]
    assert c1[2].plan_category == "NEG"
    # The unborn child is not counted on 31 March 2025 (the population is 0 to 17).
    assert Child.objects.get(child_ref="C5").birth_date == dt.date(2025, 6, 1)
    assert children_in_need(dt.date(2025, 3, 31)) == 2  # C1 and C7; C6 died in January


def test_a_death_date_ends_the_childs_episodes_and_keeps_what_the_file_said(db):
    run_fixture("cin-2025.xml")
    episode = Episode.objects.get(child__child_ref="C6")
    assert episode.end_date == dt.date(2025, 1, 15)
    assert episode.end_rule == "DEATH" and episode.recorded_end_date is None
    assert Child.objects.get(child_ref="C6").death_date == dt.date(2025, 1, 15)
    assert children_in_need(dt.date(2025, 1, 14)) == 3
    assert children_in_need(dt.date(2025, 1, 16)) == 2


def test_a_2025_26_return_reads_sex_and_knows_the_child_born_since(db):
    run_fixture("cin-2026.xml")
    c5 = Child.objects.get(child_ref="C5")
    assert (c5.birth_date, c5.sex, c5.ethnicity_id) == (dt.date(2025, 5, 28), 2, "MWBC")


def test_each_sex_element_is_valid_only_in_its_own_years(db):
    assert rejected_messages(census(child(sex="<GenderCurrent>2</GenderCurrent>"))) == [
        "cin.xml, Child 1 (LAchildID A1) > ChildIdentifiers, GenderCurrent: a 2024-25 return gives sex as <Sex> (M, F or U; DfE rule 4180), not <GenderCurrent>, which ended with the 2023-24 collection"
    ]
    assert rejected_messages(census(child(sex="<Sex>F</Sex>"), year=2024)) == [
        "cin.xml, Child 1 (LAchildID A1) > ChildIdentifiers, Sex: a 2023-24 return gives sex as <GenderCurrent> (1, 2, 9 or 0); <Sex> begins with the 2024-25 collection"
    ]
    assert rejected_messages(census(child(sex="<Sex>1</Sex>"), year=2026)) == [
        "cin.xml, Child 1 (LAchildID A1) > ChildIdentifiers, Sex: '1' is not a sex code of DfE rule 4180: use M (male), F (female) or U (unknown, as for an unborn child, rule 8750) (1, 2 and 9 were GenderCurrent codes, to 2023-24)"
    ]
    assert rejected_messages(census(child(sex="<GenderCurrent>M</GenderCurrent>"), year=2022)) == [
        "cin.xml, Child 1 (LAchildID A1) > ChildIdentifiers, GenderCurrent: 'M' is not a GenderCurrent code: use 1 (male), 2 (female), 9 (not known) or 0 (not recorded)"
    ]
    assert not Child.objects.exists()


# ------------------------------------------------------------------ the collection year


def test_the_reference_date_must_be_31_march_of_the_headers_year(db):
    assert rejected_messages(census(child(details=referral()), reference_date="2024-03-31")) == [
        "cin.xml, Header > CollectionDetails, ReferenceDate: the reference date is 2024-03-31 but a 2024-25 return (Year 2025) has 2025-03-31 (DfE rule 100)"
    ]
    run_import_log = ImportRun.objects.get()
    assert run_import_log.status == ImportRun.Status.REJECTED
    assert "DfE rule 100" in run_import_log.problems[0]["message"]


def test_a_return_never_removes_another_years_data(db):
    """The issue's case: a 2023-24 return whose ReferenceDate said 2025 was filed as 2024-25,
    and the genuine 2024-25 return then replaced it: 185 episodes of 2023-24 were lost."""
    earlier = "".join(
        child(
            f"Y{number:03d}",
            "WBRI",
            "<GenderCurrent>1</GenderCurrent>",
            referral("2023-05-01", "2024-02-01"),
        )  # fmt: skip
        for number in range(185)
    )
    # Filed with the wrong reference date: rejected (rule 100), nothing written.
    with pytest.raises(ImportRejected):
        run(census(earlier, year=2024, reference_date="2025-03-31"))
    assert Episode.objects.count() == 0
    run(census(earlier, year=2024))
    assert Episode.objects.filter(source="cin:2024").count() == 185
    genuine = child("Y000", "WBRI", "<Sex>M</Sex>", referral("2024-06-01")) + child(
        "Z1", "BAFR", "<Sex>F</Sex>", referral("2024-07-01")
    )
    result = run(census(genuine, year=2025))
    assert result.counts["collection_year"] == 2025
    assert Episode.objects.filter(source="cin:2024").count() == 185
    assert Episode.objects.filter(source="cin:2025").count() == 2
    # The same file again under its own year changes nothing of the other.
    run(census(genuine, year=2025))
    assert Episode.objects.count() == 187


def test_a_return_is_the_truth_for_its_own_year(db):
    run_fixture("cin-2025.xml")
    result = run_fixture("cin-2026.xml")
    # C7 was open at the end of 2024-25 and is not in 2025-26: they left, and are listed.
    assert result.counts["children_left_since_previous_return"] == 1
    assert result.counts["warnings"][0] == (
        "1 child(ren) open at the end of the CIN census 2024-25 are not in this return, so they "
        "left before 1 April 2025 and are not counted in 2025-26: C7"
    )
    c7 = Episode.objects.get(child__child_ref="C7")
    assert (c7.end_date, c7.end_rule, c7.recorded_end_date) == (
        dt.date(2025, 3, 31),
        "LATER_RETURN",
        None,
    )
    # Nothing of 2024-25 was removed: its episodes left open end at its 31 March.
    assert Episode.objects.filter(source="cin:2025").count() == 6
    assert children_in_need(dt.date(2025, 3, 31)) == 2  # C1, C7
    assert children_in_need(dt.date(2025, 5, 15)) == 1  # C1 (closed 1 June); C5 is unborn
    assert children_in_need(dt.date(2025, 5, 30)) == 2  # C1, and C5 (born 28 May)
    assert children_in_need(dt.date(2026, 3, 31)) == 2  # C5, C8: not C1, not C7


def test_returns_imported_out_of_order_give_the_same_figures(db):
    run_fixture("cin-2026.xml")
    result = run_fixture("cin-2025.xml")
    assert result.counts["children_left_before_next_return"] == 1
    assert (
        "are not in the CIN census 2025-26, so they left by 31 March 2025: C7"
        in result.counts["warnings"][0]
    )
    assert children_in_need(dt.date(2025, 3, 31)) == 2
    assert children_in_need(dt.date(2025, 5, 30)) == 2
    assert children_in_need(dt.date(2026, 3, 31)) == 2
    # The later return's ethnicity and birth date stand for C5, whichever came first.
    c5 = Child.objects.get(child_ref="C5")
    assert (c5.ethnicity_id, c5.birth_date) == ("MWBC", dt.date(2025, 5, 28))


# ------------------------------------------------------------------ DfE's rules, by number


def test_dates_after_the_reference_date_are_rejected(db):
    messages = rejected_messages(census(child(details=referral("2024-05-01", "2025-04-02"))))
    assert messages == [
        "cin.xml, Child 1 (LAchildID A1) > CINdetails 1, CINclosureDate: 2025-04-02 is after the return's reference date (2025-03-31) (no date follows it)"
    ]


def test_an_episode_closed_before_the_year_began_is_rejected(db):
    assert rejected_messages(census(child(details=referral("2023-05-01", "2024-03-01")))) == [
        "cin.xml, Child 1 (LAchildID A1) > CINdetails 1, CINclosureDate: the episode closed (2024-03-01) before the collection year began (2024-04-01) (DfE rule 8620)"
    ]


def test_plans_inside_their_episode_and_not_overlapping(db):
    plans = (
        "<CINPlanDates><CINPlanStartDate>2024-04-20</CINPlanStartDate></CINPlanDates>"
        "<ChildProtectionPlans><CPPstartDate>2024-03-01</CPPstartDate>"
        "<CPPendDate>2024-09-01</CPPendDate></ChildProtectionPlans>"
        "<ChildProtectionPlans><CPPstartDate>2024-08-01</CPPstartDate></ChildProtectionPlans>"
        "<ChildProtectionPlans><CPPstartDate>2024-10-01</CPPstartDate></ChildProtectionPlans>"
    )
    assert rejected_messages(census(child(details=referral("2024-05-01", inside=plans)))) == [
        "cin.xml, Child 1 (LAchildID A1) > CINdetails 1 > CINPlanDates 1, CINPlanStartDate: the child in need plan starts (2024-04-20) before its referral (2024-05-01) (DfE rule 4015)",
        "cin.xml, Child 1 (LAchildID A1) > CINdetails 1 > ChildProtectionPlans 1, CPPstartDate: the child protection plan starts (2024-03-01) before its referral (2024-05-01) (DfE rule 1105)",
        "cin.xml, Child 1 (LAchildID A1) > CINdetails 1 > ChildProtectionPlans 3, CPPendDate: child A1 has 2 open child protection plans; at most one may be open",
        "cin.xml, Child 1 (LAchildID A1) > CINdetails 1 > ChildProtectionPlans 2, CPPstartDate: child A1's child protection plan starting 2024-08-01 overlaps the plan starting 2024-03-01 (Child 1 (LAchildID A1) > CINdetails 1 > ChildProtectionPlans 1)",
        "cin.xml, Child 1 (LAchildID A1) > CINdetails 1 > ChildProtectionPlans 3, CPPstartDate: child A1's child protection plan starting 2024-10-01 overlaps the plan starting 2024-08-01 (Child 1 (LAchildID A1) > CINdetails 1 > ChildProtectionPlans 2)",
    ]
    closed = "<ChildProtectionPlans><CPPstartDate>2024-06-01</CPPstartDate></ChildProtectionPlans>"
    assert rejected_messages(
        census(child(details=referral("2024-05-01", "2024-12-01", closed)))
    ) == [
        "cin.xml, Child 1 (LAchildID A1) > CINdetails 1 > ChildProtectionPlans 1, CPPendDate: the plan is still open but its child in need episode closed on 2024-12-01"
    ]


def test_impossible_birth_dates_and_episodes_long_before_birth_are_rejected(db):
    messages = rejected_messages(
        census(
            child("B1", born="0001-01-01", details=referral())
            + child("B2", born="2090-01-01", details=referral())
            + child("B3", born="2024-08-01", details=referral("2023-04-02"))
        )
    )
    assert messages == [
        "cin.xml, Child 1 (LAchildID B1) > ChildIdentifiers, PersonBirthDate: 0001-01-01 is before 1900: not a real date",
        "cin.xml, Child 2 (LAchildID B2) > ChildIdentifiers, PersonBirthDate: 2090-01-01 is after the return's reference date (2025-03-31)",
        "cin.xml, Child 3 (LAchildID B3) > CINdetails 1, CINreferralDate: 2023-04-02 is more than a year before the child's birth (2024-08-01)",
    ]


def test_the_same_return_again_changes_nothing_and_a_corrected_one_replaces_it(db):
    plan = "<ChildProtectionPlans><CPPstartDate>2024-07-02</CPPstartDate></ChildProtectionPlans>"
    run(census(child(details=referral(inside=plan))))
    again = run(census(child(details=referral(inside=plan))))
    assert again.counts["episodes_added"] == 0 and again.counts["episodes_removed"] == 0
    closed_plan = plan.replace(
        "</CPPstartDate>", "</CPPstartDate><CPPendDate>2025-02-01</CPPendDate>"
    )
    corrected = run(census(child(details=referral(end="2025-03-01", inside=closed_plan))))
    assert corrected.counts["episodes_removed"] == 2
    assert Episode.objects.get(kind="CIN").end_date == dt.date(2025, 3, 1)


def test_problems_name_the_element_and_field(db):
    messages = rejected_messages(
        census(
            child("A2", "wbri", details=referral())
            + child("", "WBRI", details=referral("2024-31-01"))
            + child("X" * 65, "WBRI", details=referral())
        )
    )
    assert messages == [
        "cin.xml, Child 1 (LAchildID A2) > ChildCharacteristics, Ethnicity: ethnicity codes are upper case: 'wbri' should be written 'WBRI'",
        "cin.xml, Child 2 > ChildIdentifiers, LAchildID: the child reference is missing",
        "cin.xml, Child 2 > CINdetails 1, CINreferralDate: '2024-31-01' is not a date in the form YYYY-MM-DD",
        f"cin.xml, Child 3 (LAchildID {'X' * 64}) > ChildIdentifiers, LAchildID: the child reference is 65 characters long; at most 64",
    ]
    assert not Child.objects.exists()


@pytest.mark.skipif(not (SHARED / "cin-2022.xml").exists(), reason="shared fixtures not present")
def test_the_shared_sample_with_implausible_dates_is_rejected_with_reasons(db):
    with pytest.raises(ImportRejected) as rejected:
        run((SHARED / "cin-2022.xml").read_bytes(), name="cin-2022.xml")
    messages = [p.message for p in rejected.value.problems]
    assert any("(DfE rule 1105)" in m for m in messages)
    assert any("(DfE rule 8620)" in m for m in messages)
    assert not Episode.objects.exists()


# ------------------------------------------------------------------ messages on the right field


def test_a_blank_sex_is_not_told_about_gender_current_codes(db):
    assert rejected_messages(census(child(sex="<Sex></Sex>"))) == [
        "cin.xml, Child 1 (LAchildID A1) > ChildIdentifiers, Sex: blank is not a sex code of DfE rule 4180: use M (male), F (female) or U (unknown, as for an unborn child, rule 8750)"
    ]


def test_an_unborn_child_is_sex_u(db):
    unborn = (
        "<Child><ChildIdentifiers><LAchildID>U1</LAchildID>"
        "<ExpectedPersonBirthDate>2025-06-01</ExpectedPersonBirthDate><Sex>{}</Sex>"
        "</ChildIdentifiers><ChildCharacteristics><Ethnicity>NOBT</Ethnicity>"
        f"</ChildCharacteristics>{referral('2025-01-10')}</Child>"
    )
    assert rejected_messages(census(unborn.format("M") + unborn.format("F"))) == [
        "cin.xml, Child 1 (LAchildID U1) > ChildIdentifiers, Sex: the child is unborn (an ExpectedPersonBirthDate, no PersonBirthDate), so their <Sex> is U, not M (DfE rule 8750)",
        "cin.xml, Child 2 (LAchildID U1) > ChildIdentifiers, Sex: the child is unborn (an ExpectedPersonBirthDate, no PersonBirthDate), so their <Sex> is U, not F (DfE rule 8750)",
    ]
    run(census(unborn.format("U")))
    assert Child.objects.get().sex == 9


def test_a_referral_or_plan_after_the_childs_death_is_named_on_its_own_field(db):
    died = "<PersonDeathDate>2024-09-30</PersonDeathDate></ChildIdentifiers>"
    plan = "<CINPlanDates><CINPlanStartDate>2024-10-02</CINPlanStartDate></CINPlanDates>"
    cpp = "<ChildProtectionPlans><CPPstartDate>2024-10-03</CPPstartDate></ChildProtectionPlans>"
    data = census(
        child(details=referral("2024-10-01")).replace("</ChildIdentifiers>", died)
        + child(ref="A2", details=referral("2024-05-01", inside=plan + cpp)).replace(
            "</ChildIdentifiers>", died
        )
    )
    assert rejected_messages(data) == [
        "cin.xml, Child 1 (LAchildID A1) > CINdetails 1, CINreferralDate: 2024-10-01 is after the child's death (2024-09-30)",
        "cin.xml, Child 2 (LAchildID A2) > CINdetails 1 > CINPlanDates 1, CINPlanStartDate: 2024-10-02 is after the child's death (2024-09-30)",
        "cin.xml, Child 2 (LAchildID A2) > CINdetails 1 > ChildProtectionPlans 1, CPPstartDate: 2024-10-03 is after the child's death (2024-09-30)",
    ]


def test_a_return_in_a_default_namespace_is_read_by_local_names(db):
    plain = census(child(details=referral("2024-05-01", inside=(
        "<ChildProtectionPlans><CPPstartDate>2024-06-01</CPPstartDate>"
        "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse></ChildProtectionPlans>"
    ))))  # fmt: skip
    namespaced = plain.replace(b"<Message>", b'<Message xmlns="http://www.dfe.gov.uk/CIN">')
    result = run(namespaced)
    assert (result.counts["collection_year"], result.counts["children"]) == (2025, 1)
    assert sorted(Episode.objects.values_list("kind", "start_date", "plan_category")) == [
        ("CIN", dt.date(2024, 5, 1), ""),
        ("CP", dt.date(2024, 6, 1), "NEG"),
    ]
    # A prefixed namespace too, and its problems are named by local names.
    prefixed = plain.replace(b"<", b"<c:").replace(b"<c:/", b"</c:")
    prefixed = prefixed.replace(b"<c:Message>", b'<c:Message xmlns:c="http://www.dfe.gov.uk/CIN">')
    assert rejected_messages(prefixed.replace(b"BCRB", b"XXXX")) == [
        "cin.xml, Child 1 (LAchildID A1) > ChildCharacteristics, Ethnicity: 'XXXX' is not a DfE ethnicity code"
    ]
