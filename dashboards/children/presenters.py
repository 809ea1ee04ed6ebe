"""Turns counts into what the page and the exports show: tables with "c" for hidden counts,
Plotly figures (arp_portal.core.charts) and plain-English sentences."""

import datetime as dt
from dataclasses import dataclass, field

from arp_portal.core import charts
from arp_portal.core.dates import long_date, same_day_years_before
from arp_portal.core.ethnicity import MAJOR_GROUP_OF, UNKNOWN_CODES
from arp_portal.core.models import AgeBand, Sex
from arp_portal.statistics.disproportionality import (
    CohortTable,
    Group,
    GroupRow,
    PathwayStage,
    cohort_table,
    format_rate,
    format_ratio,
    pathway,
    rri_sentence,
    since_when,
)
from dashboards.children import disclosure, selectors
from dashboards.children.selectors import ChildFilters, PopulationSelection
from dashboards.front_door import selectors as front_door_selectors

SUPPRESSED = "c"
TREND_YEARS = 5


def group_phrase(group: Group, detail: str) -> str:
    """How a sentence names a group's children: 'Black children', 'Black Caribbean children'."""
    if detail != "detailed":
        return f"{group.label} children"
    major = MAJOR_GROUP_OF.get(group.codes[0], "")
    label = group.label
    if label.lower().startswith("any other") or major.lower() in label.lower() or not major:
        return f"children recorded as {label[0].lower()}{label[1:]}"
    if major == "Other":
        return f"{label} children"
    return f"{major} {label} children"


def outcome_phrase(filters: ChildFilters, date: dt.date | None = None) -> str:
    date = date or filters.reference_date
    if filters.measure == "starts":
        start = same_day_years_before(date, 1) + dt.timedelta(days=1)
        verb = {
            "cin": "to be referred as a child in need",
            "cp": "to start a child protection plan",
            "cic": "to come into care",
        }[filters.cohort]
        return f"{verb} between {long_date(start)} and {long_date(date)}"
    verb = {
        "cin": "to be a child in need",
        "cp": "to be on a child protection plan",
        "cic": "to be in care",
    }[filters.cohort]
    return f"{verb} on {long_date(date)}"


def cohort_title(filters: ChildFilters) -> str:
    name = {
        "cin": "Children in need",
        "cp": "Children on a child protection plan",
        "cic": "Children in care",
    }[filters.cohort]
    if filters.measure == "starts":
        name = {
            "cin": "Referrals (children starting a child in need episode)",
            "cp": "Children starting a child protection plan",
            "cic": "Children coming into care",
        }[filters.cohort]
        return (
            f"{name} between {long_date(filters.year_start)} and "
            f"{long_date(filters.reference_date)}"
        )
    return f"{name} on {long_date(filters.reference_date)}"


def scope_phrase(filters: ChildFilters) -> str:
    parts = []
    if filters.team is not None:
        parts.append(f"{filters.team.name} (a team in {filters.team.locality.name})")
    elif filters.locality is not None:
        parts.append(f"the {filters.locality.name} locality")
    else:
        parts.append("the whole authority")
    if filters.age_band != AgeBand.ALL:
        parts.append(f"aged {AgeBand(filters.age_band).label.lower()}")
    if filters.sex is not None:
        parts.append(Sex(filters.sex).label.lower())
    return ", ".join(parts)


def show_count(count: int, suppressed: bool) -> str:
    return SUPPRESSED if suppressed else f"{count:,}"


def _interval(low: float | None, high: float | None, fmt) -> str:
    return "" if low is None or high is None else f"{fmt(low)} to {fmt(high)}"


@dataclass
class TableRow:
    """One group's line of the page's tables, already formatted."""

    key: str
    label: str
    count: str
    population: str
    rate: str
    rate_interval: str
    rri: str
    rri_interval: str
    disproportionality_index: str
    share_of_cohort: str
    share_of_population: str
    flag: str  # "Over-represented", "Under-represented" or ""
    suppressed: bool


def table_rows(table: CohortTable) -> list[TableRow]:
    rows = []
    for row in table.rows:
        flag = ""
        if row.over_represented:
            flag = "Over-represented"
        elif row.under_represented:
            flag = "Under-represented"
        rows.append(
            TableRow(
                key=row.group.key,
                label=row.group.label,
                count=show_count(row.count, row.suppressed),
                population="" if row.population is None else f"{row.population:,}",
                rate=format_rate(row.rate.value),
                rate_interval=_interval(row.rate.low, row.rate.high, format_rate),
                rri=format_ratio(row.rri.value),
                rri_interval=_interval(row.rri.low, row.rri.high, format_ratio),
                disproportionality_index=format_ratio(row.disproportionality_index),
                share_of_cohort=format_rate(row.share_of_cohort_pct),
                share_of_population=format_rate(row.share_of_population_pct),
                flag=flag,
                suppressed=row.suppressed,
            )
        )
    return rows


