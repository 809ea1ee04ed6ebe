"""Demoshire's structure, workforce, children and population: synthetic, deterministic.

The ethnic mix of the child population follows England's under-18s (Census 2021, roughly), and
each group's likelihood of being referred, put on a plan or taken into care is scaled so that the
over- and under-representation resembles the national patterns (docs/domain.md): Black Caribbean and
Mixed White and Black Caribbean children over-represented in care, Indian and Chinese children
under-represented, Asian children overall well below White children.
"""

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from arp_portal.core import roles
from arp_portal.core.models import (
    AgeBand,
    Child,
    Episode,
    EpisodeKind,
    GradeBand,
    Locality,
    PopulationEstimate,
    ServiceArea,
    StaffMember,
    StaffRole,
    Team,
)

SEED = 20250331
DEMO_CHILD_PREFIX = "DEMO-C"
DEMO_STAFF_PREFIX = "demo-s"
POPULATION_SOURCE = "Demoshire synthetic mid-year estimates (Census 2021 base)"
DEMO_PASSWORD = "demoshire-portal-2026"
DEMO_USERS = {
    "service.manager": roles.SERVICE_MANAGER,
    "steering.member": roles.STEERING_GROUP,
    "data.manager": roles.DATA_MANAGER,
}

LOCALITIES = {"North": 0.28, "South": 0.24, "East": 0.22, "West": 0.26}
CHILD_POPULATION = 150_000
CHILDREN = 20_000  # referred over five years: about 5,500 open at any time
FIRST_REFERRAL = dt.date(2021, 4, 1)
LAST_REFERRAL = dt.date(2026, 3, 31)
DATA_EXTRACTED = dt.date(2026, 3, 31)

# Share of the 0-17 population, and how much likelier than White British children each group
# is to be referred (cin), to be put on a plan once in need (cp) and to come into care (cic).
ETHNIC_PROFILE: dict[str, tuple[float, float, float, float]] = {
    #       share, cin,  cp,   cic
    "WBRI": (0.655, 1.00, 1.00, 1.00),
    "WIRI": (0.004, 0.90, 1.00, 1.00),
    "WIRT": (0.002, 3.00, 1.40, 1.60),
    "WOTH": (0.050, 0.75, 0.90, 0.80),
    "WROM": (0.004, 1.80, 1.30, 1.20),
    "MWBC": (0.016, 2.00, 1.20, 1.50),
    "MWBA": (0.008, 1.40, 1.00, 1.10),
    "MWAS": (0.018, 1.05, 0.95, 1.00),
    "MOTH": (0.018, 1.50, 1.10, 1.30),
    "AIND": (0.030, 0.18, 0.70, 0.60),
    "APKN": (0.040, 0.45, 0.90, 0.80),
    "ABAN": (0.016, 0.75, 1.00, 1.00),
    "AOTH": (0.015, 0.60, 0.90, 0.90),
    "BCRB": (0.009, 1.90, 1.15, 1.45),
    "BAFR": (0.035, 1.15, 1.00, 1.05),
    "BOTH": (0.008, 1.50, 1.10, 1.25),
    "CHNE": (0.005, 0.15, 0.70, 0.60),
    "OOTH": (0.022, 1.00, 1.00, 1.00),
}
# Where the mix differs from the authority's: more Black Caribbean and mixed White and Black
# Caribbean families in the North, more Pakistani and Bangladeshi families in the East.
LOCALITY_MIX = {
    "North": {"BCRB": 2.6, "MWBC": 1.8, "BAFR": 1.4, "BOTH": 1.4},
    "East": {"APKN": 2.2, "ABAN": 2.2, "AIND": 1.4},
    "South": {},
    "West": {"WOTH": 1.3, "WROM": 1.5},
}
# Growth a year (from 2021) in a group's likelihood of coming into care: Black Caribbean
# over-representation in care has widened, so "since when?" has an answer.
CARE_TREND = {"BCRB": 0.15, "MWBC": 0.06}

