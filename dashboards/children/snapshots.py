"""Cohort snapshots: the dashboard's counts for one reference date, built once per date from the
episode table and read many times (core.CohortSnapshot explains what a row holds).

Building a date is one INSERT ... SELECT with GROUPING SETS over the episodes open on it (or
starting in the year to it): each child counted once per ethnicity, age band, sex and area.
Reading is a SUM over a few hundred rows. Any write to children or episodes expires every build
(a trigger; an import expires only the dates it touched), and a date whose build has expired is
counted live until it is built again: a snapshot is never stale.

After each children's import the month-ends it touched are built again by a background task
(tasks.prepare_after_import, refresh_after_import below: every month-end and both measures from
one binary COPY of the episodes, counted in numpy by month_end_counts, written with one COPY a
measure); a view of any other date counts live and queues a task that builds that date's
snapshots (docs/adr/022-month-end-snapshots-and-live-counts-for-other-dates.md,
docs/adr/052-one-import-pipeline.md, docs/adr/055-month-ends-counted-in-numpy.md).
"""

import datetime as dt
import io
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from arp_portal.core.dates import latest_31_march, month_end, month_index, same_day_years_before
from arp_portal.core.dates import month_ends as month_ends_between
from arp_portal.core.models import (
    CohortSnapshotBuild,
    EpisodeKind,
    Ethnicity,
    ImportRun,
    birth_number,
)
from dashboards.children import month_end_counts

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


# Imports whose data runs to a reference date: a return's (31 March of its collection year),
# or, for a case-system export or the demonstration data, the day it was imported.
RETURN_IMPORT_KINDS = ("cin_census", "ssda903")
AS_OF_IMPORT_KINDS = ("cases", "demo")


def data_ends_on() -> dt.date | None:
    """The last day the children's data speaks for: the latest return's reference date, or the
    day of the latest case-system export, whichever is later. After it nothing is known (an
    episode left open may have closed), so the dashboard says where the data ends and does not
    default to a later date. None before any import."""
    runs = ImportRun.objects.filter(
        status=ImportRun.Status.SUCCEEDED,
        kind__in=RETURN_IMPORT_KINDS + AS_OF_IMPORT_KINDS,
    ).values_list("kind", "counts__collection_year", "finished_at")
    ends = []
    for kind, year, finished_at in runs:
        if kind in RETURN_IMPORT_KINDS:
            if isinstance(year, int):
                ends.append(dt.date(year, 3, 31))
        elif finished_at is not None:
            ends.append(timezone.localdate(finished_at))
    return max(ends) if ends else None


def month_end_targets() -> list[tuple[dt.date, str]]:
    """Every (month-end, measure) an import prepares, in the order it prepares them: the 31
    Marches first (the default view and its trend), then the latest months first."""
    first, latest = episode_date_range()
    if first is not None and latest is not None:
        # The default view is the latest 31 March the data reaches (selectors.default_date),
        # where no episode need start: a return's data end on its 31 March, after its last
        # referral, so that date is prepared too.
        ends = data_ends_on()
        if ends is not None:
            latest = max(latest, latest_31_march(ends))
        # A case system may hold planned starts; no view asks for a date after today.
        latest = min(latest, timezone.localdate())
        first = min(first, latest)
    marches = march_dates(first, latest)
    dates = sorted(marches, reverse=True) + sorted(
        set(month_ends(first, latest)) - set(marches), reverse=True
    )
    return [(date, measure) for date in dates for measure in MEASURES]


# Month-ends are built together, every month-end of a measure from one read of the episodes:
# month_end_counts explains how (merged spans per child, cut at age bands, a running sum over
# the months), and the rows go back with one COPY.
_EPISODES = """
    COPY (
        SELECT e.child_id, COALESCE(e.locality_id, -1), COALESCE(e.team_id, -1),
               array_position(%(kinds)s::text[], e.kind::text) - 1,
               e.start_date - DATE '1970-01-01',
               COALESCE(e.end_date - DATE '1970-01-01', %(open)s),
               -- 0 for none; a code the ethnicity table lacks stands out as -1
               COALESCE(array_position(%(codes)s::text[], e.child_ethnicity::text),
                        CASE WHEN e.child_ethnicity IS NULL THEN 0 ELSE -1 END),
               COALESCE(e.child_sex, -1)::int, e.child_birth_ymd
          FROM core_episode e
         WHERE e.kind = ANY(%(kinds)s) AND e.child_birth_ymd IS NOT NULL
    ) TO STDOUT WITH (FORMAT binary)
"""
# One tuple of the binary COPY: its field count, then each field's length and value (big-endian;
# a NULL would have length -1, so the lengths are checked).
_EPISODE_FIELDS = (
    ("child", ">i8"),
    ("locality", ">i8"),
    ("team", ">i8"),
    ("kind", ">i4"),
    ("start", ">i4"),
    ("end", ">i4"),
    ("ethnicity", ">i4"),
    ("sex", ">i4"),
    ("birth_ymd", ">i4"),
)
_EPISODE_TUPLE = np.dtype(
    [("fields", ">i2")]
    + [item for name, kind in _EPISODE_FIELDS for item in ((f"{name}_length", ">i4"), (name, kind))]
)
_OPEN = 2**30  # days: an open episode's end