def rate_figure(table: CohortTable) -> dict:
    shown = [row for row in table.rows if row.rate.value is not None]
    values = [round(value, 1) for row in shown if (value := row.rate.value) is not None]
    bars = charts.bar(
        orientation="h",
        y=[row.group.label for row in shown],
        x=values,
        marker={"color": charts.PALETTE[0]},
        error_x=charts.error_bars(
            values, [r.rate.low for r in shown], [r.rate.high for r in shown], places=1
        ),
        hovertemplate="%{y}: %{x} per 10,000<extra></extra>",
        name="Rate per 10,000",
    )
    return charts.figure(
        [bars],
        empty="There is no rate to draw: no group has both children and a population estimate.",
        height=max(280, 40 * len(shown) + 110),
        xaxis={"title": {"text": "Children per 10,000 (95% confidence interval)"}},
        yaxis={"autorange": "reversed"},
        showlegend=False,
    )


def rri_figure(table: CohortTable) -> dict:
    shown = [row for row in table.rows if row.rri.value is not None]
    # Over-represented groups differ in colour and in shape (diamond), not colour alone.
    over = [row.over_represented for row in shown]
    return charts.ratio_figure(
        [row.group.label for row in shown],
        [round(value, 2) for row in shown if (value := row.rri.value) is not None],
        [r.rri.low for r in shown],
        [r.rri.high for r in shown],
        name="Relative rate index",
        axis_title=f"Relative rate index against {table.reference.label} (log scale)",
        empty="There is no ratio to draw: no group can be compared with "
        f"{table.reference.label} children here.",
        marker={
            "size": 12,
            "color": [charts.PALETTE[1] if flag else charts.PALETTE[0] for flag in over],
            "symbol": ["diamond" if flag else "circle" for flag in over],
        },
        height=max(280, 40 * len(shown) + 120),
        annotations=[
            {
                "x": 0,
                "xref": "x",
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "text": "parity (1)",
                "showarrow": False,
                "font": {"color": charts.REFERENCE_COLOUR},
            }
        ],
    )


@dataclass
class TrendSeries:
    key: str
    label: str
    cells: list[str]  # "2.31 (1.80 to 2.95)", "c", or "" per year
    since: str | None  # the first year of the unbroken run of over-representation, if any
    rri: list[float | None] = field(default_factory=list)


def trend_dates(reference_date: dt.date) -> list[dt.date]:
    return [
        same_day_years_before(reference_date, years) for years in range(TREND_YEARS - 1, -1, -1)
    ]


def trend_series(tables: list[tuple[dt.date, CohortTable]]) -> list[TrendSeries]:
    if not tables:
        return []
    series = []
    for index, group_row in enumerate(tables[0][1].rows):
        cells, values, flags = [], [], []
        for date, table in tables:
            row: GroupRow = table.rows[index]
            if row.suppressed:
                cells.append(SUPPRESSED)
            elif row.rri.value is None:
                cells.append("")
            else:
                cells.append(f"{row.rri.value:.2f} ({row.rri.low:.2f} to {row.rri.high:.2f})")
            values.append(None if row.rri.value is None else round(row.rri.value, 2))
            flags.append((str(date.year), row.over_represented))
        series.append(
            TrendSeries(
                group_row.group.key, group_row.group.label, cells, since_when(flags), values
            )
        )
    return series


