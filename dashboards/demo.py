"""Demoshire's workforce events, working-age population and training target: synthetic and
deterministic, on top of the staff the core demo builds (arp_portal/core/demo.py).

The patterns are the ones the programme tracks, at realistic sizes: Black staff more than twice
as likely as White staff to enter a formal disciplinary process (as NHS WRES data has shown for
years), minority ethnic staff less likely to be appointed once shortlisted, and anti-racist
practice training run from March 2024 to January 2025, reaching some localities less than others.
The front door's contacts and early help (front_door/demo.py) and two practice audit rounds
(audits/demo.py) load here too.
"""

import datetime as dt
import random
from collections.abc import Callable

from arp_portal.core.demo import DATA_EXTRACTED, DEMO_STAFF_PREFIX
from arp_portal.core.ethnicity import MAJOR_GROUP_OF
from arp_portal.core.models import StaffMember
from dashboards.audits.demo import load_demo_data as load_audits
from dashboards.front_door.demo import load_demo_data as load_front_door
from dashboards.models import (
    TrainingTarget,
    WorkforceEvent,
    WorkforceEventKind,
    WorkingAgePopulation,
)

SEED = 20250401
FIRST_YEAR = 2021
POPULATION_SOURCE = "Demoshire synthetic working-age (16-64) population, Census 2021 base"
POPULATION_YEAR = 2021
WORKING_AGE_POPULATION = 610_000
# Share of the working-age population by DfE code: more diverse than the children's population
# in some groups (Black African, Indian), less in others.
POPULATION_SHARES = {
    "WBRI": 0.640,
    "WIRI": 0.008,
    "WIRT": 0.001,
    "WOTH": 0.065,
    "WROM": 0.002,
    "MWBC": 0.010,
    "MWBA": 0.005,
    "MWAS": 0.008,
    "MOTH": 0.008,
    "AIND": 0.040,
    "APKN": 0.035,
    "ABAN": 0.014,
    "AOTH": 0.018,
    "BCRB": 0.015,
    "BAFR": 0.040,
    "BOTH": 0.008,
    "CHNE": 0.009,
    "OOTH": 0.020,
}
# A year's chance of a formal disciplinary process being opened, by major group.
DISCIPLINARY_RISK = {
    "White": 0.025,
    "Black": 0.062,
    "Asian": 0.036,
    "Mixed": 0.040,
    "Other": 0.035,
    "Unknown": 0.030,
}
OUTCOMES = ["No case to answer", "Management advice", "Written warning", "Final written warning"]
SHORTLISTED_A_YEAR = 0.20
APPOINTMENT_CHANCE = {
    "White": 0.36,
    "Black": 0.22,
    "Asian": 0.26,
    "Mixed": 0.28,
    "Other": 0.27,
    "Unknown": 0.30,
}
TRAINING_FIRST = dt.date(2024, 3, 1)
TRAINING_LAST = dt.date(2025, 1, 31)
# Share of staff in post who took the training, by locality: the West was reached least.
TRAINING_REACH = {"North": 0.86, "South": 0.82, "East": 0.80, "West": 0.64, None: 0.55}
TARGET_PERCENT = 90
TARGET_DUE = TRAINING_LAST


def _date_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def _employed_span(staff: StaffMember, first: dt.date, last: dt.date):
    start = max(first, staff.start_date)
    end = min(last, staff.leaving_date or last)
    return (start, end) if start <= end else None


