"""The workforce measures as rows of one shape, with small groups already hidden.

Every figure on the dashboard and every line of the exports comes from a `MeasureRow`, so what
disclosure control hides on the page is hidden in the CSV and the spreadsheet too. Rows come from
the counts (counts.py) of the data a request fetches once (selectors.workforce_data, passed in as
`data`; fetched here for one year when a caller has none), the disclosure engine, the shared
statistics (Wilson intervals, risk ratios) and the pay module. Nothing here queries Postgres.

Disclosure (docs/domain.md; the programme's rule for the workforce): a cell for fewer than
10 people is hidden, so is a cell whose complement is under 10 (the people who did not complete
training, say, or the rest of the authority outside a filtered locality), and further cells are
hidden so that none can be worked out by subtraction from a shown total.
"""

import datetime as dt
import hashlib
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache

from arp_portal.core import dates
from arp_portal.core.models import GradeBand
from arp_portal.statistics.disclosure import Publication, Relation, audit, is_small
from arp_portal.statistics.disclosure.rules import protect
from arp_portal.statistics.intervals import percentage, risk_ratio, wilson_interval
from arp_portal.statistics.pay import pay_gap_percent
from dashboards.models import WorkforceEventKind
from dashboards.workforce import counts, selectors
from dashboards.workforce.selectors import WorkforceData, WorkforceScope

THRESHOLD = 10  # groups under 10 people are hidden everywhere

WHITE = "White"
MINORITY_GROUPS = ["Mixed", "Asian", "Black", "Other"]
BAME = "BAME"
UNKNOWN = "Unknown"
MAJOR_GROUPS = [WHITE, *MINORITY_GROUPS]
GROUP_LABELS = {
    WHITE: "White",
    "Mixed": "Mixed",
    "Asian": "Asian",
    "Black": "Black",
    "Other": "Other ethnic group",
    BAME: "Black, Asian and minority ethnic",
    UNKNOWN: "Not known",
}
# The groups compared with White staff: each major group, and all of them together as the NHS
# Workforce Race Equality Standard compares them.
COMPARED_GROUPS = [*MINORITY_GROUPS, BAME]
ALL_STAFF = "All staff"

# The partitions a table of ethnic groups adds up in, counting only totals the page shows (so a
# hidden cell cannot be had by subtraction): the minority groups add up to BAME, a cell of the
# same table. Representation also shows the staff of known ethnicity in each grade (KNOWN, the
# denominator of the grade's shares), which the major groups, and White and BAME, add up to.
# Unknown ethnicity is reported only as the disclosure rate.
KNOWN = "Known"
GROUP_PARTITIONS: list = [(BAME, MINORITY_GROUPS)]
REPRESENTATION_PARTITIONS: list = [
    (KNOWN, MAJOR_GROUPS),
    (BAME, MINORITY_GROUPS),
    (KNOWN, [WHITE, BAME]),
]


@dataclass(frozen=True)
class MeasureRow:
    measure: str
    period: str
    group: str
    numerator: float | None
    denominator: float | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool

    @property
    def label(self) -> str:
        return GROUP_LABELS.get(self.group, self.group)


def hidden_row(measure: str, period: str, group: str) -> MeasureRow:
    return MeasureRow(measure, period, group, None, None, None, None, None, True)


def period_end(year: int) -> dt.date:
    """The date a year's snapshot is taken: 31 December, or today for the current year."""
    return min(dt.date(year, 12, 31), dt.date.today())


def with_bame(counts: Mapping[str, int]) -> dict[str, int]:
    cells = {group: int(counts.get(group, 0) or 0) for group in [*MAJOR_GROUPS, UNKNOWN]}
    cells[BAME] = sum(cells[group] for group in MINORITY_GROUPS)
    return cells


# A partition of a breakdown: parts whose total is a cell of the same tables (total, parts), or
# parts alone, whose total the page shows elsewhere whatever this breakdown hides (a known total).
Partition = tuple[Hashable, list] | list


@dataclass(frozen=True)
class Hidden:
    """What a breakdown hides. `unprotectable` names the cells (none, almost always) that no
    amount of hiding could protect: a total published whatever this breakdown hides (a known
    total) is itself about fewer than 10 people, so the cells under it are hidden as far as the
    relations reach and the page says so."""

    cells: frozenset
    unprotectable: frozenset = frozenset()

    def __contains__(self, key: object) -> bool:
        return key in self.cells


