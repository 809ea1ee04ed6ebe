"""Small builders for the workforce tests: teams, staff and events in a line each."""

import datetime as dt
from decimal import Decimal
from itertools import count

from arp_portal.core.models import Locality, ServiceArea, StaffMember, Team
from dashboards.models import WorkforceEvent

_numbers = count(1)


def make_team(name: str = "North Assessment", locality: str = "North", area=ServiceArea.FRONT_DOOR):
    place, _ = Locality.objects.get_or_create(name=locality)
    team, _ = Team.objects.get_or_create(
        name=name, defaults={"locality": place, "service_area": area}
    )
    return team


def make_staff(
    n: int = 1,
    *,
    ethnicity: str = "WBRI",
    grade: str = "2_practitioner",
    team=None,
    start=dt.date(2020, 1, 1),
    leaving=None,
    pay: str | None = "20.00",
) -> list[StaffMember]:
    staff = [
        StaffMember(
            staff_ref=f"test-{next(_numbers):06d}",
            ethnicity_id=ethnicity,
            grade_band=grade,
            role="social_worker",
            team=team,
            fte=Decimal("1.00"),
            start_date=start,
            leaving_date=leaving,
            hourly_pay=Decimal(pay) if pay else None,
        )
        for _ in range(n)
    ]
    return StaffMember.objects.bulk_create(staff)


def add_events(staff: list[StaffMember], event: str, date: dt.date) -> None:
    WorkforceEvent.objects.bulk_create(
        WorkforceEvent(staff=member, event=event, date=date) for member in staff
    )
