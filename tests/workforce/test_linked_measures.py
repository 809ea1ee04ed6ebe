import datetime as dt

from arp_portal.core.measures import measure_status
from arp_portal.core.models import StaffMember


def _staff(prefix, code, how_many, grade="4_team_manager"):
    StaffMember.objects.bulk_create(
        StaffMember(
            staff_ref=f"{prefix}-{number}",
            ethnicity_id=code,
            grade_band=grade,
            role="manager",
            fte=1,
            start_date=dt.date(2020, 1, 1),
        )
        for number in range(how_many)
    )


def test_senior_representation_pools_the_senior_grades(db):
    _staff("w", "WBRI", 30)
    _staff("b", "BAFR", 12, grade="5_service_manager")
    _staff("s", "BAFR", 40, grade="2_practitioner")
    reading = measure_status("workforce:representation:senior:black").reading
    # 12 Black staff of 42 at team manager grade and above.
    assert reading.display_value == f"{12 / 42 * 100:.1f}%"


def test_a_small_senior_group_reads_c(db):
    _staff("w", "WBRI", 30)
    _staff("b", "BCRB", 4, grade="6_senior_leader")
    assert measure_status("workforce:representation:senior:black").reading.display_value == "c"