def suppress_counts(
    tables: Iterable[Mapping[Any, int]],
    partitions: Sequence[Partition],
    *,
    outside: Iterable[Mapping[Any, int]] | None = None,
    known: Iterable[Any] = (),
    hide_with: Mapping[Any, list] | None = None,
) -> Hidden:
    """_suppress_counts's decision, kept in Django's cache under a digest of everything it is
    made from (the counts, the partitions, the authority's counts), so a key can never name a
    stale decision: changed data makes a new key. The engine's linear programmes are most of a
    page's time (some 40 decisions a page); ADR 053 (the workforce page in one shape) has the
    benchmark with and without. WORKFORCE_DECISION_CACHE_SECONDS = 0 turns it off."""
    tables = [dict(table) for table in tables]
    outside = [dict(table) for table in outside] if outside else None
    known = sorted(known, key=repr)
    hide_with = dict(hide_with or {})
    seconds = settings.WORKFORCE_DECISION_CACHE_SECONDS
    if not seconds:
        return _suppress_counts(
            tables, partitions, outside=outside, known=known, hide_with=hide_with
        )
    made_of = repr(
        (
            [sorted(table.items(), key=repr) for table in tables],
            partitions,
            [sorted(table.items(), key=repr) for table in outside] if outside else None,
            known,
            sorted(hide_with.items(), key=repr),
            THRESHOLD,
        )
    )
    key = "workforce-decision:v2:" + hashlib.sha256(made_of.encode()).hexdigest()
    hidden = cache.get(key)
    if hidden is None:
        hidden = _suppress_counts(
            tables, partitions, outside=outside, known=known, hide_with=hide_with
        )
        cache.set(key, hidden, seconds)
    return hidden


def _suppress_counts(
    tables: Iterable[Mapping[Any, int]],
    partitions: Sequence[Partition],
    *,
    outside: Iterable[Mapping[Any, int]] | None = None,
    known: Iterable[Any] = (),
    hide_with: Mapping[Any, list] | None = None,
) -> Hidden:
    """The cells to hide across several count tables of one breakdown (numerators, denominators,
    and the people without the event), so a cell hidden in one is hidden in all.

    Through the disclosure engine (arp_portal/statistics/disclosure): each partition is a
    relation. Its total is a cell of the tables where the page shows it beside its parts ("Black,
    Asian and minority ethnic" over the minority groups; all staff over the grades), so the
    engine may hide it; otherwise (a partition given as its parts alone) it is a total the page
    shows elsewhere, known to the intruder whatever is hidden. `known` names cells published
    whatever this breakdown hides (they are never hidden, so never primary). `hide_with`: a cell
    whose hiding hides others too (a grade's known total, the denominator of all its shares).

    Primary cells: a count of 1 to 9, and, where the view is filtered, a cell whose complement
    within the whole authority (outside, the same tables) is 1 to 9. Each must keep an interval
    at least THRESHOLD wide: not even the hidden cells together can be narrowed to fewer than 10
    people. Secondary cells come from the engine's search (`protect`), and the union over the
    tables (hiding more only widens intervals) is audited exactly.

    The search can hide any cell but a known total, so the audit fails only where a known total
    pins a cell (a total of fewer than 10 people published elsewhere): then the engine has hidden
    everything its relations reach, and `Hidden.unprotectable` says which cells are short.
    """
    filled: list[dict[Any, int]] = [dict(table) for table in tables]
    keys: set[Any] = set()
    for partition in partitions:
        if isinstance(partition, tuple):
            keys.add(partition[0])
            keys.update(partition[1])
        else:
            keys.update(partition)
    for table in filled:
        for key in keys - table.keys():
            table[key] = 0
    cells: dict[Hashable, int] = {
        (i, key): count for i, table in enumerate(filled) for key, count in table.items()
    }
    relations: list[Relation] = []
    known_totals: dict[Hashable, int] = {
        (i, key): table[key] for i, table in enumerate(filled) for key in known
    }
    for i, table in enumerate(filled):
        for p, partition in enumerate(partitions):
            if isinstance(partition, tuple):
                total_key, parts = partition
                total: Hashable = (i, total_key)
            else:
                parts = partition
                total = ("shown total", i, p)
                known_totals[total] = sum(table[key] for key in parts)
            relations.append(Relation(total, tuple((i, key) for key in parts)))
    primary = {
        cell
        for cell, count in cells.items()
        if is_small(count, THRESHOLD) and cell not in known_totals
    }
    for i, (table, whole) in enumerate(zip(filled, outside or [], strict=False)):
        primary |= {
            (i, key)
            for key, count in table.items()
            if is_small(whole.get(key, 0) - count, THRESHOLD) and (i, key) not in known_totals
        }
    publication = Publication(cells, relations, known_totals)

    def protection(cell, count: int) -> int:
        return THRESHOLD if cell in primary else 0

    decision = protect(publication, primary, protection=protection)
    hidden = {key for _, key in cast(frozenset[tuple[int, Hashable]], decision.hidden)}
    for key in list(hidden):
        hidden.update((hide_with or {}).get(key, ()))
    union = {(i, key) for i in range(len(filled)) for key in hidden if (i, key) in cells}
    result = audit(publication, union - known_totals.keys(), protection=protection)
    return Hidden(
        frozenset(hidden - set(known)),
        frozenset(key for _, key in cast(frozenset[tuple[int, Hashable]], result.failures)),
    )


