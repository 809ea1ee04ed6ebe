"""Cohort snapshots: the dashboard's counts for one reference date, built once per date from the
episode table and read many times (core.CohortSnapshot explains what a row holds).

Building a date is one INSERT ... SELECT with GROUPING SETS over the episodes open on it (or
starting in the year to it): each child counted once per ethnicity, age band, sex and area.
Reading is a SUM over a few hundred rows. Any write to children or episodes expires every build
(a trigger; an import expires only the dates it touched), and a date whose build has expired is
counted live until it is built again: a snapshot is never stale.

After each children's import the month-ends it touched are built again by a background task
(tasks.prepare_after_import, refresh_after_import below: set-based, a chunk of month-ends per
statement); a view of any other date counts live and queues a task that builds that date's
snapshots (docs/adr/022-month-end-snapshots-and-live-counts-for-other-dates.md,
docs/adr/052-one-import-pipeline.md).
"""

import datetime as dt
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from arp_portal.core.dates import month_ends as month_ends_between
from arp_portal.core.dates import month_index, same_day_years_before
from arp_portal.core.models import CohortSnapshotBuild, EpisodeKind, birth_number

ON_DATE = "on_date"
STARTS = "starts"
MEASURES = (ON_DATE, STARTS)
# Taken in shared mode by every build, in exclusive mode by the trigger that expires the builds
# on any write to children or episodes (migration 0006): a build sees every write committed
# before it, and a write committed after it expires it.
DATA_LOCK = "SELECT pg_advisory_xact_lock_shared(hashtext('core_cohortsnapshot data'), 0)"
# A build sorts a few hundred thousand rows at 1,000,000 children (some 40 MB): in memory, not
# in temporary files on disk as with the default 4 MB.
BUILD_WORK_MEM = "SET LOCAL work_mem = '64MB'"
# Age band from exact age in whole years: (date as YYYYMMDD - birth as YYYYMMDD) / 10000.
_BAND = (
    "CASE WHEN a.age < 1 THEN 'under1' WHEN a.age < 5 THEN '1-4' WHEN a.age < 10 THEN '5-9'"
    " WHEN a.age < 16 THEN '10-15' ELSE '16-17' END"
)
_SCOPES = (
    "CASE WHEN GROUPING(e.locality_id) = 0 THEN 'locality'"
    " WHEN GROUPING(e.team_id) = 0 THEN 'team' ELSE 'all' END"
)
_GROUPING_SETS = """
    GROUPING SETS (
        (c.cohort, e.child_ethnicity, band, e.child_sex),
        (c.cohort, e.child_ethnicity, band, e.child_sex, e.locality_id),
        (c.cohort, e.child_ethnicity, band, e.child_sex, e.team_id)
    )
"""
_INSERT = """
    INSERT INTO core_cohortsnapshot (reference_date, measure, cohort, scope, locality_id,
                                     team_id, ethnicity, age_band, sex, children)
"""


# Born at most 18 years before the date, less a day: aged 0 to 17 on it.
_AGED_0_TO_17 = "e.child_birth_ymd BETWEEN %(number)s - 179999 AND %(number)s"


def _build_on_date(cursor, date: dt.date) -> None:
    """Children open on the date, aged 0 to 17 on it, in each of the three cohorts."""
    cursor.execute(
        _INSERT
        + f"""
        SELECT %(date)s, 'on_date', c.cohort, {_SCOPES}, e.locality_id, e.team_id,
               e.child_ethnicity, {_BAND} AS band, e.child_sex, COUNT(DISTINCT e.child_id)
          FROM core_episode e
          CROSS JOIN LATERAL (SELECT (%(number)s - e.child_birth_ymd) / 10000 AS age) a
          CROSS JOIN LATERAL (VALUES ('cin'), (CASE e.kind WHEN 'CP' THEN 'cp'
                                                           WHEN 'CIC' THEN 'cic' END)) c(cohort)
         WHERE e.kind = ANY(%(kinds)s)
           AND e.start_date <= %(date)s AND (e.end_date IS NULL OR e.end_date >= %(date)s)
           AND {_AGED_0_TO_17}
           AND c.cohort IS NOT NULL
         GROUP BY {_GROUPING_SETS}
        """,
        {"date": date, "number": birth_number(date), "kinds": list(EpisodeKind.values)},
    )


