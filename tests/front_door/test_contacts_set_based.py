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
