"""Reads for the children's dashboard: Postgres counts the children, Python only the results.

Every count is one GROUP BY over core_episode, whose copied columns (the child's ethnicity,
birth month and sex, the team's locality) and covering index make it an index-only scan
(docs/adr/020-denormalised-episode-cohort-columns.md). A child is counted once however many
episodes they have open, hence COUNT(DISTINCT child_id).

The page's counts come from the cohort snapshots (snapshots.py) of the dates built; any other
date is counted here straight from the episodes, for the filters asked for, by the live_
functions, which the tests also hold the snapshots to.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection

from arp_portal.core.dates import latest_31_march, same_day_years_before
from arp_portal.core.ethnicity import MAJOR_GROUP_OF, UNKNOWN_CODES, MajorGroup
from arp_portal.core.models import (
    AgeBand,
    EpisodeKind,
    Ethnicity,
    ImportRun,
    Locality,
    PopulationEstimate,
    Team,
    birth_number,
)
from arp_portal.statistics.disproportionality import Group, Reference
from dashboards.children import snapshots

# Which episodes put a child in each cohort on a date. DfE counts children on a plan or in care
# as children in need, so the CIN cohort is any open episode.
COHORT_KINDS = {
    "cin": (
        EpisodeKind.CHILD_IN_NEED,
        EpisodeKind.CIN_PLAN,
        EpisodeKind.CHILD_PROTECTION,
        EpisodeKind.IN_CARE,
    ),
    "cp": (EpisodeKind.CHILD_PROTECTION,),
    "cic": (EpisodeKind.IN_CARE,),
}
# Starts within a year: a referral (a new CIN episode), a new plan, a new period in care.
START_KINDS = {
    "cin": (EpisodeKind.CHILD_IN_NEED,),
    "cp": (EpisodeKind.CHILD_PROTECTION,),
    "cic": (EpisodeKind.IN_CARE,),
}
COHORT_LABELS = {"cin": "children in need", "cp": "on a child protection plan", "cic": "in care"}
PATHWAY_STAGES = [
    ("referral", "Referral", EpisodeKind.CHILD_IN_NEED),
    ("cin_plan", "Child in need plan", EpisodeKind.CIN_PLAN),
    ("cp", "Child protection plan", EpisodeKind.CHILD_PROTECTION),
    ("care", "Came into care", EpisodeKind.IN_CARE),
]
AGE_RANGES: dict[str, tuple[int, int]] = {
    AgeBand.UNDER_1: (0, 0),
    AgeBand.AGE_1_4: (1, 4),
    AgeBand.AGE_5_9: (5, 9),
    AgeBand.AGE_10_15: (10, 15),
    AgeBand.AGE_16_17: (16, 17),
    AgeBand.ALL: (0, 17),
}


@dataclass(frozen=True)
class ChildFilters:
    cohort: str = "cic"  # cin | cp | cic
    measure: str = "on_date"  # on_date | starts (within the year to the reference date)
    reference_date: dt.date = dt.date(2025, 3, 31)
    locality: Locality | None = None
    team: Team | None = None
    age_band: str = AgeBand.ALL
    sex: int | None = None
    reference: str = "WBRI"  # WBRI | white | all
    detail: str = "major"  # major | detailed

    @property
    def area(self) -> Locality | None:
        """The area whose population is the denominator: a team's locality, or the locality."""
        if self.team is not None:
            return self.team.locality
        return self.locality

    @property
    def year_start(self) -> dt.date:
        return same_day_years_before(self.reference_date, 1) + dt.timedelta(days=1)


def _birth_bounds(age_band: str, date: dt.date) -> tuple[int, int]:
    """Birth numbers (YYYYMMDD) of children whose exact age on the date lies in the band.

    Age in whole years from the full date of birth (as Child.age_on): aged at least n exactly
    when born on or before the date n years earlier, so a child born on 15 September is 17 on
    14 September of their 18th year and 18 the next day.
    """
    youngest, oldest = AGE_RANGES[age_band]
    number = birth_number(date)
    return number - 10000 * (oldest + 1) + 1, number - 10000 * youngest