AGE_BANDS = [
    (AgeBand.UNDER_1, 1),
    (AgeBand.AGE_1_4, 4),
    (AgeBand.AGE_5_9, 5),
    (AgeBand.AGE_10_15, 6),
    (AgeBand.AGE_16_17, 2),
]

TEAM_PLAN = [
    (ServiceArea.FRONT_DOOR, ["Assessment team 1", "Assessment team 2"]),
    (
        ServiceArea.CHILDREN_IN_NEED,
        ["Family safeguarding 1", "Family safeguarding 2", "Family safeguarding 3"],
    ),
    (ServiceArea.CHILDREN_IN_CARE, ["Children in care 1", "Children in care 2"]),
    (ServiceArea.EARLY_HELP, ["Early help"]),
    (ServiceArea.DISABLED_CHILDREN, ["Disabled children"]),
    (ServiceArea.FOSTERING_ADOPTION, ["Fostering"]),
]

# Grade bands with their share of staff and the share from Black, Asian and Mixed groups: about
# half overall, thinning towards the top as one authority reports.
GRADES = [
    (GradeBand.SUPPORT, 0.22, 0.60, Decimal("14.20")),
    (GradeBand.PRACTITIONER, 0.42, 0.57, Decimal("21.50")),
    (GradeBand.SENIOR_PRACTITIONER, 0.18, 0.47, Decimal("25.80")),
    (GradeBand.TEAM_MANAGER, 0.11, 0.36, Decimal("30.40")),
    (GradeBand.SERVICE_MANAGER, 0.05, 0.25, Decimal("37.10")),
    (GradeBand.SENIOR_LEADER, 0.02, 0.15, Decimal("49.60")),
]
STAFF_COUNT = 1_500
FTE_CHOICES = [Decimal("1.00")] * 4 + [Decimal("0.80"), Decimal("0.60")]
WHITE_STAFF_CODES = {"WBRI": 0.80, "WIRI": 0.06, "WOTH": 0.14}
MINORITY_STAFF_CODES = {
    "BAFR": 0.28,
    "BCRB": 0.16,
    "BOTH": 0.04,
    "AIND": 0.12,
    "APKN": 0.10,
    "ABAN": 0.04,
    "AOTH": 0.04,
    "MWBC": 0.10,
    "MWBA": 0.04,
    "MWAS": 0.04,
    "MOTH": 0.04,
}


K = TypeVar("K")


def _pick(rng: random.Random, weights: dict[K, float]) -> K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _days(rng: random.Random, mean: float, minimum: int = 14) -> dt.timedelta:
    return dt.timedelta(days=max(minimum, int(rng.expovariate(1 / mean))))