def _proportion_tables(pairs: Mapping[Any, tuple[int, int]]) -> list[dict]:
    numerators = {key: pair[0] for key, pair in pairs.items()}
    denominators = {key: pair[1] for key, pair in pairs.items()}
    without = {key: pair[1] - pair[0] for key, pair in pairs.items()}
    return [numerators, denominators, without]


def _group_pairs(counts: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    pairs: dict[str, tuple[int, int]] = {
        group: counts.get(group, (0, 0)) for group in [*MAJOR_GROUPS, UNKNOWN]
    }
    pairs[BAME] = (
        sum(pairs[group][0] for group in MINORITY_GROUPS),
        sum(pairs[group][1] for group in MINORITY_GROUPS),
    )
    return pairs


def proportion_row(
    measure: str, period: str, group: str, numerator: int, denominator: int, hidden: bool
) -> MeasureRow:
    if hidden:
        return hidden_row(measure, period, group)
    if not denominator:
        return MeasureRow(measure, period, group, 0, 0, None, None, None, False)
    low, high = wilson_interval(numerator, denominator)
    assert low is not None and high is not None  # a denominator above 0 has an interval
    return MeasureRow(
        measure,
        period,
        group,
        numerator,
        denominator,
        percentage(numerator, denominator),
        low * 100,
        high * 100,
        False,
    )


def _filtered_and_whole(scope: WorkforceScope, data: WorkforceData, count):
    """count(the scope's staff) and, when the scope is filtered, count(the whole workforce) for
    differencing."""
    here = count(data.staff_in(scope))
    return here, (count(data.staff) if scope.is_filtered else None)


def data_for(years: Iterable[int]) -> WorkforceData:
    """What the measures of these years read, fetched once (selectors.workforce_data)."""
    return selectors.workforce_data([period_end(year) for year in years])


def population_for(data: WorkforceData, year: int) -> tuple[dict[str, int], str, int | None]:
    """The latest working-age estimate for the year or before it (else the earliest there is):
    ({group: count}, source, year of the estimate)."""
    keys = sorted(data.populations, key=lambda key: (-key[0], key[1]))
    chosen = next((key for key in keys if key[0] <= year), None) or min(
        data.populations, default=None
    )
    if chosen is None:
        return {}, "", None
    return dict(data.populations[chosen]), chosen[1], chosen[0]


# --- Representation ------------------------------------------------------------------------

REPRESENTATION = "Representation"


def representation(scope: WorkforceScope, year: int, data: WorkforceData | None = None) -> dict:
    """Share of each ethnic group (of staff whose ethnicity is known) in each grade band, in all
    staff, in the local working-age population and among children in need, on the period's end."""
    data = data or data_for([year])
    date = period_end(year)
    period = str(year)
    here, whole = _filtered_and_whole(
        scope, data, lambda staff: counts.staff_by_grade_and_group(staff, date)
    )
    grades = [value for value, _ in GradeBand.choices]
    rows_keys = [*grades, ALL_STAFF]

    def grid(counts):
        cells = {}
        for row in rows_keys:
            in_row = grades if row == ALL_STAFF else [row]
            by_group = with_bame(
                {
                    g: sum(counts.get((grade, g), 0) for grade in in_row)
                    for g in [*MAJOR_GROUPS, UNKNOWN]
                }
            )
            by_group[KNOWN] = by_group[WHITE] + by_group[BAME]
            # Only all staff's Unknown is shown (a grade's is published nowhere).
            shown = (
                by_group
                if row == ALL_STAFF
                else {g: n for g, n in by_group.items() if g != UNKNOWN}
            )
            cells.update({(row, group): n for group, n in shown.items()})
        return cells

    # Each row's groups add up to its known total and to BAME; each column's grades add up to
    # all staff. All staff of known ethnicity are published whatever this table hides (the
    # disclosure rate beside pay), so they are a known total; a grade's known total is the
    # denominator of each of its shares, so hiding it hides the grade's row.
    cells = grid(here)
    partitions = [
        ((row, total), [(row, group) for group in parts])
        for row in rows_keys
        for total, parts in REPRESENTATION_PARTITIONS
    ] + [
        ((ALL_STAFF, group), [(grade, group) for grade in grades])
        for group in [*MAJOR_GROUPS, BAME, KNOWN]
    ]
    hidden = suppress_counts(
        [cells],
        partitions,
        outside=[grid(whole)] if whole else None,
        known=[(ALL_STAFF, KNOWN)],
        hide_with={
            (row, KNOWN): [(row, group) for group in [*MAJOR_GROUPS, BAME]] for row in rows_keys
        },
    )
    rows = []
    for row_key in rows_keys:
        known = cells[(row_key, KNOWN)]
        measure = (
            f"{REPRESENTATION}: all staff"
            if row_key == ALL_STAFF
            else f"{REPRESENTATION}: {GradeBand(row_key).label}"
        )
        for group in [*MAJOR_GROUPS, BAME]:
            rows.append(
                proportion_row(
                    measure,
                    period,
                    group,
                    cells[(row_key, group)],
                    known,
                    (row_key, group) in hidden,
                )
            )
    population, source, population_year = population_for(data, year)
    rows.extend(_share_rows(f"{REPRESENTATION}: working-age population", period, population))
    children = data.children_in_need.get(date) or {}
    rows.extend(_share_rows(f"{REPRESENTATION}: children in need", period, children))
    unknown = cells[(ALL_STAFF, UNKNOWN)]
    return {
        "rows": rows,
        # Published whatever is hidden (the disclosure rate): the summary's reason when the
        # share of all staff is hidden.
        "known_staff": cells[(ALL_STAFF, KNOWN)],
        "date": date,
        "population_source": source,
        "population_year": population_year,
        "unknown_staff": None if (ALL_STAFF, UNKNOWN) in hidden else unknown,
    }


def _share_rows(measure: str, period: str, counts: Mapping[str, int]) -> list[MeasureRow]:
    cells = with_bame(counts)
    known = cells[KNOWN] = cells[WHITE] + cells[BAME]
    hidden = suppress_counts([cells], REPRESENTATION_PARTITIONS, known=[KNOWN])
    return [
        proportion_row(measure, period, group, cells[group], known, group in hidden)
        for group in [*MAJOR_GROUPS, BAME]
        if known
    ]


# --- Likelihoods: disciplinary and appointment ---------------------------------------------

LIKELIHOODS: dict[str, tuple[str, str]] = {
    WorkforceEventKind.DISCIPLINARY_OPENED: (
        "Disciplinary: staff entering a formal process",
        "Disciplinary: relative likelihood against White staff",
    ),
    WorkforceEventKind.APPOINTED: (
        "Appointment: shortlisted staff appointed",
        "Appointment: relative likelihood against White staff",
    ),
}


# Who is at risk of each event: staff shortlisted in the period, for an appointment (WRES
# indicator 2); for a disciplinary (None), staff employed during it (WRES indicator 3).
AT_RISK: dict[str, str | None] = {
    WorkforceEventKind.DISCIPLINARY_OPENED: None,
    WorkforceEventKind.APPOINTED: WorkforceEventKind.SHORTLISTED,
}


def likelihood(
    scope: WorkforceScope, kind: str, year: int, data: WorkforceData | None = None
) -> list[MeasureRow]:
    """The share of each group with the event, and each group's likelihood over White staff's
    (risk ratio with the Katz log interval, as the NHS WRES compares them)."""
    if kind not in AT_RISK:
        raise ValueError(f"no likelihood measure for {kind}")
    data = data or data_for([year])
    first, last = dt.date(year, 1, 1), period_end(year)
    here, whole = _filtered_and_whole(
        scope,
        data,
        lambda staff: counts.likelihood_counts(staff, kind, AT_RISK[kind], first, last),
    )
    pairs = _group_pairs(here)
    hidden = suppress_counts(
        _proportion_tables(pairs),
        GROUP_PARTITIONS,
        outside=_proportion_tables(_group_pairs(whole)) if whole else None,
    )
    rate_measure, ratio_measure = LIKELIHOODS[kind]
    period = str(year)
    rows = [
        proportion_row(rate_measure, period, group, *pairs[group], group in hidden)
        for group in [*MAJOR_GROUPS, BAME]
    ]
    white_events, white_people = pairs[WHITE]
    for group in COMPARED_GROUPS:
        if group in hidden or WHITE in hidden:
            rows.append(hidden_row(ratio_measure, period, group))
            continue
        events, people = pairs[group]
        estimate = risk_ratio(events, people, white_events, white_people)
        rows.append(
            MeasureRow(
                ratio_measure,
                period,
                group,
                events,
                people,
                estimate.value,
                estimate.low,
                estimate.high,
                False,
            )
        )
    return rows


# --- Leavers -------------------------------------------------------------------------------

LEAVERS = "Leavers: leaver rate"


def leavers(
    scope: WorkforceScope, year: int, data: WorkforceData | None = None
) -> list[MeasureRow]:
    """Leavers in the year over staff employed at any time in it, by group."""
    data = data or data_for([year])
    first, last = dt.date(year, 1, 1), period_end(year)
    here, whole = _filtered_and_whole(
        scope, data, lambda staff: counts.leaver_counts(staff, first, last)
    )
    pairs = _group_pairs(here)
    hidden = suppress_counts(
        _proportion_tables(pairs),
        GROUP_PARTITIONS,
        outside=_proportion_tables(_group_pairs(whole)) if whole else None,
    )
    return [
        proportion_row(LEAVERS, str(year), group, *pairs[group], group in hidden)
        for group in [*MAJOR_GROUPS, BAME]
    ]


# --- Pay -----------------------------------------------------------------------------------

PAY_MEAN = "Pay: mean hourly pay (£)"
PAY_MEDIAN = "Pay: median hourly pay (£)"
PAY_GAP_MEAN = "Pay gap: mean, against White staff (%)"
PAY_GAP_MEDIAN = "Pay gap: median, against White staff (%)"
DISCLOSURE = "Ethnicity disclosure rate"


def pay(scope: WorkforceScope, year: int, data: WorkforceData | None = None) -> dict:
    """Mean and median hourly pay by group and the gaps against White staff, for staff in post
    at the period's end, with the ethnicity disclosure rate beside them."""
    data = data or data_for([year])
    date = period_end(year)
    period = str(year)
    here, whole = _filtered_and_whole(
        scope, data, lambda staff: counts.pay_by_group(staff, date, (WHITE, UNKNOWN))
    )
    group_counts = with_bame({group: stats["n"] for group, stats in here.items()})
    whole_counts = with_bame({g: stats["n"] for g, stats in whole.items()}) if whole else None
    hidden = suppress_counts(
        [group_counts], GROUP_PARTITIONS, outside=[whole_counts] if whole_counts else None
    )
    rows = []
    white = here.get(WHITE)
    for group in [*MAJOR_GROUPS, BAME]:
        stats = here.get(group)
        if group in hidden or not stats:
            rows.append(hidden_row(PAY_MEAN, period, group) if group in hidden else None)
            rows.append(hidden_row(PAY_MEDIAN, period, group) if group in hidden else None)
            continue
        rows.append(
            MeasureRow(PAY_MEAN, period, group, None, stats["n"], stats["mean"], None, None, False)
        )
        rows.append(
            MeasureRow(
                PAY_MEDIAN, period, group, None, stats["n"], stats["median"], None, None, False
            )
        )
    for group in COMPARED_GROUPS:
        stats = here.get(group)
        if group in hidden or WHITE in hidden or not stats or not white:
            rows.append(hidden_row(PAY_GAP_MEAN, period, group))
            rows.append(hidden_row(PAY_GAP_MEDIAN, period, group))
            continue
        for measure, key in ((PAY_GAP_MEAN, "mean"), (PAY_GAP_MEDIAN, "median")):
            rows.append(
                MeasureRow(
                    measure,
                    period,
                    group,
                    None,
                    stats["n"],
                    pay_gap_percent(white[key], stats[key]),
                    None,
                    None,
                    False,
                )
            )
    known, total = counts.disclosure_counts(data.staff_in(scope), date, UNKNOWN)
    disclosure_hidden = is_small(total, THRESHOLD) or is_small(total - known, THRESHOLD)
    rows.append(proportion_row(DISCLOSURE, period, ALL_STAFF, known, total, disclosure_hidden))
    return {"rows": [row for row in rows if row is not None], "date": date}


# --- ARP training --------------------------------------------------------------------------

TRAINING_OVER_TIME = "ARP training: completed, over time"
TRAINING_BY = {
    "team__locality__name": "ARP training: completed by locality",
    "team__name": "ARP training: completed by team",
    selectors.GROUP: "ARP training: completed by ethnic group",
}
# Which field of a member of staff (counts.Staff) each breakdown counts by.
TRAINING_FIELD = {
    "team__locality__name": "locality",
    "team__name": "team",
    selectors.GROUP: "group",
}
TRAINED = WorkforceEventKind.TRAINING_COMPLETED


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month-end from first's month to last's, the current month's taken as today."""
    today = dt.date.today()
    return [min(end, today) for end in dates.month_ends(first, last)]


def training(scope: WorkforceScope, year: int, data: WorkforceData | None = None) -> dict:
    data = data or data_for([year])
    date = period_end(year)
    period = str(year)
    result: dict = {"date": date, "target": data.target, "by": {}}
    for dimension, measure in TRAINING_BY.items():
        here, whole = _filtered_and_whole(
            scope,
            data,
            lambda staff, d=dimension: counts.training_by(staff, TRAINED, date, TRAINING_FIELD[d]),
        )
        if dimension == selectors.GROUP:
            pairs = _group_pairs(here)
            partitions = GROUP_PARTITIONS
            whole_pairs = _group_pairs(whole) if whole else None
            keys = [*MAJOR_GROUPS, BAME]
        else:
            pairs = dict(here)
            partitions = [sorted(pairs)]
            if dimension == "team__name":
                # Teams also add up to their locality's total, shown in the locality table.
                localities: dict[str, list[str]] = {}
                for team, locality in data.teams:
                    if team in pairs:
                        localities.setdefault(locality, []).append(team)
                partitions += list(localities.values())
            whole_pairs = whole
            keys = sorted(pairs)
        hidden = suppress_counts(
            _proportion_tables(pairs),
            partitions,
            outside=_proportion_tables(whole_pairs) if whole_pairs else None,
        )
        result["by"][dimension] = [
            proportion_row(measure, period, key, *pairs[key], key in hidden) for key in keys
        ]
    span = counts.event_span(data.staff, TRAINED)
    over_time = []
    if span:
        ends = month_ends(*span)
        by_month = counts.training_over_time(data.staff_in(scope), TRAINED, ends)
        for end, (trained, in_post) in by_month.items():
            small = (
                is_small(trained, THRESHOLD)
                or is_small(in_post, THRESHOLD)
                or is_small(in_post - trained, THRESHOLD)
            )
            over_time.append(
                proportion_row(
                    TRAINING_OVER_TIME, end.strftime("%Y-%m"), ALL_STAFF, trained, in_post, small
                )
            )
    result["over_time"] = over_time
    return result


# --- Everything, for the exports -----------------------------------------------------------


def all_rows(
    scope: WorkforceScope, years: list[int], data: WorkforceData | None = None
) -> list[MeasureRow]:
    data = data or data_for(years)
    rows: list[MeasureRow] = []
    training_months: dict[str, MeasureRow] = {}
    for year in years:
        rows.extend(representation(scope, year, data)["rows"])
        for kind in LIKELIHOODS:
            rows.extend(likelihood(scope, kind, year, data))
        trained = training(scope, year, data)
        for dimension in TRAINING_BY:
            rows.extend(trained["by"][dimension])
        for row in trained["over_time"]:
            training_months[row.period] = row
        rows.extend(pay(scope, year, data)["rows"])
        rows.extend(leavers(scope, year, data))
    rows.extend(training_months[period] for period in sorted(training_months))
    return rows