def _area_conditions(filters: ChildFilters, params: list) -> str:
    sql = ""
    if filters.team is not None:
        sql += " AND e.team_id = %s"
        params.append(filters.team.pk)
    elif filters.locality is not None:
        sql += " AND e.locality_id = %s"
        params.append(filters.locality.pk)
    if filters.sex is not None:
        sql += " AND e.child_sex = %s"
        params.append(filters.sex)
    return sql


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Open on the date, aged within the band on it.
_ON_DATE = (
    "e.start_date <= d.ref AND (e.end_date IS NULL OR e.end_date >= d.ref)"
    " AND e.child_birth_ymd BETWEEN d.low AND d.high"
)
# Started in the year to the date, aged within the band on the date (one band a child, so the
# bands add up; see snapshots._build_starts).
_STARTING = "e.start_date BETWEEN d.first AND d.ref AND e.child_birth_ymd BETWEEN d.low AND d.high"


def _bands(age_band: str) -> list[str]:
    if age_band == AgeBand.ALL:
        return [band for band in AgeBand.values if band != AgeBand.ALL]
    return [age_band]


# (reference date, measure) pairs a read had to count live because their snapshot was not built:
# a view queues a task that builds them (tasks.prepare_dates).
Unprepared = set[tuple[dt.date, str]]


def trend_counts(
    filters: ChildFilters, dates: list[dt.date], unprepared: Unprepared | None = None
) -> dict[dt.date, dict[str, int]]:
    """Children in the cohort by ethnicity code on (or in the year to) each date: from the cohort
    snapshots where the date's is built, counted live (one query for the rest) where not.
    The dates counted live are added to unprepared, if given."""
    starts = filters.measure == "starts"
    cohort = str(START_KINDS[filters.cohort][0]) if starts else filters.cohort
    found, built = snapshots.counts(
        dates=list(dates),
        measure=filters.measure,
        cohorts=[cohort],
        age_bands=_bands(filters.age_band),
        sex=filters.sex,
        locality_id=filters.locality.pk if filters.locality is not None else None,
        team_id=filters.team.pk if filters.team is not None else None,
    )
    result = {date: found.get((date, cohort), {}) for date in dates if date in built}
    missing = [date for date in dates if date not in built]
    if missing:
        result.update(live_trend_counts(filters, missing))
        if unprepared is not None:
            unprepared.update((date, filters.measure) for date in missing)
    return {date: result[date] for date in dates}


def live_trend_counts(filters: ChildFilters, dates: list[dt.date]) -> dict[dt.date, dict[str, int]]:
    """The same counts straight from the episodes, in one query: the snapshots' reference."""
    firsts = [same_day_years_before(date, 1) + dt.timedelta(days=1) for date in dates]
    starts = filters.measure == "starts"
    kinds = START_KINDS[filters.cohort] if starts else COHORT_KINDS[filters.cohort]
    match = _STARTING if starts else _ON_DATE
    bounds = [_birth_bounds(filters.age_band, date) for date in dates]
    lows = [low for low, _ in bounds]
    highs = [high for _, high in bounds]
    params: list = [list(dates), firsts, lows, highs, [str(kind) for kind in kinds]]
    extra = _area_conditions(filters, params)
    sql = (
        "SELECT d.ref, e.child_ethnicity, COUNT(DISTINCT e.child_id)"
        " FROM unnest(%s::date[], %s::date[], %s::int[], %s::int[]) AS d(ref, first, low, high)"
        f" JOIN core_episode e ON e.kind = ANY(%s) AND {match}{extra}"
        " GROUP BY d.ref, e.child_ethnicity"
    )
    result: dict[dt.date, dict[str, int]] = {date: {} for date in dates}
    for date, code, count in _fetch(sql, params):
        result[date][code] = count
    return result


def cohort_counts(filters: ChildFilters) -> dict[str, int]:
    return trend_counts(filters, [filters.reference_date])[filters.reference_date]