def _months(days: np.ndarray) -> np.ndarray:
    """Month indexes (year * 12 + month - 1) of days since 1 January 1970."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) + 1970 * 12


def _read_episodes(cursor) -> month_end_counts.Episodes:
    """Every episode of a child with a date of birth, as arrays: one binary COPY (a second or
    two at national scale), no parsing in Python."""
    kinds = list(EpisodeKind.values)
    codes = list(Ethnicity.objects.order_by("code").values_list("code", flat=True))
    buffer = io.BytesIO()
    cursor.copy_expert(
        cursor.mogrify(_EPISODES, {"kinds": kinds, "codes": codes, "open": _OPEN}).decode(),
        buffer,
    )
    data = buffer.getbuffer()
    # header: signature (11 bytes), flags (4), extension length (4) and extension; trailer: -1
    start = 19 + int.from_bytes(data[15:19], "big")
    rows = np.frombuffer(data[start : len(data) - 2], dtype=_EPISODE_TUPLE)
    if not all(
        (rows[f"{name}_length"] == np.dtype(kind).itemsize).all() for name, kind in _EPISODE_FIELDS
    ):
        raise ValueError("core_episode read back with a NULL or a different width")
    if (rows["ethnicity"] < 0).any():
        raise ValueError("core_episode holds an ethnicity code the ethnicity table does not")
    start_days = rows["start"].astype(np.int64)
    start_month = _months(start_days)
    end_days = rows["end"].astype(np.int64)
    is_open = end_days == _OPEN
    end_days = np.where(is_open, 0, end_days)
    # the last month-end an episode is open on: its end's month, or the month before if it
    # ends before that month's last day
    last = _months(end_days) - (_months(end_days + 1) == _months(end_days))
    first_of_month = (start_month - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]")
    day_of_month = start_days - first_of_month.astype(np.int64)
    return month_end_counts.Episodes(
        child=rows["child"].astype(np.int64),
        kind=rows["kind"].astype(np.int64),
        kinds=tuple(kinds),
        start=start_month,
        start_leap_day=(start_month % 12 == 1) & (day_of_month == 28),
        last=np.where(is_open, _OPEN, last),
        locality=rows["locality"].astype(np.int64),
        team=rows["team"].astype(np.int64),
        ethnicity=rows["ethnicity"].astype(np.int64) - 1,
        ethnicities=tuple(codes),
        sex=rows["sex"].astype(np.int64),
        birth_ymd=rows["birth_ymd"].astype(np.int64),
    )


def _text(value) -> str:
    return "\\N" if value is None else str(value)


def _write_month_ends(cursor, measure: str, counts: month_end_counts.Counts) -> None:
    """The counts of one measure into core_cohortsnapshot, in one COPY."""
    cells = [
        "\t".join(
            _text(value)
            for value in (
                cell.cohort,
                cell.scope,
                cell.locality_id,
                cell.team_id,
                cell.ethnicity,
                cell.age_band,
                cell.sex,
            )
        )
        for cell in counts.cells
    ]
    months = np.unique(counts.month).tolist()
    dates = {month: f"{month_end(month).isoformat()}\t{measure}\t" for month in months}
    text = "".join(
        f"{dates[month]}{cells[cell]}\t{children}\n"
        for month, cell, children in zip(
            counts.month.tolist(), counts.cell.tolist(), counts.children.tolist(), strict=True
        )
    )
    cursor.copy_expert(
        "COPY core_cohortsnapshot (reference_date, measure, cohort, scope, locality_id, team_id,"
        " ethnicity, age_band, sex, children) FROM STDIN",
        io.StringIO(text),
    )


@transaction.atomic
def build_month_ends(dates: list[dt.date], measures: tuple[str, ...] = MEASURES) -> int:
    """(Re)build the snapshots of dates not built yet, every measure, in one transaction: one
    read of the episodes, counted in numpy (month_end_counts), one COPY a measure. How many
    snapshots were built. Takes the per-date locks build() takes, in the same order, so the
    two never build the same snapshot twice."""
    with connection.cursor() as cursor:
        cursor.execute(DATA_LOCK)
        for date in sorted(dates):
            for measure in measures:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s)",
                    [zlib.crc32(f"cohort-snapshot {date} {measure}".encode())],
                )
        built = set(
            CohortSnapshotBuild.objects.filter(
                reference_date__in=dates, measure__in=measures
            ).values_list("reference_date", "measure")
        )
        todo = {
            measure: sorted(date for date in set(dates) if (date, measure) not in built)
            for measure in measures
        }
        if not any(todo.values()):
            return 0
        episodes = _read_episodes(cursor)
        for measure, missing in todo.items():
            if not missing:
                continue
            cursor.execute(
                "DELETE FROM core_cohortsnapshot WHERE reference_date = ANY(%s) AND measure = %s",
                [missing, measure],
            )
            counts = month_end_counts.month_end_counts(
                episodes, measure, [month_index(date) for date in missing]
            )
            _write_month_ends(cursor, measure, counts)
            cursor.execute(
                "INSERT INTO core_cohortsnapshotbuild (reference_date, measure, built_at)"
                " SELECT d, %s, now() FROM unnest(%s::date[]) d",
                [measure, missing],
            )
    return sum(len(missing) for missing in todo.values())


def refresh_after_import(progress: Callable[[int, int], None] | None = None) -> int:
    """Build the snapshots of every month-end (both measures) not built: after an import, the
    month-ends its changes touched (it expired only those), in one transaction
    (build_month_ends). progress(done, total) counts month-ends with both measures built,
    before and after. Returns how many snapshots were built."""
    targets = month_end_targets()
    dates = sorted({date for date, _ in targets})
    if not dates:
        return 0

    def report() -> None:
        if progress is not None:
            built = set(
                CohortSnapshotBuild.objects.filter(reference_date__in=dates).values_list(
                    "reference_date", "measure"
                )
            )
            progress(
                sum(1 for date in dates if all((date, m) in built for m in MEASURES)), len(dates)
            )

    report()
    count = build_month_ends(dates)
    report()
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