def _build_starts(cursor, date: dt.date) -> None:
    """Children starting each kind of episode in the year to the date.

    Ages are taken on the reference date, for starts as for cohorts, so each child has one age
    band and the bands add up to the whole (a child with two starts either side of a birthday
    would otherwise count in two bands).
    """
    first = same_day_years_before(date, 1) + dt.timedelta(days=1)
    cursor.execute(
        _INSERT
        + f"""
        SELECT %(date)s, 'starts', c.cohort, {_SCOPES}, e.locality_id, e.team_id,
               e.child_ethnicity, {_BAND} AS band, e.child_sex, COUNT(DISTINCT e.child_id)
          FROM core_episode e
          CROSS JOIN LATERAL (SELECT (%(number)s - e.child_birth_ymd) / 10000 AS age) a
          CROSS JOIN LATERAL (VALUES (e.kind)) c(cohort)
         WHERE e.kind = ANY(%(kinds)s) AND e.start_date BETWEEN %(first)s AND %(date)s
           AND {_AGED_0_TO_17}
         GROUP BY {_GROUPING_SETS}
        """,
        {
            "date": date,
            "first": first,
            "number": birth_number(date),
            "kinds": list(EpisodeKind.values),
        },
    )


def prepare(
    wanted: Iterable[tuple[dt.date, str]], progress: Callable[[int, int], None] | None = None
) -> int:
    """Build each (date, measure) snapshot that is not built, in the order given, each in its
    own transaction (so a write waits for one build at most); how many were built."""
    wanted = list(dict.fromkeys(wanted))
    built = 0
    for done, (date, measure) in enumerate(wanted, start=1):
        built += build(date, measure)
        if progress is not None:
            progress(done, len(wanted))
    return built


@transaction.atomic
def build(date: dt.date, measure: str) -> bool:
    """(Re)build one date's snapshot; False if it was built already. An advisory lock keeps two
    requests from building the same date at once; the second finds it built and does nothing."""
    with connection.cursor() as cursor:
        cursor.execute(DATA_LOCK)
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)",
            [zlib.crc32(f"cohort-snapshot {date} {measure}".encode())],
        )
        if CohortSnapshotBuild.objects.filter(reference_date=date, measure=measure).exists():
            return False
        cursor.execute(BUILD_WORK_MEM)
        cursor.execute(
            "DELETE FROM core_cohortsnapshot WHERE reference_date = %s AND measure = %s",
            [date, measure],
        )
        if measure == ON_DATE:
            _build_on_date(cursor, date)
        else:
            _build_starts(cursor, date)
        cursor.execute(
            "INSERT INTO core_cohortsnapshotbuild (reference_date, measure, built_at)"
            " VALUES (%s, %s, now())",
            [date, measure],
        )
    return True


def counts(
    *,
    dates: list[dt.date],
    measure: str,
    cohorts: list[str],
    age_bands: list[str],
    sex: int | None,
    locality_id: int | None,
    team_id: int | None,
) -> tuple[dict[tuple[dt.date, str], dict[str, int]], set[dt.date]]:
    """{(date, cohort): {ethnicity code: children}} from the snapshots, and which of the dates
    are built: the others have no counts here and must be counted live.

    One statement reads the builds and the rows together, so the two cannot disagree when a
    write expires the builds in between. Nothing is built here.
    """
    conditions = "s.cohort = ANY(%s) AND s.age_band = ANY(%s)"
    params: list = [cohorts, age_bands]
    if team_id is not None:
        conditions += " AND s.scope = 'team' AND s.team_id = %s"
        params.append(team_id)
    elif locality_id is not None:
        conditions += " AND s.scope = 'locality' AND s.locality_id = %s"
        params.append(locality_id)
    else:
        conditions += " AND s.scope = 'all'"
    if sex is not None:
        conditions += " AND s.sex = %s"
        params.append(sex)
    # A built date with no matching rows comes back once, with a null cohort.
    sql = (
        "SELECT b.reference_date, s.cohort, s.ethnicity, SUM(s.children)::int"
        " FROM core_cohortsnapshotbuild b LEFT JOIN core_cohortsnapshot s"
        f" ON s.reference_date = b.reference_date AND s.measure = b.measure AND {conditions}"
        " WHERE b.reference_date = ANY(%s) AND b.measure = %s"
        " GROUP BY b.reference_date, s.cohort, s.ethnicity"
    )
    params += [list(dates), measure]
    result: dict[tuple[dt.date, str], dict[str, int]] = {}
    built: set[dt.date] = set()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for date, cohort, code, children in cursor.fetchall():
            built.add(date)
            if cohort is not None:
                result.setdefault((date, cohort), {})[code] = children
    return result, built