def _random_date(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def _end_or_open(end: dt.date) -> dt.date | None:
    """Episodes still running when the data was extracted have no end date."""
    return None if end > DATA_EXTRACTED else end


def population_shares() -> dict[tuple[str, str], float]:
    """Share of the authority's children in each (locality, ethnicity code)."""
    shares = {}
    for name, locality_share in LOCALITIES.items():
        mix = {
            code: profile[0] * LOCALITY_MIX[name].get(code, 1.0)
            for code, profile in ETHNIC_PROFILE.items()
        }
        total = sum(mix.values())
        for code, weight in mix.items():
            shares[(name, code)] = locality_share * weight / total
    return shares


def load_structure() -> dict[str, list[Team]]:
    teams_by_locality: dict[str, list[Team]] = {}
    for name in LOCALITIES:
        locality, _ = Locality.objects.get_or_create(name=name)
        teams_by_locality[name] = []
        for service_area, team_names in TEAM_PLAN:
            for team_name in team_names:
                team, _ = Team.objects.update_or_create(
                    name=f"{name} {team_name}",
                    defaults={"locality": locality, "service_area": service_area},
                )
                teams_by_locality[name].append(team)
    return teams_by_locality


def load_population() -> int:
    PopulationEstimate.objects.filter(source=POPULATION_SOURCE).delete()
    localities = {loc.name: loc for loc in Locality.objects.filter(name__in=LOCALITIES)}
    shares = population_shares()
    rows = []
    for year in range(2021, 2026):
        growth = 1 + 0.004 * (year - 2021)
        for code in ETHNIC_PROFILE:
            for band, years_in_band in AGE_BANDS:
                authority_count = 0
                for name in LOCALITIES:
                    count = round(
                        CHILD_POPULATION * growth * shares[(name, code)] * years_in_band / 18
                    )
                    authority_count += count
                    rows.append(
                        PopulationEstimate(
                            locality=localities[name],
                            year=year,
                            source=POPULATION_SOURCE,
                            age_band=band,
                            ethnicity_id=code,
                            count=count,
                        )
                    )
                rows.append(
                    PopulationEstimate(
                        locality=None,
                        year=year,
                        source=POPULATION_SOURCE,
                        age_band=band,
                        ethnicity_id=code,
                        count=authority_count,
                    )
                )
    PopulationEstimate.objects.bulk_create(rows)
    return len(rows)


def load_children(rng: random.Random, teams_by_locality: dict[str, list[Team]]) -> dict:
    Child.objects.filter(child_ref__startswith=DEMO_CHILD_PREFIX).delete()
    cells = list(population_shares().items())
    places = [cell for cell, _ in cells]
    referral_weights = [share * ETHNIC_PROFILE[code][1] for (_, code), share in cells]
    children, plans = [], []
    for number in range(1, CHILDREN + 1):
        locality, code = rng.choices(places, weights=referral_weights)[0]
        _share, _cin, cp_factor, cic_factor = ETHNIC_PROFILE[code]
        referral = _random_date(rng, FIRST_REFERRAL, LAST_REFERRAL)
        cic_factor *= 1 + CARE_TREND.get(code, 0.0) * (referral.year - 2021)
        if rng.random() < 0.03:
            code = rng.choice(["REFU", "NOBT"])  # recorded as refused or not yet obtained
        age = min(17, int(rng.triangular(0, 17.99, 8)))
        birth = referral - dt.timedelta(days=int(age * 365.25) + rng.randrange(365))
        teams = teams_by_locality[locality]
        by_area = {area: [t for t in teams if t.service_area == area] for area, _ in TEAM_PLAN}
        child = Child(
            child_ref=f"{DEMO_CHILD_PREFIX}{number:06d}",
            birth_year=birth.year,
            birth_month=birth.month,
            birth_day=birth.day,
            sex=rng.choices([1, 2, 9], [50, 49, 1])[0],
            ethnicity_id=code,
        )
        children.append(child)

        cin_end = referral + _days(rng, 330, minimum=30)
        episodes = []
        if rng.random() < 0.22 * cp_factor:
            cp_start = referral + _days(rng, 45)
            cp_end = cp_start + _days(rng, 270, minimum=90)
            episodes.append(
                (
                    EpisodeKind.CHILD_PROTECTION,
                    cp_start,
                    cp_end,
                    rng.choice(by_area[ServiceArea.CHILDREN_IN_NEED]),
                    rng.choice(["NEG", "NEG", "EMO", "PHY", "SAB", "MUL"]),
                    "",
                )
            )
            cin_end = max(cin_end, cp_end)
        if rng.random() < 0.13 * cic_factor:
            care_start = referral + _days(rng, 90)
            care_end = care_start + _days(rng, 800, minimum=30)
            episodes.append(
                (
                    EpisodeKind.IN_CARE,
                    care_start,
                    care_end,
                    rng.choice(by_area[ServiceArea.CHILDREN_IN_CARE]),
                    "",
                    rng.choice(["C2", "C2", "V2", "C1", "E1"]),
                )
            )
            cin_end = max(cin_end, care_end)
        first_team = rng.choice(by_area[ServiceArea.FRONT_DOOR])
        episodes.insert(0, (EpisodeKind.CHILD_IN_NEED, referral, cin_end, first_team, "", ""))
        plans.append((child, episodes))

    Child.objects.bulk_create(children, batch_size=2_000)
    rows = [
        Episode(
            child=child,
            kind=kind,
            start_date=start,
            end_date=_end_or_open(end),
            team=team,
            plan_category=category,
            legal_status=legal,
            source="demo",
        )
        for child, episodes in plans
        for kind, start, end, team, category, legal in episodes
    ]
    Episode.objects.bulk_create(rows, batch_size=5_000)
    return {"children": len(children), "episodes": len(rows)}


def load_staff(rng: random.Random, teams_by_locality: dict[str, list[Team]]) -> int:
    StaffMember.objects.filter(staff_ref__startswith=DEMO_STAFF_PREFIX).delete()
    teams = [team for teams in teams_by_locality.values() for team in teams]
    grade_weights = {grade: share for grade, share, _, _ in GRADES}
    grade_info = {grade: (minority, pay) for grade, _, minority, pay in GRADES}
    rows = []
    for number in range(1, STAFF_COUNT + 1):
        grade = _pick(rng, grade_weights)
        minority_share, base_pay = grade_info[grade]
        if rng.random() < 0.05:
            code = rng.choice(["REFU", "NOBT"])  # not disclosed
        elif rng.random() < minority_share:
            code = _pick(rng, MINORITY_STAFF_CODES)
        else:
            code = _pick(rng, WHITE_STAFF_CODES)
        role = {
            GradeBand.SUPPORT: rng.choice(
                [StaffRole.BUSINESS_SUPPORT, StaffRole.FAMILY_SUPPORT, StaffRole.RESIDENTIAL]
            ),
            GradeBand.PRACTITIONER: rng.choice(
                [StaffRole.SOCIAL_WORKER, StaffRole.SOCIAL_WORKER, StaffRole.PERSONAL_ADVISER]
            ),
            GradeBand.SENIOR_PRACTITIONER: StaffRole.SOCIAL_WORKER,
        }.get(grade, StaffRole.MANAGER)
        start = _random_date(rng, dt.date(2005, 1, 1), dt.date(2025, 12, 31))
        leaving = None
        if rng.random() < 0.12:
            leaving = _random_date(rng, max(start, dt.date(2023, 1, 1)), dt.date(2026, 3, 31))
            leaving = max(leaving, start)
        # A small pay gap against white staff, larger at the bottom of each band's range.
        pay_factor = Decimal(str(round(rng.uniform(0.92, 1.12), 3)))
        if code in MINORITY_STAFF_CODES:
            pay_factor -= Decimal("0.03")
        rows.append(
            StaffMember(
                staff_ref=f"{DEMO_STAFF_PREFIX}{number:05d}",
                ethnicity_id=code,
                grade_band=grade,
                role=role,
                team=rng.choice(teams),
                fte=rng.choice(FTE_CHOICES),
                start_date=start,
                leaving_date=leaving,
                hourly_pay=(base_pay * pay_factor).quantize(Decimal("0.01")),
            )
        )
    StaffMember.objects.bulk_create(rows, batch_size=2_000)
    return len(rows)


def load_users() -> list[str]:
    User = get_user_model()
    for username, role in DEMO_USERS.items():
        user, _ = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@demoshire.example"}
        )
        user.set_password(DEMO_PASSWORD)
        user.is_active = True
        user.save()
        user.groups.set([Group.objects.get(name=role)])
    return list(DEMO_USERS)


def load_demo_data(*, log: Callable[[str], object]) -> dict:
    rng = random.Random(SEED)
    teams_by_locality = load_structure()
    population = load_population()
    children = load_children(rng, teams_by_locality)
    staff = load_staff(rng, teams_by_locality)
    users = load_users()
    log(
        f"  {len(LOCALITIES)} localities, {sum(map(len, teams_by_locality.values()))} teams, "
        f"{staff} staff, {children['children']} children with {children['episodes']} episodes, "
        f"{population} population rows, users {', '.join(users)}"
    )
    return {"staff": staff, "population_rows": population, "users": len(users), **children}