def trend_figure(series: list[TrendSeries], dates: list[dt.date], reference_label: str) -> dict:
    years = [long_date(date) for date in dates]
    drawn = [s for s in series if any(v is not None for v in s.rri)]
    values = [v for s in drawn for v in s.rri]
    y_axis = charts.log_axis(values, f"RRI against {reference_label}")
    empty = f"There is no ratio to draw for any of the five years against {reference_label}."
    if len(drawn) > len(charts.PALETTE):
        # More groups than distinguishable colours: one small panel per group.
        return charts.small_multiples(
            [
                (
                    line.label,
                    [
                        charts.scatter(
                            mode="lines+markers",
                            x=[str(date.year) for date in dates],
                            y=line.rri,
                            line={"color": charts.PALETTE[0], "width": 2},
                            marker={"size": 6},
                            connectgaps=False,
                            name=line.label,
                            hovertemplate=f"{line.label}, %{{x}}: %{{y}}<extra></extra>",
                        )
                    ],
                )
                for line in drawn
            ],
            empty=empty,
            yaxis={**y_axis, "title": None},
            xaxis={"type": "category"},
            shapes_per_panel=[charts.reference_line(y=1)],
        )
    traces = []
    for index, line in enumerate(drawn):
        style = charts.series_style(index, line.label)
        traces.append(
            charts.scatter(
                mode="lines+markers",
                name=line.label,
                x=years,
                y=line.rri,
                line={"color": style.colour, "width": 2, "dash": style.dash},
                marker={"size": 8, "symbol": style.symbol},
                connectgaps=False,
            )
        )
    return charts.figure(
        traces,
        empty=empty,
        yaxis=y_axis,
        xaxis={"type": "category"},
        shapes=[charts.reference_line(y=1)],
    )


def pathway_figure(stages: list[PathwayStage], groups: list[Group]) -> dict:
    labels = [stage.label for stage in stages]
    drawn = []
    for group in groups:
        values = [
            None if (value := stage.cells[group.key].rri.value) is None else round(value, 2)
            for stage in stages
        ]
        if any(value is not None for value in values):
            drawn.append((group, values))
    y_axis = charts.log_axis(
        [v for _, values in drawn for v in values], "RRI against the stage before"
    )
    empty = "There is no stage-to-stage ratio to draw for these children."
    if len(drawn) > len(charts.PALETTE):
        return charts.small_multiples(
            [
                (
                    group.label,
                    [
                        charts.scatter(
                            mode="markers",
                            x=labels,
                            y=values,
                            marker={"size": 9, "color": charts.PALETTE[0]},
                            name=group.label,
                            hovertemplate=f"{group.label}, %{{x}}: %{{y}}<extra></extra>",
                        )
                    ],
                )
                for group, values in drawn
            ],
            empty=empty,
            yaxis={**y_axis, "title": None},
            xaxis={"type": "category", "tickangle": -30},
            panel_height=200,
            shapes_per_panel=[charts.reference_line(y=1)],
        )
    # A ratio is drawn as a point on a log axis (a bar from 0 would exaggerate ratios above 1
    # and hide those below it); each group has its own colour and marker.
    traces = []
    for index, (group, values) in enumerate(drawn):
        style = charts.series_style(index, group.label)
        traces.append(
            charts.scatter(
                mode="markers",
                name=group.label,
                x=labels,
                y=values,
                marker={"size": 12, "color": style.colour, "symbol": style.symbol},
            )
        )
    return charts.figure(
        traces,
        empty=empty,
        yaxis=y_axis,
        xaxis={"type": "category"},
        scattermode="group",
        shapes=[charts.reference_line(y=1)],
    )


def snapshot_cohort(filters: ChildFilters) -> str:
    """The cohort a view's counts are in the snapshots: cin, cp, cic; or, for starts, the kind
    of episode started."""
    if filters.measure == "starts":
        return str(selectors.START_KINDS[filters.cohort][0])
    return filters.cohort


def hidden_cells(
    filters: ChildFilters,
    date: dt.date,
    counts: dict[str, int],
    found: dict[tuple, disclosure.Release] | None = None,
) -> frozenset:
    """The view's cells hidden on the date, decided with every view of that date by the task
    worker: all of them (disclosure.UNDECIDED) while the date is being prepared. found: the
    page's releases, read at once (disclosure.releases)."""
    return disclosure.hidden_cells(filters, date, snapshot_cohort(filters), counts, found)


def build_table(
    filters: ChildFilters,
    counts: dict[str, int],
    population: PopulationSelection,
    groups: list[Group],
    *,
    hidden: frozenset,
) -> CohortTable:
    """hidden: hidden_cells for the view and date (the disclosure engine's decision)."""
    return cohort_table(
        counts,
        population.counts or None,
        groups=groups,
        reference=selectors.REFERENCES[filters.reference],
        unknown_codes=sorted(UNKNOWN_CODES),
        # Population estimates are not split by sex: a rate for one sex would be wrong, but a
        # ratio stands if each group's sex ratio is alike, so ratios stay and rates go.
        rates_shown=filters.sex is None,
        hidden=hidden,
    )


