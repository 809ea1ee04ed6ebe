"""Importing the DfE children's social work workforce census (CSWW XML)."""

from decimal import Decimal
from pathlib import Path

import pytest

from arp_portal.core.importing import ImportRejected, UploadedData, run_import
from arp_portal.core.models import StaffMember
from arp_portal.core.pseudonymisation import pseudonymise
from dashboards.workforce.importers import import_csww

pytestmark = pytest.mark.django_db

SHARED_SAMPLE = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "fixtures"
    / "workforce"
    / "social_work_workforce_2022.xml"
)


def census(*workers: str) -> str:
    return (
        "<Message><Header><CollectionDetails><Collection>CSWW</Collection><Year>2025</Year>"
        "<ReferenceDate>2025-09-30</ReferenceDate></CollectionDetails></Header>"
        + "".join(f"<CSWWWorker>{worker}</CSWWWorker>" for worker in workers)
        + "</Message>"
    )


MANAGER = (
    "<AgencyWorker>0</AgencyWorker><SWENo>SW0000000001</SWENo><FTE>0.800000</FTE>"
    "<Ethnicity>BCRB</Ethnicity><OrgRole>3</OrgRole><RoleStartDate>2019-04-01</RoleStartDate>"
)
LEAVER_NO_ETHNICITY = (
    "<AgencyWorker>0</AgencyWorker><SWENo>SW0000000002</SWENo><FTE>0</FTE>"
    "<FTE30>1.000000</FTE30><OrgRole>5</OrgRole><RoleStartDate>2015-01-05</RoleStartDate>"
    "<RoleEndDate>2025-03-31</RoleEndDate>"
)
AGENCY = "<AgencyWorker>1</AgencyWorker><SWENo>SW0000000003</SWENo>"


def _import(text: str):
    return run_import(
        kind="csww", files=[UploadedData("csww.xml", text.encode())], importer=import_csww
    )


def test_it_maps_roles_to_grade_bands_hashes_the_number_and_skips_agency_workers():
    result = _import(census(MANAGER, LEAVER_NO_ETHNICITY, AGENCY))
    assert result.counts["created"] == 2
    assert result.counts["agency_workers_skipped"] == 1
    assert result.counts["reference_date"] == "2025-09-30"
    manager = StaffMember.objects.get(staff_ref=pseudonymise("SW0000000001"))
    assert (manager.grade_band, manager.role, manager.fte) == (
        "4_team_manager",
        "manager",
        Decimal("0.80"),
    )
    leaver = StaffMember.objects.get(staff_ref=pseudonymise("SW0000000002"))
    assert leaver.ethnicity_id == "NOBT"  # no Ethnicity: information not yet obtained
    assert leaver.fte == Decimal("1.00")  # FTE 0 on leaving: FTE30 used
    assert str(leaver.leaving_date) == "2025-03-31"
    assert not StaffMember.objects.filter(staff_ref=pseudonymise("SW0000000003")).exists()
    assert _import(census(MANAGER, LEAVER_NO_ETHNICITY, AGENCY)).counts["unchanged"] == 2


def test_the_census_keeps_the_team_and_pay_an_hr_import_gave():
    _import(census(MANAGER))
    StaffMember.objects.update(hourly_pay=Decimal("30.00"))
    _import(census(MANAGER.replace("<OrgRole>3</OrgRole>", "<OrgRole>2</OrgRole>")))
    member = StaffMember.objects.get()
    assert member.grade_band == "5_service_manager"
    assert member.hourly_pay == Decimal("30.00")


def test_a_broken_census_is_reported_record_by_record_and_nothing_is_written():
    broken = census(
        MANAGER.replace("BCRB", "Black"),
        "<AgencyWorker>0</AgencyWorker><SWENo>12345</SWENo>",
        LEAVER_NO_ETHNICITY.replace("<OrgRole>5</OrgRole>", "").replace("2025-03-31", "2010-01-01"),
        MANAGER,
    )
    with pytest.raises(ImportRejected) as rejected:
        _import(broken)
    assert [str(p) for p in rejected.value.problems] == [
        "csww.xml, CSWWWorker 1, Ethnicity: 'Black' is not a DfE ethnicity code (upper case, "
        "e.g. WBRI, BCRB; REFU if refused, NOBT if not yet obtained)",
        "csww.xml, CSWWWorker 2, SWENo: is not a registration number (two letters, then ten "
        "digits)",
        "csww.xml, CSWWWorker 3, OrgRole: is missing: the portal needs the worker's role to "
        "place them in a grade band",
        "csww.xml, CSWWWorker 3, RoleEndDate: 2010-01-01 is before the start date 2015-01-05",
        "csww.xml, CSWWWorker 4, SWENo: the same registration number is in CSWWWorker 1",
    ]
    assert StaffMember.objects.count() == 0


def test_a_file_that_is_not_xml_is_reported_with_its_line():
    with pytest.raises(ImportRejected) as rejected:
        _import("<Message>\n<CSWWWorker>\n</Message>")
    assert str(rejected.value.problems[0]).startswith("csww.xml, line 3: not well-formed XML")


@pytest.mark.skipif(not SHARED_SAMPLE.exists(), reason="the shared CSWW sample is not here")
def test_the_public_sample_census_is_rejected_with_each_gap_named():
    """The liia-tools sample leaves OrgRole and FTE out of some employees' records on purpose."""
    with pytest.raises(ImportRejected) as rejected:
        run_import(
            kind="csww",
            files=[UploadedData(SHARED_SAMPLE.name, SHARED_SAMPLE.read_bytes())],
            importer=import_csww,
        )
    problems = [str(p) for p in rejected.value.problems]
    assert (
        "social_work_workforce_2022.xml, CSWWWorker 9, OrgRole: is missing: the portal needs "
        "the worker's role to place them in a grade band"
    ) in problems
    assert any("CSWWWorker 12, FTE: is missing or 0" in p for p in problems)
    # Agency workers (18 of the 30) are skipped, not reported.
    assert not any("CSWWWorker 1," in p for p in problems)
    assert not any("Oz2054309383" in p for p in problems)
    assert StaffMember.objects.count() == 0


def test_the_command_imports_a_census_with_a_progress_bar(tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "csww.xml"
    path.write_text(census(MANAGER, AGENCY))
    call_command("import_csww", str(path))
    out = capsys.readouterr().out
    assert "Checking Children's social work workforce census (XML) [" in out and "100%" in out
    assert "reference date 30 September 2025" in out and "agency workers skipped 1" in out
    assert StaffMember.objects.count() == 1
