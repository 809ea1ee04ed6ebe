"""Importing the HR staff extract: pseudonymised, all or nothing, idempotent."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from arp_portal.core.importing import ImportRejected, UploadedData, run_import
from arp_portal.core.models import ImportRun, StaffMember
from arp_portal.core.pseudonymisation import pseudonymise
from dashboards.workforce.importers import import_workforce
from tests.workforce.factories import make_team

pytestmark = pytest.mark.django_db

HEADER = "staff_id,ethnicity,grade_band,role,team,fte,hourly_pay,start_date,leaving_date\n"
GOOD = (
    HEADER
    + "E1001,BCRB,Team manager,manager,North Assessment,1.0,31.20,2019-04-01,\n"
    + "E1002,WBRI,2_practitioner,Social worker,,0.8,21.50,2021-09-01,2024-06-30\n"
)


def _import(text: str, name: str = "staff.csv"):
    return run_import(
        kind="workforce_staff",
        files=[UploadedData(name, text.encode())],
        importer=import_workforce,
    )


def test_it_imports_staff_under_a_keyed_hash_of_their_id():
    make_team()
    result = _import(GOOD)
    assert result.counts == {"staff": 2, "created": 2, "updated": 0, "unchanged": 0}
    manager = StaffMember.objects.get(staff_ref=pseudonymise("E1001"))
    assert manager.ethnicity_id == "BCRB"
    assert manager.grade_band == "4_team_manager"
    assert manager.team.name == "North Assessment"
    assert manager.hourly_pay == Decimal("31.20")
    leaver = StaffMember.objects.get(staff_ref=pseudonymise("E1002"))
    assert leaver.team is None and leaver.leaving_date == dt.date(2024, 6, 30)
    assert not StaffMember.objects.filter(staff_ref__in=["E1001", "E1002"]).exists()


def test_reimporting_the_same_file_changes_nothing_and_a_change_updates_in_place():
    make_team()
    _import(GOOD)
    again = _import(GOOD)
    assert again.counts == {"staff": 2, "created": 0, "updated": 0, "unchanged": 2}
    changed = _import(GOOD.replace("31.20", "32.00"))
    assert changed.counts["updated"] == 1
    assert StaffMember.objects.count() == 2
    assert StaffMember.objects.get(staff_ref=pseudonymise("E1001")).hourly_pay == Decimal("32.00")


def test_a_broken_file_is_reported_line_by_line_and_nothing_is_written():
    make_team()
    broken = (
        HEADER
        + "E1001,wbri,Team manager,manager,Nowhere Team,1.0,31.20,2019-04-01,\n"
        + "E1002,WBRI,Chief,Social worker,,0,abc,01/09/2021,\n"
        + "E1001,WBRI,2_practitioner,Social worker,,0.8,,2021-09-01,2020-01-01\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        _import(broken)
    messages = [str(problem) for problem in rejected.value.problems]
    assert messages == [
        "staff.csv, line 2, ethnicity: 'wbri' is not a DfE ethnicity code (upper case, e.g. "
        "WBRI, BCRB; REFU if refused, NOBT if not yet obtained)",
        "staff.csv, line 2, team: 'Nowhere Team' is not a team the portal knows: check the "
        "spelling, or leave it blank",
        "staff.csv, line 3, grade_band: 'Chief' is not a grade band; use one of Support and "
        "administrative, Practitioner, Senior practitioner, Team manager, Service manager, "
        "Head of service and director",
        "staff.csv, line 3, fte: 0 is out of range: enter a number above 0 up to 1.5",
        "staff.csv, line 3, hourly_pay: 'abc' is not a number",
        "staff.csv, line 3, start_date: '01/09/2021' is not a date as YYYY-MM-DD",
        "staff.csv, line 4, staff_id: the same staff id is on line 2",
        "staff.csv, line 4, leaving_date: 2020-01-01 is before the start date 2021-09-01",
    ]
    assert not any("E1001" in message for message in messages)
    assert StaffMember.objects.count() == 0
    assert ImportRun.objects.get().status == ImportRun.Status.REJECTED


def test_the_command_shows_progress_and_a_summary(tmp_path, capsys):
    make_team()
    path = tmp_path / "staff.csv"
    path.write_text(GOOD)
    call_command("import_workforce", str(path))
    out = capsys.readouterr().out
    assert "Checking Workforce: HR staff extract (CSV or Excel) [" in out and "100%" in out
    assert "staff in the file 2, added 2, changed 0, already held, unchanged 0" in out


def test_the_command_fails_with_the_report_for_a_broken_file(tmp_path, capsys):
    path = tmp_path / "staff.csv"
    path.write_text(HEADER + "E1,ZZZZ,Practitioner,Social worker,,1,20,2020-01-01,\n")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_workforce", str(path))
    assert "staff.csv, line 2, ethnicity: 'ZZZZ'" in capsys.readouterr().err
    assert StaffMember.objects.count() == 0
