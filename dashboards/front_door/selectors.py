"""Reads for the front door: Postgres counts, Python only the results.

Contacts are counted from their monthly counts (ContactMonth) for whole months, or by one GROUP
BY over the covering index on contact_date for other periods, once for the page's counts and its
pathway; early help by one GROUP BY over its start and one over its end dates.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from arp_portal.core.models import Team
from arp_portal.statistics.front_door import FrontDoorCounts
from dashboards.front_door.models import EarlyHelpClosure


@dataclass(frozen=True)
class FrontDoorFilters:
    year: int  # the year ending 31 March of this year (a financial year, as DfE's returns)
    source: str = ""  # a CIN census referral source code, or "" for every source
    team: Team | None = None  # early help team, or None for every team
    reference: str = "WBRI"  # WBRI | white | all
    detail: str = "major"  # major | detailed

    @property
    def first(self) -> dt.date:
        return dt.date(self.year - 1, 4, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, 3, 31)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def data_years() -> list[int]:
    """Years (ending 31 March) with any contact: two index probes."""
    rows = _fetch(
        "SELECT (SELECT MIN(contact_date) FROM dashboards_contact),"
        " (SELECT MAX(contact_date) FROM dashboards_contact)",
        [],
    )
    first, last = rows[0]
    if first is None:
        return []

    def year_of(date: dt.date) -> int:
        return date.year + 1 if date.month >= 4 else date.year

    return list(range(year_of(first), year_of(last) + 1))


def _whole_months(first: dt.date, last: dt.date) -> bool:
    return first.day == 1 and (last + dt.timedelta(days=1)).day == 1


def _contact_rows(first: dt.date, last: dt.date, source: str = "") -> list[tuple]:
    """(ethnicity, outcome, repeat, from the source?, contacts): from the monthly counts for whole
    months (a few thousand rows), else from the contacts themselves. Every source is counted,
    the source asked for (every source when none is) marked, so the filtered counts and the
    pathway's unfiltered ones come from one read."""
    chosen = "source = %s" if source else "TRUE"
    params: list = [source] if source else []
    params += [first, last]
    if _whole_months(first, last):
        return _fetch(
            f"SELECT ethnicity, outcome, repeat_within_12_months, {chosen}, SUM(contacts)::int"
            " FROM dashboards_contactmonth WHERE month BETWEEN %s AND %s GROUP BY 1, 2, 3, 4",
            params,
        )
    return _fetch(
        f"SELECT ethnicity, outcome, repeat_within_12_months, {chosen}, COUNT(*)"
        " FROM dashboards_contact WHERE contact_date BETWEEN %s AND %s GROUP BY 1, 2, 3, 4",
        params,
    )


def counts(filters: FrontDoorFilters) -> FrontDoorCounts:
    return counts_and_stages(filters)[0]


def counts_and_stages(
    filters: FrontDoorFilters,
) -> tuple[FrontDoorCounts, dict[str, dict[str, int]]]:
    """The front door's counts for the filters, and the pathway's contact stages (every source:
    contact_stage_counts) from the same read of the contacts; three queries."""
    rows = _contact_rows(filters.first, filters.last, filters.source)
    contacts: dict[str, dict[str, int]] = {}
    repeats: dict[str, int] = {}
    for code, outcome, repeat, chosen, count in rows:
        if not chosen:
            continue
        by_outcome = contacts.setdefault(code, {})
        by_outcome[outcome] = by_outcome.get(outcome, 0) + count
        if repeat:
            repeats[code] = repeats.get(code, 0) + count
    team = ""
    team_params: list = []
    if filters.team is not None:
        team = " AND team_id = %s"
        team_params.append(filters.team.pk)
    starts = dict(
        _fetch(
            "SELECT ethnicity, COUNT(*) FROM dashboards_earlyhelpepisode"
            f" WHERE start_date BETWEEN %s AND %s{team} GROUP BY 1",
            [filters.first, filters.last, *team_params],
        )
    )
    closed: dict[str, int] = {}
    stepped: dict[str, int] = {}
    for code, closed_count, stepped_count in _fetch(
        "SELECT ethnicity, COUNT(*), COUNT(*) FILTER (WHERE closure_reason = %s)"
        " FROM dashboards_earlyhelpepisode"
        f" WHERE end_date BETWEEN %s AND %s{team} GROUP BY 1",
        [EarlyHelpClosure.STEPPED_UP, filters.first, filters.last, *team_params],
    ):
        closed[code] = closed_count
        stepped[code] = stepped_count
    return FrontDoorCounts(contacts, repeats, starts, closed, stepped), _stages(rows)


def _stages(rows: list[tuple]) -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {"contact": {}, "early_help": {}, "referral": {}}
    for code, outcome, _repeat, _chosen, count in rows:
        result["contact"][code] = result["contact"].get(code, 0) + count
        if outcome in ("early_help", "referral"):
            result[outcome][code] = result[outcome].get(code, 0) + count
    return result


def contact_stage_counts(first: dt.date, last: dt.date) -> dict[str, dict[str, int]]:
    """For the pathway: contacts, and those leading to early help and to a referral, by code."""
    return _stages(_contact_rows(first, last))