def dashboard(filters: ChildFilters, unprepared: selectors.Unprepared | None = None) -> dict:
    """Everything the page shows, from five queries (cohort, trend, pathway, population).

    Dates whose snapshots are not built are counted live and added to unprepared, if given."""
    groups = selectors.ethnic_groups(filters.detail)
    reference = selectors.REFERENCES[filters.reference]
    dates = trend_dates(filters.reference_date)
    # One query for the populations of every trend date.
    year_populations = selectors.populations_for(
        area=filters.area, dates=[filters.reference_date, *dates], age_band=filters.age_band
    )
    population = year_populations[filters.reference_date]
    trend_counts = selectors.trend_counts(filters, dates, unprepared)
    counts_now = trend_counts[filters.reference_date]
    cohort = snapshot_cohort(filters)
    # Every decision the page needs, in two queries (the trend's dates; the pathway's stages).
    found = disclosure.releases(dates, disclosure.snapshot_measure(filters, cohort), [cohort])
    hidden_now = hidden_cells(filters, filters.reference_date, counts_now, found)
    table = build_table(filters, counts_now, population, groups, hidden=hidden_now)

    trend_tables = []
    being_prepared: list[dt.date] = []
    populations = {population.year: population}
    for date in dates:
        year_population = year_populations[date]
        populations.setdefault(year_population.year, year_population)
        hidden = hidden_cells(filters, date, trend_counts[date], found)
        if hidden is disclosure.UNDECIDED:
            being_prepared.append(date)
        trend_tables.append(
            (date, build_table(filters, trend_counts[date], year_population, groups, hidden=hidden))
        )
    series = trend_series(trend_tables)

    stage_counts = selectors.pathway_counts(filters, unprepared)
    stage_specs: list[tuple] = [
        (key, label, stage_counts[str(kind)]) for key, label, kind in selectors.PATHWAY_STAGES
    ]
    front_door = front_door_stages(filters)
    if front_door:
        # Contact comes first; early help and referrals each follow a contact.
        stage_specs = [*front_door, (*stage_specs[0], "contact"), *stage_specs[1:]]
    starts = ChildFilters(**{**filters.__dict__, "measure": "starts"})
    kinds = [str(kind) for _key, _label, kind in selectors.PATHWAY_STAGES]
    found_starts = disclosure.releases([filters.reference_date], "starts", kinds)
    stage_hidden = {
        key: disclosure.hidden_cells(
            starts, filters.reference_date, str(kind), stage_counts[str(kind)], found_starts
        )
        for key, _label, kind in selectors.PATHWAY_STAGES
    }
    pathway_prepared = not any(hidden is disclosure.UNDECIDED for hidden in stage_hidden.values())
    stages = pathway(
        stage_specs,
        population.counts or None,
        groups=groups,
        reference=reference,
        unknown_codes=sorted(UNKNOWN_CODES),
        hidden_by_stage=stage_hidden,
    )

    sentences = summary_sentences(filters, table)
    trend_sentences = []
    for line in series:
        if line.since:
            trend_sentences.append(
                f"{group_phrase(_group(groups, line.key), filters.detail)[0].upper()}"
                f"{group_phrase(_group(groups, line.key), filters.detail)[1:]} have been "
                f"over-represented against {reference.label} (interval above 1) every year "
                f"since {line.since}."
            )
    if not trend_sentences:
        trend_sentences.append(
            "No group has been over-represented (interval above 1) every year up to "
            f"{long_date(filters.reference_date)}."
        )
    empty_years = [long_date(date) for date in dates if not trend_counts[date]]

    return {
        "filters": filters,
        "title": cohort_title(filters),
        "scope": scope_phrase(filters),
        "table": table,
        "rows": table_rows(table),
        "total": show_count(table.total_count, table.total_suppressed),
        "unknown": show_count(table.unknown_count, table.unknown_suppressed),
        "unknown_pct": ""
        if table.unknown_suppressed or table.total_suppressed
        else format_rate(table.unknown_pct),
        "population": population,
        "trend_populations": [p for year, p in sorted(populations.items()) if year],
        "sentences": sentences,
        "rate_figure": rate_figure(table),
        "rri_figure": rri_figure(table),
        "trend_dates": [long_date(date) for date in dates],
        "trend_series": series,
        "trend_figure": trend_figure(series, dates, reference.label),
        "trend_sentences": trend_sentences,
        "empty_years": empty_years,
        "stages": stages,
        "front_door_in_pathway": bool(front_door),
        "stage_rows": pathway_rows(stages, groups),
        "pathway_figure": pathway_figure(stages, groups),
        "pathway_sentence": pathway_sentence(stages, groups, filters, reference.label),
        "reference": reference,
        "latest_import": selectors.latest_import(),
        # Dates whose disclosure decision the task worker has not made yet: none of their
        # counts is shown until it has.
        "being_prepared": hidden_now is disclosure.UNDECIDED,
        # A view combining filters outside the release: no count of it is published.
        "withheld": disclosure.is_withheld(filters),
        "trend_being_prepared": [long_date(date) for date in being_prepared],
        "pathway_being_prepared": not pathway_prepared,
        **data_end(filters.reference_date, selectors.data_ends_on()),
    }


