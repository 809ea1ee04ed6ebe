# ruff: noqa: E501 -- problem messages are quoted whole, as a data manager reads them.
"""Contacts are checked and written set-based, in SQL, when the file is plain (ADR 056); any
other file, or one a check fails, goes through pandas, which reports every problem. The two ways
agree on what is written, repeats included."""

import pytest

from arp_portal.core.importing import ImportRejected, UploadedData, run_import
from arp_portal.core.models import Child
from dashboards.front_door import importers
from dashboards.front_door.models import Contact, ContactMonth

pytestmark = pytest.mark.django_db

HEADER = "child_id,contact_date,source,outcome,ethnicity\n"
EARLIER = HEADER + "C1,2024-06-01,2A,nfa,\nF1,2024-11-30,1A,advice,BAFR\n"
LATER = (
    HEADER
    + "C1,2025-04-02,2A,early_help,WBRI\n"
    + "C1,2025-04-02,3A,Early Help,\n"
    + "C1,2025-06-10,6,referral,\n"
    + "F1,2025-05-20,3A,Information and advice,BAFR\n"
    + "F2,2026-01-20,3A,nfa,WIRI\n"
    + ",,,,\n"
    + "F2,2026-05-21,1B,NFA,WIRI\n"
)


def load(text: str):
    return run_import(
        kind="contacts",
        files=[UploadedData("contacts.csv", text.encode())],
        importer=importers.import_contacts,
    )


def held() -> tuple[list, list]:
    contacts = list(
        Contact.objects.order_by("contact_date", "child_ref", "source").values_list(
            "child_ref", "contact_date", "source", "outcome", "ethnicity",
            "repeat_within_12_months",
        )
    )  # fmt: skip
    months = list(
        ContactMonth.objects.order_by("month", "ethnicity", "source", "outcome").values_list(
            "month", "ethnicity", "source", "outcome", "repeat_within_12_months", "contacts"
        )
    )
    return contacts, months


def test_set_based_and_pandas_write_the_same_contacts_and_repeats(monkeypatch):
    Child.objects.create(child_ref="C1", birth_year=2014, birth_month=3, sex=2, ethnicity_id="BCRB")
    with monkeypatch.context() as patch:
        patch.setattr(importers, "stage_plain_csv", lambda *args, **kwargs: None)
        slow = [load(EARLIER).counts, load(LATER).counts]
    expected = held()
    Contact.objects.all().delete()
    ContactMonth.objects.all().delete()

    def refuse(*args, **kwargs):
        raise AssertionError("the plain file went through pandas")

    monkeypatch.setattr(importers, "parse_contacts", refuse)
    fast = [load(EARLIER).counts, load(LATER).counts]
    assert held() == expected
    assert fast == slow
    # C1's two contacts on 2 April 2025 (after 1 June 2024) and 10 June; F1; F2 in May 2026.
    assert fast[1]["repeat_contacts"] == 5


def test_a_row_a_check_refuses_goes_to_pandas_and_is_reported():
    Child.objects.create(child_ref="C1", birth_year=2014, birth_month=3, sex=2, ethnicity_id="BCRB")
    with pytest.raises(ImportRejected) as rejected:
        load(EARLIER + "F3,2025-02-30,1A,nfa,WBRI\n")
    assert (
        "contacts.csv, line 4, contact_date: '2025-02-30' is not a date in the form YYYY-MM-DD"
        in [str(problem) for problem in rejected.value.problems]
    )
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "row",
    [
        " F3,2025-04-02,2A,nfa,WBRI\n",  # a space before the reference
        "F3 ,2025-04-02,2A,nfa,WBRI\n",
        "F\x013,2025-04-02,2A,nfa,WBRI\n",  # a control character
        "Fé3,2025-04-02,2A,nfa,WBRI\n",  # not ASCII
    ],
)
def test_a_reference_a_clean_file_cannot_hold_is_taken_as_pandas_takes_it(monkeypatch, row):
    # A clean file (StagedCsv.clean) skips the check of each reference's first and last
    # characters; any of these makes the file not clean, and checked as before.
    def outcome():
        try:
            counts = load(LATER + row).counts
        except ImportRejected as rejected:
            return [str(p) for p in rejected.problems]
        return held(), counts.get("rows")

    with monkeypatch.context() as patch:
        patch.setattr(importers, "stage_plain_csv", lambda *args, **kwargs: None)
        slow = outcome()
    Contact.objects.all().delete()
    ContactMonth.objects.all().delete()
    assert outcome() == slow


def both_ways(monkeypatch, text: str) -> list:
    """The outcome of importing `text` set-based and through pandas (each on the same held
    data): the counts, or the problems of a rejection."""
    outcomes = []
    for staged in (True, False):
        with monkeypatch.context() as patch:
            if not staged:
                patch.setattr(importers, "stage_plain_csv", lambda *args, **kwargs: None)
            try:
                outcomes.append(load(text).counts)
            except ImportRejected as rejected:
                outcomes.append([str(problem) for problem in rejected.problems])
        Contact.objects.all().delete()
        ContactMonth.objects.all().delete()
    return outcomes


def test_an_ethnicity_unlike_the_held_childs_is_a_warning_with_the_rule_both_ways(monkeypatch):
    Child.objects.create(child_ref="C1", birth_year=2014, birth_month=3, sex=2, ethnicity_id="BCRB")
    fast, slow = both_ways(
        monkeypatch,
        HEADER + "C1,2025-04-02,2A,nfa,WBRI\nC1,2025-05-02,2A,nfa,BCRB\nC1,2025-06-02,2A,nfa,\n",
    )
    assert fast == slow
    assert fast["ethnicity_conflicts"] == fast["warnings_count"] == 1
    assert fast["warnings"] == [
        "contacts.csv, line 2, ethnicity: child C1 is WBRI in this file but BCRB in the portal (from an earlier import); a contact takes the ethnicity of the child the portal holds, so BCRB is kept"
    ]


def test_a_contact_long_before_the_childs_birth_is_rejected_both_ways(monkeypatch):
    Child.objects.create(
        child_ref="C1", birth_year=2020, birth_month=3, birth_day=15, sex=2, ethnicity_id="BCRB"
    )
    # An unborn child's contact within a year of the birth is taken, as a case export takes it.
    fast, slow = both_ways(monkeypatch, HEADER + "C1,2019-03-15,2A,nfa,\n")
    assert fast == slow and fast["contacts"] == 1
    fast, slow = both_ways(monkeypatch, HEADER + "C1,2019-03-14,2A,nfa,\nC1,2010-01-01,2A,nfa,\n")
    assert (
        fast
        == slow
        == [
            "contacts.csv, line 2, contact_date: the contact (2019-03-14) is more than a year before the child's birth (2020-03-15, as the portal holds it)",
            "contacts.csv, line 3, contact_date: the contact (2010-01-01) is more than a year before the child's birth (2020-03-15, as the portal holds it)",
        ]
    )
    assert not Contact.objects.exists()