def month_ends(first: dt.date | None, latest: dt.date | None) -> list[dt.date]:
    """Every month-end a view or its five-year trend is likely to ask for: from four years before
    the first data (and at least from the 31 March of that year) to the last month-end with data.
    Every 31 March of march_dates is among them."""
    if first is None or latest is None:
        return []
    start = dt.date(first.year - 4, min(first.month, 3), 1)
    return [end for end in month_ends_between(start, latest) if end <= latest]


def march_dates(first: dt.date | None, latest: dt.date | None) -> list[dt.date]:
    """Every 31 March a default view or its five-year trend can ask for: from four years before
    the first data to the last 31 March with data."""
    if first is None or latest is None:
        return []
    last_year = latest.year if (latest.month, latest.day) >= (3, 31) else latest.year - 1
    return [dt.date(year, 3, 31) for year in range(first.year - 4, last_year + 1)]


def episode_date_range() -> tuple[dt.date | None, dt.date | None]:
    """The earliest and latest episode start: index probes, one a kind."""
    probes = " UNION ALL ".join(
        f"(SELECT MIN(start_date), MAX(start_date) FROM core_episode WHERE kind = '{kind}')"
        for kind in EpisodeKind.values
    )
    with connection.cursor() as cursor:
        cursor.execute(probes)
        rows = [row for row in cursor.fetchall() if row[0] is not None]
    if not rows:
        return None, None
    return min(row[0] for row in rows), max(row[1] for row in rows)


def month_end_targets() -> list[tuple[dt.date, str]]:
    """Every (month-end, measure) an import prepares, in the order it prepares them: the 31
    Marches first (the default view and its trend), then the latest months first."""
    first, latest = episode_date_range()
    if latest is not None:
        # A case system may hold planned starts; no view asks for a date after today.
        latest = min(latest, timezone.localdate())
        first = min(first, latest)
    marches = march_dates(first, latest)
    dates = sorted(marches, reverse=True) + sorted(
        set(month_ends(first, latest)) - set(marches), reverse=True
    )
    return [(date, measure) for date in dates for measure in MEASURES]


# Month-ends are built set-based, every month-end of a measure in one statement, from events
# rather than by expanding each episode into the month-ends it covers (some 30 million rows at
# national scale): each child's episodes are merged into disjoint spans of months per cohort and
# area (so a child counts once), split where the child's age band changes, and turned into +1 at
# a span's first month and -1 after its last; a running sum over the months then gives the
# children in each group on each month-end. Months are indexes, year * 12 + month - 1.
_MONTH_INDEX = "(extract(year from {d})::int * 12 + extract(month from {d})::int - 1)"
_MONTH_END_OF = "(make_date({k} / 12, {k} %% 12 + 1, 1) + interval '1 month - 1 day')::date"
# The month-ends an episode covers: from its start's month to its end's (the month before, if it
# ends before that month's last day); to the last month-end asked for while it is open.
_ON_DATE_SPAN = f"""
    {_MONTH_INDEX.format(d="e.start_date")} AS a,
    CASE WHEN e.end_date IS NULL THEN %(hi)s
         ELSE {_MONTH_INDEX.format(d="e.end_date")}
              - CASE WHEN extract(day from e.end_date + 1) = 1 THEN 0 ELSE 1 END
    END AS b
"""
# The month-ends whose year to date holds a start: its month's and the eleven after.
_STARTS_SPAN = f"""
    {_MONTH_INDEX.format(d="e.start_date")} AS a,
    {_MONTH_INDEX.format(d="e.start_date")} + 11 AS b
"""
# Cohorts by number (1-based, into the names passed with the statement).
_ON_DATE_COHORTS = "(VALUES (1), (CASE e.kind WHEN 'CP' THEN 2 WHEN 'CIC' THEN 3 END)) c(cohort)"
KIND_COHORTS = list(EpisodeKind.values)
_STARTS_COHORTS = "(VALUES (array_position(%(kinds)s::text[], e.kind))) c(cohort)"
BAND_NAMES = ("under1", "1-4", "5-9", "10-15", "16-17")
# Months of age in each band (0-based): under 1 is 0 to 11, 16-17 is 192 to 215; a child's
# months of age at a month-end are its month index less their birth month's.
_BAND_MONTHS = "(VALUES (1, 0, 11), (2, 12, 59), (3, 60, 119), (4, 120, 191), (5, 192, 215))"
# Ages are exact (from the full date of birth): at a month-end a child has had their birthday
# that month, since the month's last day is on or after it, except a child born on 29 February
# in a year with no 29 February, whose birthday falls on 1 March (as the one-date build counts
# it): their n-th birthday moves their band a month later.
_LEAP_DAY_DELAY = (
    "(CASE WHEN i.leap_day AND NOT ((i.birth_year + {n}) %% 4 = 0"
    " AND ((i.birth_year + {n}) %% 100 <> 0 OR (i.birth_year + {n}) %% 400 = 0)) THEN 1 ELSE 0 END)"
)
_BAND_STARTS_LATE = _LEAP_DAY_DELAY.format(n="band.first / 12")
_BAND_ENDS_LATE = _LEAP_DAY_DELAY.format(n="(band.last + 1) / 12")
# Memory for the sorts and hashes of a few million spans at national scale, and no JIT
# (compiling the statement cost seconds, more than it saved).
MONTH_END_WORK_MEM = "SET LOCAL work_mem = '256MB'"


