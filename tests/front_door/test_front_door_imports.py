# ruff: noqa: E501 -- warnings and problems are quoted whole, as a data manager reads them.
"""A data manager imports contacts and early help as CSV or XLSX: every problem is reported by
line and field with nothing written; ethnicity comes from the children held or the file."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from arp_portal.core.importing import ImportRejected, UploadedData, run_import
from arp_portal.core.models import Child, ImportRun, Locality, Team
from dashboards.front_door.importers import import_contacts, import_early_help
from dashboards.front_door.models import Contact, ContactMonth, EarlyHelpEpisode
from dashboards.front_door.services import contact_months_rebuild

pytestmark = pytest.mark.django_db

HEADER = "child_id,contact_date,source,outcome,ethnicity\n"


def _csv(name: str, text: str) -> list[UploadedData]:
    return [UploadedData(name, text.encode())]


def _import(text: str, importer=import_contacts, kind="contacts"):
    return run_import(kind=kind, files=_csv("contacts.csv", text), importer=importer)


def _held_child(ref: str, code: str) -> Child:
    return Child.objects.create(child_ref=ref, birth_year=2014, birth_month=3, sex=2,
                                ethnicity_id=code)  # fmt: skip


def test_contacts_take_the_held_childs_ethnicity_or_the_files():
    _held_child("C1", "BCRB")
    result = _import(
        HEADER
        + "C1,2025-04-02,2A,early_help,WBRI\n"
        + "F9,2025-05-20,3A,Information and advice,BAFR\n"
        + "F9,2025-09-01,6,referral,BAFR\n"
    )
    assert result.counts["contacts"] == 3
    assert result.counts["ethnicity_from_children_held"] == 1
    rows = list(Contact.objects.order_by("contact_date").values_list(
        "child_ref", "ethnicity", "outcome", "repeat_within_12_months"))  # fmt: skip
    assert rows == [
        ("C1", "BCRB", "early_help", False),
        ("F9", "BAFR", "advice", False),
        ("F9", "BAFR", "referral", True),
    ]


def test_every_problem_is_reported_by_line_and_field_and_nothing_is_written():
    with pytest.raises(ImportRejected) as rejected:
        _import(
            HEADER
            + "C1,2025-13-02,2A,early_help,WBRI\n"
            + ",2025-04-02,2A,early_help,WBRI\n"
            + "C2,2025-04-02,2Z,maybe,WBRI\n"
            + "C3,2025-04-02,2A,nfa,\n"
            + "C4,2025-04-02,2A,nfa,White British\n"
            + f"C5,{(dt.date.today() + dt.timedelta(days=3)).isoformat()},2A,nfa,WBRI\n"
        )
    messages = [str(problem) for problem in rejected.value.problems]
    assert messages == [
        "contacts.csv, line 2, contact_date: '2025-13-02' is not a date in the form YYYY-MM-DD",
        "contacts.csv, line 3, child_id: the child's reference is blank",
        "contacts.csv, line 4, source: '2Z' is not a CIN census referral source code (1A to 10)",
        "contacts.csv, line 4, outcome: 'maybe' is not an outcome: use nfa, advice, early_help or "
        "referral",
        "contacts.csv, line 5, ethnicity: the portal does not hold this child, so the ethnicity "
        "column must give their DfE ethnicity code",
        "contacts.csv, line 6, ethnicity: 'White British' is a label, not a DfE ethnicity code "
        "(the code is WBRI)",
        f"contacts.csv, line 7, contact_date: {(dt.date.today() + dt.timedelta(days=3))} is "
        "after today",
    ]
    assert Contact.objects.count() == 0
    assert ImportRun.objects.get().status == ImportRun.Status.REJECTED


def test_a_missing_column_is_reported_once():
    with pytest.raises(ImportRejected) as rejected:
        _import("child_id,contact_date,outcome\nC1,2025-04-02,nfa\n")
    assert [str(p) for p in rejected.value.problems] == [
        "contacts.csv, line 1, source: missing column(s); the header must include child_id, "
        "contact_date, source, outcome"
    ]


def test_an_xlsx_file_with_date_cells_imports_the_same():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["child_id", "contact_date", "source", "outcome", "ethnicity"])
    sheet.append(["F1", dt.datetime(2025, 4, 2), "2A", "early_help", "MWBC"])
    sheet.append(["F2", "2025-04-03", 6, "referral", "WBRI"])  # a number, as Excel keeps 6
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run_import(kind="contacts", files=[UploadedData("contacts.xlsx", buffer.getvalue())],
                        importer=import_contacts)  # fmt: skip
    assert result.counts["contacts"] == 2
    assert set(Contact.objects.values_list("child_ref", "contact_date", "source")) == {
        ("F1", dt.date(2025, 4, 2), "2A"),
        ("F2", dt.date(2025, 4, 3), "6"),
    }


def test_importing_a_period_again_replaces_it_and_rechecks_later_repeats():
    _import(HEADER + "A,2026-01-10,2A,nfa,WBRI\n")
    _import(HEADER + "A,2025-04-01,2A,nfa,WBRI\nA,2025-06-01,2A,advice,WBRI\n")
    assert Contact.objects.get(contact_date=dt.date(2026, 1, 10)).repeat_within_12_months
    again = _import(HEADER + "A,2025-04-01,2A,nfa,WBRI\nB,2025-06-01,2A,advice,WBRI\n")
    assert again.counts["replaced"] == 2
    assert Contact.objects.count() == 3
    # A's contact of 10 January 2026 now follows only 1 April 2025: still within 365 days.
    assert Contact.objects.get(contact_date=dt.date(2026, 1, 10)).repeat_within_12_months
    _import(HEADER + "A,2025-01-01,2A,nfa,WBRI\nB,2025-06-01,2A,advice,WBRI\n")
    assert not Contact.objects.get(contact_date=dt.date(2026, 1, 10)).repeat_within_12_months


def test_a_contacts_ethnicity_follows_a_child_added_or_corrected_later():
    _import(HEADER + "F1,2025-04-02,2A,referral,NOBT\n")
    child = _held_child("F1", "BAFR")
    assert Contact.objects.get().ethnicity == "BAFR"
    Child.objects.filter(pk=child.pk).update(ethnicity_id="BOTH")
    assert Contact.objects.get().ethnicity == "BOTH"


def _months() -> set[tuple]:
    return set(
        ContactMonth.objects.values_list(
            "month", "ethnicity", "outcome", "repeat_within_12_months", "contacts"
        )
    )


def test_the_dashboards_monthly_counts_follow_a_child_added_or_corrected_later():
    """The page reads whole months from ContactMonth: a child's ethnicity moves its contacts'
    counts there too, as recounting the months from the contacts would."""
    _import(
        HEADER
        + "F1,2025-04-02,2A,referral,NOBT\n"
        + "F1,2025-04-20,2A,nfa,NOBT\n"
        + "F2,2025-04-03,2A,referral,NOBT\n"
        + "F1,2025-06-01,6,advice,NOBT\n"
    )
    april = dt.date(2025, 4, 1)
    assert (april, "NOBT", "referral", False, 2) in _months()
    child = _held_child("F1", "BAFR")
    recounted = _months()
    contact_months_rebuild()
    assert recounted == _months()
    assert {(april, "BAFR", "referral", False, 1), (april, "NOBT", "referral", False, 1)} <= (
        recounted
    )
    Child.objects.filter(pk=child.pk).update(ethnicity_id="BOTH")
    recounted = _months()
    contact_months_rebuild()
    assert recounted == _months()
    assert not any(row[1] == "BAFR" for row in recounted)


EH_HEADER = "child_id,start_date,end_date,team,closure_reason,ethnicity\n"


def test_early_help_episodes_are_added_then_updated():
    north = Locality.objects.create(name="North")
    Team.objects.create(name="North Early Help", locality=north, service_area="early_help")
    first = _import(
        EH_HEADER + "F1,2025-04-10,,north early help,,WBRI\nF2,2025-05-01,2025-09-30,,"
        "Stepped up to children's social care,BCRB\n",
        import_early_help, "early_help",
    )  # fmt: skip
    assert first.counts["created"] == 2
    second = _import(EH_HEADER + "F1,2025-04-10,2025-10-01,,needs_met,WBRI\n",
                     import_early_help, "early_help")  # fmt: skip
    assert second.counts == {**second.counts, "created": 0, "updated": 1}
    assert set(EarlyHelpEpisode.objects.values_list("child_ref", "closure_reason")) == {
        ("F1", "needs_met"),
        ("F2", "stepped_up"),
    }


def test_early_help_problems_are_reported():
    with pytest.raises(ImportRejected) as rejected:
        _import(
            EH_HEADER
            + "F1,2025-04-10,2025-04-01,,needs_met,WBRI\n"
            + "F2,2025-04-10,2025-05-01,,,WBRI\n"
            + "F3,2025-04-10,,,stepped_up,WBRI\n"
            + "F4,2025-04-10,,Nowhere,,WBRI\n",
            import_early_help, "early_help",
        )  # fmt: skip
    assert [str(p) for p in rejected.value.problems] == [
        "contacts.csv, line 2, end_date: the episode ends (2025-04-01) before it starts",
        "contacts.csv, line 3, closure_reason: the episode has ended, so give the closure reason",
        "contacts.csv, line 4, closure_reason: the episode has no end date, so it cannot have a "
        "closure reason",
        "contacts.csv, line 5, team: 'Nowhere' is not a team the portal knows",
    ]
    assert EarlyHelpEpisode.objects.count() == 0


def test_the_upload_page_offers_the_template(data_manager_client):
    page = data_manager_client.get("/dashboards/imports/contacts/").content.decode()
    assert "Front door contacts (CSV or Excel)" in page
    template = data_manager_client.get("/dashboards/imports/front-door/contacts/template.csv")
    assert template.content.decode().startswith("child_id,contact_date,source,outcome,ethnicity")
    hub = data_manager_client.get("/dashboards/imports/").content.decode()
    assert "Early help episodes (CSV or Excel)" in hub


EARLY_HELP = "child_id,start_date,end_date,team,closure_reason,ethnicity\n"


def test_early_help_warns_of_an_ethnicity_unlike_the_held_childs_and_refuses_one_before_birth():
    _held_child("C1", "BCRB")  # born 1 March 2014
    result = _import(
        EARLY_HELP + "C1,2024-01-10,,,,WBRI\n", importer=import_early_help, kind="early_help"
    )
    assert result.counts["ethnicity_conflicts"] == 1
    assert result.counts["warnings"] == [
        "contacts.csv, line 2, ethnicity: child C1 is WBRI in this file but BCRB in the portal (from an earlier import); an early help episode takes the ethnicity of the child the portal holds, so BCRB is kept"
    ]
    assert EarlyHelpEpisode.objects.get().ethnicity == "BCRB"
    with pytest.raises(ImportRejected) as rejected:
        _import(EARLY_HELP + "C1,2013-01-10,,,,\n", importer=import_early_help, kind="early_help")
    assert [str(problem) for problem in rejected.value.problems] == [
        "contacts.csv, line 2, start_date: the early help episode's start (2013-01-10) is more than a year before the child's birth (2014-03-01, as the portal holds it)"
    ]
    assert EarlyHelpEpisode.objects.count() == 1
