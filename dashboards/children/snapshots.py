"""Cohort snapshots: the dashboard's counts for one reference date, built once per date from the
episode table and read many times (core.CohortSnapshot explains what a row holds).

Building a date is one INSERT ... SELECT with GROUPING SETS over the episodes open on it (or
starting in the year to it): each child counted once per ethnicity, age band, sex and area.
Reading is a SUM over a few hundred rows. Any write to children or episodes expires every build
(a trigger), and the next read rebuilds the dates it needs: a snapshot is never stale.
"""

import datetime as dt
import zlib

from django.db import connection, transaction

from arp_portal.core.models import CohortSnapshotBuild, EpisodeKind

ON_DATE = "on_date"
STARTS = "starts"
# Age band from age in whole years (birthday taken as the first of the birth month).
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


def _month_index(date: dt.date) -> int:
    return date.year * 12 + date.month - 1


def _build_on_date(cursor, date: dt.date) -> None:
    """Children open on the date, aged 0 to 17 on it, in each of the three cohorts."""
    index = _month_index(date)
    cursor.execute(
        _INSERT
        + f"""
        SELECT %(date)s, 'on_date', c.cohort, {_SCOPES}, e.locality_id, e.team_id,
               e.child_ethnicity, {_BAND} AS band, e.child_sex, COUNT(DISTINCT e.child_id)
          FROM core_episode e
          CROSS JOIN LATERAL (SELECT (%(index)s - e.child_birth_month_index) / 12 AS age) a
          CROSS JOIN LATERAL (VALUES ('cin'), (CASE e.kind WHEN 'CP' THEN 'cp'
                                                           WHEN 'CIC' THEN 'cic' END)) c(cohort)
         WHERE e.kind = ANY(%(kinds)s)
           AND e.start_date <= %(date)s AND (e.end_date IS NULL OR e.end_date >= %(date)s)
           AND e.child_birth_month_index BETWEEN %(index)s - 215 AND %(index)s
           AND c.cohort IS NOT NULL
         GROUP BY {_GROUPING_SETS}
        """,
        {"date": date, "index": index, "kinds": list(EpisodeKind.values)},
    )


def _build_starts(cursor, date: dt.date) -> None:
    """Children starting each kind of episode in the year to the date.

    Ages are taken on the reference date, for starts as for cohorts, so each child has one age
    band and the bands add up to the whole (a child with two starts either side of a birthday
    would otherwise count in two bands).
    """
    try:
        first = date.replace(year=date.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        first = date.replace(year=date.year - 1, day=28) + dt.timedelta(days=1)
    index = _month_index(date)
    cursor.execute(
        _INSERT
        + f"""
        SELECT %(date)s, 'starts', c.cohort, {_SCOPES}, e.locality_id, e.team_id,
               e.child_ethnicity, {_BAND} AS band, e.child_sex, COUNT(DISTINCT e.child_id)
          FROM core_episode e
          CROSS JOIN LATERAL (SELECT (%(index)s - e.child_birth_month_index) / 12 AS age) a
          CROSS JOIN LATERAL (VALUES (e.kind)) c(cohort)
         WHERE e.kind = ANY(%(kinds)s) AND e.start_date BETWEEN %(first)s AND %(date)s
           AND e.child_birth_month_index BETWEEN %(index)s - 215 AND %(index)s
         GROUP BY {_GROUPING_SETS}
        """,
        {"date": date, "first": first, "index": index, "kinds": list(EpisodeKind.values)},
    )


def ensure_built(dates: list[dt.date], measure: str) -> None:
    """Build any of the dates' snapshots that are missing or expired."""
    built = set(
        CohortSnapshotBuild.objects.filter(reference_date__in=dates, measure=measure).values_list(
            "reference_date", flat=True
        )
    )
    for date in dates:
        if date not in built:
            build(date, measure)


@transaction.atomic
def build(date: dt.date, measure: str) -> None:
    """(Re)build one date's snapshot. An advisory lock keeps two requests from building the
    same date at once; the second finds it built and does nothing."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)",
            [zlib.crc32(f"cohort-snapshot {date} {measure}".encode())],
        )
        if CohortSnapshotBuild.objects.filter(reference_date=date, measure=measure).exists():
            return
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


def counts(
    *,
    dates: list[dt.date],
    measure: str,
    cohorts: list[str],
    age_bands: list[str],
    sex: int | None,
    locality_id: int | None,
    team_id: int | None,
) -> dict[tuple[dt.date, str], dict[str, int]]:
    """{(date, cohort): {ethnicity code: children}} from the snapshots, building what is missing."""
    ensure_built(dates, measure)
    params: list = [dates, measure, cohorts, age_bands]
    sql = (
        "SELECT reference_date, cohort, ethnicity, SUM(children)::int FROM core_cohortsnapshot"
        " WHERE reference_date = ANY(%s) AND measure = %s AND cohort = ANY(%s)"
        " AND age_band = ANY(%s)"
    )
    if team_id is not None:
        sql += " AND scope = 'team' AND team_id = %s"
        params.append(team_id)
    elif locality_id is not None:
        sql += " AND scope = 'locality' AND locality_id = %s"
        params.append(locality_id)
    else:
        sql += " AND scope = 'all'"
    if sex is not None:
        sql += " AND sex = %s"
        params.append(sex)
    sql += " GROUP BY reference_date, cohort, ethnicity"
    result: dict[tuple[dt.date, str], dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for date, cohort, code, children in cursor.fetchall():
            result.setdefault((date, cohort), {})[code] = children
    return result


def march_dates(first: dt.date | None, latest: dt.date | None) -> list[dt.date]:
    """Every 31 March a default view or its five-year trend can ask for: from four years before
    the first data to the last 31 March with data."""
    if first is None or latest is None:
        return []
    last_year = latest.year if (latest.month, latest.day) >= (3, 31) else latest.year - 1
    return [dt.date(year, 3, 31) for year in range(first.year - 4, last_year + 1)]


def refresh_after_import() -> int:
    """Build the snapshots of every 31 March (both measures), so no service manager waits for
    the dates DfE's returns count on. Returns how many were built."""
    from dashboards.children.selectors import episode_date_range

    dates = march_dates(*episode_date_range())
    before = CohortSnapshotBuild.objects.count()
    ensure_built(dates, ON_DATE)
    ensure_built(dates, STARTS)
    return CohortSnapshotBuild.objects.count() - before