def data_end(reference_date: dt.date, ends_on: dt.date | None) -> dict:
    """Where the data ends, and whether the page's date lies past it (then its figures are
    what was known on that day carried forward, not what happened: the page says so)."""
    return {
        "data_ends_on": long_date(ends_on) if ends_on else "",
        "after_data_end": ends_on is not None and reference_date > ends_on,
    }


def front_door_stages(filters: ChildFilters) -> list[tuple]:
    """The pathway's front door (contacts, and those leading to early help) in the year to the
    reference date, when there are contacts and the filters can apply to them: contacts carry
    no team, locality, age or sex, so a filtered view starts at the referral."""
    if (
        filters.team is not None
        or filters.locality is not None
        or filters.sex is not None
        or filters.age_band != AgeBand.ALL
    ):
        return []
    counts = front_door_selectors.contact_stage_counts(filters.year_start, filters.reference_date)
    if not any(counts["contact"].values()):
        return []
    return [
        ("contact", "Contact", counts["contact"]),
        ("early_help", "Early help", counts["early_help"], "contact"),
    ]


def _group(groups: list[Group], key: str) -> Group:
    return next(group for group in groups if group.key == key)


def summary_sentences(filters: ChildFilters, table: CohortTable) -> list[str]:
    """One sentence per group whose interval lies wholly above or below 1, largest first."""
    outcome = outcome_phrase(filters)
    flagged = [
        row
        for row in table.rows
        if (row.over_represented or row.under_represented)
        and row.group.codes != table.reference.codes
    ]
    flagged.sort(key=lambda row: -(row.rri.value or 0))
    sentences = [
        rri_sentence(
            group_phrase=group_phrase(row.group, filters.detail),
            reference_phrase=table.reference.label,
            outcome_phrase=outcome,
            rri=row.rri,
        )
        for row in flagged
    ]
    if table.reference_suppressed:
        sentences.insert(
            0,
            f"No ratio is shown: the number of {table.reference.label} is too small to show.",
        )
    elif not sentences and table.total_count:
        sentences.append(
            f"No group's rate differs from that of {table.reference.label} by more than chance "
            "would explain (every interval includes 1)."
        )
    return sentences


@dataclass
class PathwayRow:
    label: str
    cells: list[tuple[str, str]]  # (count, "RRI (low to high)") per stage


def pathway_rows(stages: list[PathwayStage], groups: list[Group]) -> list[PathwayRow]:
    rows = []
    for group in groups:
        cells = []
        for stage in stages:
            cell = stage.cells[group.key]
            rri = cell.rri
            text = "" if rri.value is None else f"{rri.value:.2f} ({rri.low:.2f} to {rri.high:.2f})"
            cells.append((show_count(cell.count, cell.suppressed), text))
        rows.append(PathwayRow(group.label, cells))
    return rows


def pathway_sentence(
    stages: list[PathwayStage], groups: list[Group], filters: ChildFilters, reference: str
) -> str:
    """Where disproportionality is largest: the stage with the highest flagged RRI."""
    best = None
    highest = 0.0
    for stage in stages:
        for group in groups:
            cell = stage.cells[group.key]
            value = cell.rri.value
            if value is None or not (cell.rri.excludes_one and value > 1):
                continue  # not flagged
            if best is None or value > highest:
                best, highest = (stage, group, cell), value
    if best is None:
        return (
            "At no stage of the pathway is any group's relative rate, against "
            f"{reference} and taken against the stage before, clearly above 1."
        )
    stage, group, cell = best
    against = "the population" if stage.against == "population" else stage.against.lower()
    return (
        f"The largest difference arises at “{stage.label.lower()}”: "
        f"{group_phrase(group, filters.detail)} were {cell.rri.value:.1f} times as likely as "
        f"{reference}, given {against}, to reach it (95% CI {cell.rri.low:.1f} to "
        f"{cell.rri.high:.1f})."
    )