def pathway_counts(
    filters: ChildFilters, unprepared: Unprepared | None = None
) -> dict[str, dict[str, int]]:
    """Children starting each stage of the pathway in the year to the reference date: from the
    starts snapshot if built, otherwise counted live (and added to unprepared, if given)."""
    kinds = [str(kind) for _, _, kind in PATHWAY_STAGES]
    date = filters.reference_date
    found, built = snapshots.counts(
        dates=[date],
        measure="starts",
        cohorts=kinds,
        age_bands=_bands(filters.age_band),
        sex=filters.sex,
        locality_id=filters.locality.pk if filters.locality is not None else None,
        team_id=filters.team.pk if filters.team is not None else None,
    )
    if date not in built:
        if unprepared is not None:
            unprepared.add((date, "starts"))
        return live_pathway_counts(filters)
    return {kind: found.get((date, kind), {}) for kind in kinds}


def live_pathway_counts(filters: ChildFilters) -> dict[str, dict[str, int]]:
    """The same counts straight from the episodes: the snapshots' reference."""
    date = filters.reference_date
    low, high = _birth_bounds(filters.age_band, date)
    params: list = [
        [date],
        [filters.year_start],
        [low],
        [high],
        [str(kind) for _, _, kind in PATHWAY_STAGES],
    ]
    extra = _area_conditions(filters, params)
    sql = (
        "SELECT e.kind, e.child_ethnicity, COUNT(DISTINCT e.child_id)"
        " FROM unnest(%s::date[], %s::date[], %s::int[], %s::int[]) AS d(ref, first, low, high)"
        f" JOIN core_episode e ON e.kind = ANY(%s) AND {_STARTING}{extra}"
        " GROUP BY e.kind, e.child_ethnicity"
    )
    result: dict[str, dict[str, int]] = {str(kind): {} for _, _, kind in PATHWAY_STAGES}
    for kind, code, count in _fetch(sql, params):
        result[kind][code] = count
    return result


@dataclass(frozen=True)
class PopulationSelection:
    """The population estimate used as a denominator, and which one it is."""

    counts: dict[str, int] = field(default_factory=dict)
    year: int | None = None
    source: str = ""
    area: str = "the whole authority"
    note: str = ""  # anything a reader should know: a later estimate used, no age bands ...

    def __bool__(self) -> bool:
        return bool(self.counts)


def population_for(
    *, area: Locality | None, date: dt.date, age_band: str = AgeBand.ALL
) -> PopulationSelection:
    """Children's population by ethnicity code for an area, from the latest mid-year estimate
    at or before the date (mid-year: 30 June of its year).

    Where several sources cover the same year, the one imported last is used. An authority's
    file may give age bands or only 0-17; bands are added up for 0-17 where they exist.
    """
    return populations_for(area=area, dates=[date], age_band=age_band)[date]


def populations_for(
    *, area: Locality | None, dates: list[dt.date], age_band: str = AgeBand.ALL
) -> dict[dt.date, PopulationSelection]:
    """population_for each of the dates (a trend's), from one query: every estimate of the
    area (a few hundred rows), chosen from in Python."""
    held = list(
        PopulationEstimate.objects.filter(locality=area).values_list(
            "id", "year", "source", "ethnicity_id", "age_band", "count"
        )
    )
    area_name = area.name if area else "the whole authority"
    return {date: _population_from(held, area_name, date, age_band) for date in dates}