def _build_month_ends(cursor, measure: str, indexes: list[int]) -> None:
    """Snapshots of measure for the month-ends with these month indexes, in one statement."""
    lo, hi = min(indexes), max(indexes)
    span, cohorts = (
        (_ON_DATE_SPAN, _ON_DATE_COHORTS) if measure == ON_DATE else (_STARTS_SPAN, _STARTS_COHORTS)
    )
    group = "cohort, scope, key, ethnicity, sex, band"
    cursor.execute(
        _INSERT
        + f"""
        WITH spans AS (
            SELECT e.child_id, c.cohort, s.scope, s.key, e.child_ethnicity AS ethnicity,
                   e.child_sex AS sex, e.child_birth_ymd AS ymd, r.a, r.b
              FROM core_episode e
              CROSS JOIN LATERAL (SELECT {span}) r
              CROSS JOIN LATERAL {cohorts}
              -- 1 locality, 2 team, 3 the whole authority
              CROSS JOIN LATERAL (VALUES (1, e.locality_id::bigint), (2, e.team_id::bigint),
                                         (3, NULL::bigint)) s(scope, key)
             WHERE e.kind = ANY(%(kinds)s) AND c.cohort IS NOT NULL
               AND r.a <= r.b AND r.b >= %(lo)s AND r.a <= %(hi)s
        ), marked AS (
            SELECT *, SUM(CASE WHEN a <= previous_end + 1 THEN 0 ELSE 1 END)
                          OVER (PARTITION BY child_id, cohort, scope, key ORDER BY a, b
                                ROWS UNBOUNDED PRECEDING) AS island
              FROM (SELECT *, MAX(b) OVER (PARTITION BY child_id, cohort, scope, key
                                           ORDER BY a, b
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                              AS previous_end
                      FROM spans) ordered
        ), islands AS (
            SELECT cohort, scope, key, ethnicity, sex, ymd, MIN(a) AS a, MAX(b) AS b
              FROM marked
             GROUP BY child_id, cohort, scope, key, ethnicity, sex, ymd, island
        ), aged AS (
            SELECT *, (ymd / 10000) * 12 + (ymd / 100 %% 100) - 1 AS born,
                   ymd %% 10000 = 229 AS leap_day, ymd / 10000 AS birth_year
              FROM islands
        ), pieces AS (
            SELECT i.cohort, i.scope, i.key, i.ethnicity, i.sex, band.n AS band,
                   GREATEST(i.a, i.born + band.first + {_BAND_STARTS_LATE}) AS a,
                   LEAST(i.b, i.born + band.last + {_BAND_ENDS_LATE}) AS b
              FROM aged i
              JOIN {_BAND_MONTHS} band(n, first, last)
                ON i.a <= i.born + band.last + {_BAND_ENDS_LATE}
               AND i.b >= i.born + band.first + {_BAND_STARTS_LATE}
        ), deltas AS (
            SELECT {group}, k, SUM(d) AS d
              FROM (SELECT {group}, a AS k, 1 AS d FROM pieces
                    UNION ALL SELECT {group}, b + 1, -1 FROM pieces) events
             GROUP BY {group}, k
        ), running AS (
            SELECT {group}, k, SUM(d) OVER g AS children, LEAD(k) OVER g AS next_k
              FROM deltas
            WINDOW g AS (PARTITION BY {group} ORDER BY k)
        )
        SELECT {_MONTH_END_OF.format(k="m.k")}, %(measure)s,
               (%(cohort_names)s::text[])[r.cohort],
               CASE r.scope WHEN 1 THEN 'locality' WHEN 2 THEN 'team' ELSE 'all' END,
               CASE WHEN r.scope = 1 THEN r.key END, CASE WHEN r.scope = 2 THEN r.key END,
               r.ethnicity, (%(band_names)s::text[])[r.band], r.sex, r.children
          FROM running r
          CROSS JOIN LATERAL generate_series(
              GREATEST(r.k, %(lo)s), LEAST(COALESCE(r.next_k - 1, %(hi)s), %(hi)s)) m(k)
         WHERE r.children > 0 AND m.k = ANY(%(indexes)s)
        """,
        {
            "measure": measure,
            "lo": lo,
            "hi": hi,
            "indexes": indexes,
            "kinds": list(EpisodeKind.values),
            "cohort_names": ["cin", "cp", "cic"] if measure == ON_DATE else KIND_COHORTS,
            "band_names": list(BAND_NAMES),
        },
    )


