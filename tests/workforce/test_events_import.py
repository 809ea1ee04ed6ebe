"""Importing HR events: they attach to staff already imported, and re-import changes nothing."""

import pytest

from arp_portal.core.importing import ImportRejected, UploadedData, run_import
from dashboards.models import WorkforceEvent
from dashboards.workforce.importers import import_workforce, import_workforce_events

pytestmark = pytest.mark.django_db

STAFF = (
    "staff_id,ethnicity,grade_band,role,team,fte,hourly_pay,start_date,leaving_date\n"
    "E1,BAFR,Practitioner,Social worker,,1,21,2020-01-01,\n"
    "E2,WBRI,Practitioner,Social worker,,1,22,2020-01-01,\n"
)
EVENTS = (
    "staff_id,event,date,detail\n"
    "E1,disciplinary_opened,2025-02-03,conduct\n"
    "E1,disciplinary_outcome,2025-04-01,no case to answer\n"
    "E2,shortlisted,2025-01-10,\n"
    "E2,appointed,2025-01-20,Senior practitioner\n"
    "E2,training_completed,2024-05-01,\n"
)


def _run(importer, text, name):
    return run_import(kind=name, files=[UploadedData(name, text.encode())], importer=importer)


def test_events_are_imported_for_known_staff_and_reimport_is_idempotent():
    _run(import_workforce, STAFF, "staff.csv")
    result = _run(import_workforce_events, EVENTS, "events.csv")
    assert result.counts["created"] == 5
    assert result.counts["disciplinary_opened"] == 1
    again = _run(import_workforce_events, EVENTS, "events.csv")
    assert again.counts["created"] == 0 and again.counts["unchanged"] == 5
    assert WorkforceEvent.objects.count() == 5
    assert WorkforceEvent.objects.get(event="appointed").detail == "Senior practitioner"


def test_unknown_staff_bad_events_and_dates_are_reported_and_nothing_is_written():
    _run(import_workforce, STAFF, "staff.csv")
    broken = (
        "staff_id,event,date,detail\n"
        "E9,disciplinary_opened,2025-02-03,\n"
        "E1,suspended,2025-02-30,\n"
        "E1,training_completed,2099-01-01,\n"
        "E2,shortlisted,2025-01-10,\n"
        "E2,shortlisted,2025-01-10,\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        _run(import_workforce_events, broken, "events.csv")
    assert [str(p) for p in rejected.value.problems] == [
        "events.csv, line 2, staff_id: no member of staff has this staff id: import the "
        "workforce file with them first",
        "events.csv, line 3, event: 'suspended' is not an event; use one of "
        "disciplinary_opened, disciplinary_outcome, shortlisted, appointed, training_completed",
        "events.csv, line 3, date: '2025-02-30' is not a date as YYYY-MM-DD",
        "events.csv, line 4, date: 2099-01-01 is in the future",
        "events.csv, line 6, event: the same event for the same person and date is on line 5",
    ]
    assert WorkforceEvent.objects.count() == 0