def _population_from(
    held: list[tuple], area_name: str, date: dt.date, age_band: str
) -> PopulationSelection:
    latest: dict[tuple[int, str], int] = {}
    for pk, year, source, _code, _band, _count in held:
        latest[(year, source)] = max(pk, latest.get((year, source), 0))
    vintages = [vintage for vintage, _pk in sorted(latest.items(), key=lambda v: (-v[0][0], -v[1]))]
    if not vintages:
        return PopulationSelection(area=area_name, note=f"No population estimate for {area_name}.")
    usable = [v for v in vintages if dt.date(v[0], 6, 30) <= date]
    note = ""
    if usable:
        chosen = usable[0]
    else:
        chosen = vintages[-1]
        note = f"No estimate is as old as {date:%-d %B %Y}: the earliest, mid-{chosen[0]}, is used."
    chosen_year, chosen_source = chosen
    by_band: dict[str, dict[str, int]] = {}
    for _pk, year, source, code, band, count in held:
        if year == chosen_year and source == chosen_source:
            by_band.setdefault(band, {})[code] = count
    if age_band == AgeBand.ALL:
        bands = [band for band in by_band if band != AgeBand.ALL]
        if bands:
            counts: dict[str, int] = {}
            for band in bands:
                for code, count in by_band[band].items():
                    counts[code] = counts.get(code, 0) + count
        else:
            counts = by_band.get(AgeBand.ALL, {})
    else:
        counts = by_band.get(age_band, {})
        if not counts:
            return PopulationSelection(
                year=chosen_year,
                source=chosen_source,
                area=area_name,
                note=f"The population estimate has no {AgeBand(age_band).label.lower()} band, "
                "so rates cannot be given for this age band.",
            )
    counts = {code: count for code, count in counts.items() if code not in UNKNOWN_CODES}
    return PopulationSelection(counts, chosen_year, chosen_source, area_name, note)


def ethnic_groups(detail: str) -> list[Group]:
    """Rows of the table: each DfE code (with the authority's label), or the five major groups."""
    ethnicities = [e for e in Ethnicity.objects.all() if not e.is_unknown]
    if detail == "detailed":
        return [Group(e.code, e.label, (e.code,)) for e in ethnicities]
    groups = []
    for major in MajorGroup:
        if major == MajorGroup.UNKNOWN:
            continue
        codes = tuple(e.code for e in ethnicities if e.major_group == major)
        groups.append(Group(str(major), major.label, codes))
    return groups


KNOWN_CODES = tuple(code for code, group in MAJOR_GROUP_OF.items() if group != MajorGroup.UNKNOWN)
REFERENCES = {
    "WBRI": Reference("WBRI", "White British children", ("WBRI",)),
    "white": Reference(
        "white",
        "White children",
        tuple(code for code in KNOWN_CODES if MAJOR_GROUP_OF[code] == MajorGroup.WHITE),
    ),
    "all": Reference("all", "all children", KNOWN_CODES),
}


def latest_import() -> ImportRun | None:
    """The latest import of the children's data (any kind the registry says feeds this
    dashboard, or the demo data)."""
    from dashboards.import_kinds import children_dashboard_kinds

    return (
        ImportRun.objects.filter(
            status=ImportRun.Status.SUCCEEDED, kind__in=children_dashboard_kinds()
        )
        .order_by("-finished_at")
        .first()
    )


def latest_episode_date() -> dt.date | None:
    """The latest start of any episode: one backward index probe per kind."""
    probes = " UNION ALL ".join(
        f"(SELECT MAX(start_date) FROM core_episode WHERE kind = '{kind}')"
        for kind in EpisodeKind.values
    )
    dates = [date for (date,) in _fetch(probes, []) if date is not None]
    return max(dates) if dates else None


# Where the data ends: the latest return's reference date or export's day (snapshots holds it,
# as the month-ends it prepares run to it).
data_ends_on = snapshots.data_ends_on


_NOT_GIVEN = object()


def default_date(ends_on=_NOT_GIVEN) -> dt.date:
    """The latest 31 March on which there is data to count (today's, if data runs on), and
    never after the data ends (the latest return's reference date). ends_on: data_ends_on(),
    when the caller has it already."""
    default = latest_31_march()
    ends = data_ends_on() if ends_on is _NOT_GIVEN else ends_on
    # Where no import says where the data ends (data written some other way), the latest start.
    last = ends or latest_episode_date()
    if last is not None and last < default:
        default = latest_31_march(last)
    return default