@transaction.atomic
def build_month_ends(dates: list[dt.date], measure: str) -> int:
    """(Re)build the month-ends of dates not built yet, in one transaction; how many. Takes the
    per-date locks build() takes, in date order, so the two never build the same date twice."""
    with connection.cursor() as cursor:
        cursor.execute(DATA_LOCK)
        for date in sorted(dates):
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)",
                [zlib.crc32(f"cohort-snapshot {date} {measure}".encode())],
            )
        built = set(
            CohortSnapshotBuild.objects.filter(
                reference_date__in=dates, measure=measure
            ).values_list("reference_date", flat=True)
        )
        todo = sorted(set(dates) - built)
        if not todo:
            return 0
        cursor.execute(MONTH_END_WORK_MEM)
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            "DELETE FROM core_cohortsnapshot WHERE reference_date = ANY(%s) AND measure = %s",
            [todo, measure],
        )
        _build_month_ends(cursor, measure, [month_index(date) for date in todo])
        cursor.execute(
            "INSERT INTO core_cohortsnapshotbuild (reference_date, measure, built_at)"
            " SELECT d, %s, now() FROM unnest(%s::date[]) d",
            [measure, todo],
        )
    return len(todo)


def refresh_after_import(progress: Callable[[int, int], None] | None = None) -> int:
    """Build the snapshots of every month-end (both measures) not built: after an import, the
    month-ends its changes touched (it expired only those). One statement per measure, on-date
    counts first (the default view). progress(done, total) counts month-ends with both measures
    built. Returns how many snapshots were built."""
    targets = month_end_targets()
    dates = sorted({date for date, _ in targets})
    if not dates:
        return 0
    count = 0
    for measure in MEASURES:
        count += build_month_ends(dates, measure)
        if progress is not None:
            built = set(
                CohortSnapshotBuild.objects.filter(reference_date__in=dates).values_list(
                    "reference_date", "measure"
                )
            )
            progress(
                sum(1 for date in dates if all((date, m) in built for m in MEASURES)), len(dates)
            )
    return count


@dataclass(frozen=True)
class Preparation:
    """How far the dashboard's month-end figures are prepared (shown after an import): ready
    of total month-ends have both measures built."""

    ready: int
    total: int
    first: dt.date | None
    last: dt.date | None

    @property
    def complete(self) -> bool:
        return self.ready >= self.total

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.ready * 100 // self.total


def preparation() -> Preparation:
    targets = month_end_targets()
    dates = sorted({date for date, _ in targets})
    built = set(
        CohortSnapshotBuild.objects.filter(reference_date__in=dates).values_list(
            "reference_date", "measure"
        )
    )
    return Preparation(
        ready=sum(1 for date in dates if all((date, m) in built for m in MEASURES)),
        total=len(dates),
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
    )