def load_events(rng: random.Random, staff: list[StaffMember]) -> dict[str, int]:
    events: list[WorkforceEvent] = []
    for year in range(FIRST_YEAR, DATA_EXTRACTED.year + 1):
        first, last = dt.date(year, 1, 1), min(dt.date(year, 12, 31), DATA_EXTRACTED)
        for member in staff:
            span = _employed_span(member, first, last)
            if span is None:
                continue
            group = MAJOR_GROUP_OF[member.ethnicity_id]
            if rng.random() < DISCIPLINARY_RISK[group]:
                opened = _date_between(rng, *span)
                events.append(
                    WorkforceEvent(
                        staff=member,
                        event=WorkforceEventKind.DISCIPLINARY_OPENED,
                        date=opened,
                        detail=rng.choice(["Conduct", "Capability", "Attendance"]),
                    )
                )
                decided = opened + dt.timedelta(days=rng.randint(30, 120))
                if decided <= DATA_EXTRACTED:
                    events.append(
                        WorkforceEvent(
                            staff=member,
                            event=WorkforceEventKind.DISCIPLINARY_OUTCOME,
                            date=decided,
                            detail=rng.choice(OUTCOMES),
                        )
                    )
            if rng.random() < SHORTLISTED_A_YEAR:
                shortlisted = _date_between(rng, *span)
                events.append(
                    WorkforceEvent(
                        staff=member, event=WorkforceEventKind.SHORTLISTED, date=shortlisted
                    )
                )
                appointed = shortlisted + dt.timedelta(days=rng.randint(5, 25))
                if rng.random() < APPOINTMENT_CHANCE[group] and appointed <= last:
                    events.append(
                        WorkforceEvent(
                            staff=member,
                            event=WorkforceEventKind.APPOINTED,
                            date=appointed,
                            detail="Internal appointment",
                        )
                    )
    for member in staff:
        span = _employed_span(member, TRAINING_FIRST, TRAINING_LAST)
        if span is None:
            continue
        locality = member.team.locality.name if member.team else None
        if rng.random() < TRAINING_REACH.get(locality, 0.75):
            events.append(
                WorkforceEvent(
                    staff=member,
                    event=WorkforceEventKind.TRAINING_COMPLETED,
                    date=_date_between(rng, *span),
                    detail="Anti-racist practice: core programme",
                )
            )
    WorkforceEvent.objects.bulk_create(events, batch_size=5_000, ignore_conflicts=True)
    counts: dict[str, int] = {}
    for event in events:
        counts[event.event] = counts.get(event.event, 0) + 1
    return counts


def load_population() -> int:
    WorkingAgePopulation.objects.filter(source=POPULATION_SOURCE).delete()
    total = sum(POPULATION_SHARES.values())
    WorkingAgePopulation.objects.bulk_create(
        WorkingAgePopulation(
            year=POPULATION_YEAR,
            source=POPULATION_SOURCE,
            ethnicity_id=code,
            count=round(WORKING_AGE_POPULATION * share / total),
        )
        for code, share in POPULATION_SHARES.items()
    )
    return len(POPULATION_SHARES)


def load_demo_data(*, log: Callable[[str], object]) -> dict:
    rng = random.Random(SEED)
    staff = list(
        StaffMember.objects.filter(staff_ref__startswith=DEMO_STAFF_PREFIX)
        .select_related("team__locality")
        .order_by("staff_ref")
    )
    WorkforceEvent.objects.filter(staff__in=staff).delete()
    counts = load_events(rng, staff)
    population = load_population()
    TrainingTarget.objects.update_or_create(
        due_date=TARGET_DUE, defaults={"percent": TARGET_PERCENT}
    )
    log(
        f"  workforce events: {', '.join(f'{n} {kind}' for kind, n in sorted(counts.items()))}; "
        f"{population} working-age population rows; training target {TARGET_PERCENT}% by "
        f"{TARGET_DUE:%d %B %Y}"
    )
    front_door = load_front_door(log=log)
    audits = load_audits(log=log)
    return {
        "workforce_events": sum(counts.values()),
        **counts,
        "population_rows": population,
        **front_door,
        **audits,
    }


def quoted_figures() -> dict[str, str]:
    """The workforce figures the demo plan's updates quote (its training measure's monthly trend
    and target), read through the linked-measure contract as the plan reads them, after this
    app's demo data is loaded (the load_demo_data command collects them)."""
    from arp_portal.core.measures import measure_status
    from dashboards.workforce.selectors import training_target

    figures: dict[str, str] = {}
    reading = measure_status("workforce:training:arp:all").reading
    trend = {point.period: point.value for point in reading.trend} if reading else {}
    for period in ("2024-05", "2024-09", "2025-01"):
        value = trend.get(period)
        figures[f"training_{period.replace('-', '_')}"] = "" if value is None else f"{value:.1f}%"
    target = training_target()
    figures["training_target"] = f"{target.percent:.0f}%" if target else "planned"
    return figures
