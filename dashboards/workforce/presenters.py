"""Turns measure rows into what a page shows: a Plotly figure, an accessible table and a
plain-English summary for each measure (charts in arp_portal.core.charts). Nothing here queries the
database."""

import datetime as dt
from collections.abc import Iterable, Sequence

from arp_portal.core import charts
from arp_portal.core.dates import long_date
from arp_portal.core.models import GradeBand
from dashboards.workforce.measures import (
    ALL_STAFF,
    BAME,
    COMPARED_GROUPS,
    DISCLOSURE,
    GROUP_LABELS,
    MAJOR_GROUPS,
    PAY_GAP_MEAN,
    PAY_GAP_MEDIAN,
    PAY_MEAN,
    PAY_MEDIAN,
    REPRESENTATION,
    THRESHOLD,
    WHITE,
    MeasureRow,
)

HIDDEN = "c"
COLOURS = {group: charts.GROUP_COLOURS[GROUP_LABELS[group]] for group in (*MAJOR_GROUPS, BAME)}
SYMBOLS = dict(zip((*MAJOR_GROUPS, BAME), charts.SYMBOLS, strict=False))


def figure(traces: list, title: str, y_title: str, *, empty: str, yaxis=None, **layout) -> dict:
    """A chart in the portal's house style; its title is shown as a heading above it."""
    chart = charts.figure(
        traces,
        empty=empty,
        yaxis={"title": {"text": y_title}, "rangemode": "tozero", **(yaxis or {})},
        **layout,
    )
    return {**chart, "title": title}


def _line(group: str, years: list[int], values: list) -> dict:
    return charts.scatter(
        mode="lines+markers",
        name=GROUP_LABELS[group],
        x=[str(y) for y in years],
        y=values,
        line={"color": COLOURS[group], "width": 2},
        marker={"size": 8, "symbol": SYMBOLS[group]},
    )


def number(value: float | None, places: int = 1, suffix: str = "") -> str:
    if value is None:
        return HIDDEN
    return f"{value:,.{places}f}{suffix}"


def count(value: float | None) -> str:
    return HIDDEN if value is None else f"{int(value):,}"


def interval(row: MeasureRow, places: int = 1) -> str:
    if row.suppressed or row.ci_low is None:
        return HIDDEN if row.suppressed else "–"
    return f"{row.ci_low:,.{places}f} to {row.ci_high:,.{places}f}"


def cell(row: MeasureRow | None, places: int = 1, suffix: str = "%") -> str:
    if row is None:
        return "–"
    if row.suppressed:
        return HIDDEN
    if row.value is None:
        return "no staff" if not row.denominator else "–"
    return number(row.value, places, suffix)


def _by(rows: Iterable[MeasureRow], measure: str) -> dict[str, MeasureRow]:
    return {row.group: row for row in rows if row.measure == measure}


def _error_bars(rows: Sequence[MeasureRow | None]) -> dict:
    """Asymmetric 95% interval bars, one per bar (none where a figure is hidden or missing)."""
    shown = [
        row if row is not None and row.value is not None and row.ci_low is not None else None
        for row in rows
    ]
    return charts.error_bars(
        [r.value if r else None for r in shown],
        [r.ci_low if r else None for r in shown],
        [r.ci_high if r else None for r in shown],
        places=3,
    )


def _times(value: float) -> str:
    return f"{value:.2f} times"


def _significance(row: MeasureRow) -> str:
    if row.ci_low is None or row.ci_high is None:
        return ""
    if row.ci_low > 1 or row.ci_high < 1:
        return " The interval does not include 1, so the difference is unlikely to be chance."
    return " The interval includes 1, so the difference could be chance."


# --- Representation ------------------------------------------------------------------------

REPRESENTATION_ROWS = [
    *((f"{REPRESENTATION}: {label}", label) for _, label in GradeBand.choices),
    (f"{REPRESENTATION}: all staff", "All staff"),
    # Both comparators are counted for the whole authority, whatever the filter: say so.
    (f"{REPRESENTATION}: working-age population", "Working-age population (whole authority)"),
    (f"{REPRESENTATION}: children in need", "Children in need (whole authority)"),
]


def representation_section(result: dict, year: int, trend: dict[int, list[MeasureRow]]) -> dict:
    rows = result["rows"]
    tables = {measure: _by(rows, measure) for measure, _ in REPRESENTATION_ROWS}
    groups = [*MAJOR_GROUPS, BAME]
    table_rows = []
    for measure, label in REPRESENTATION_ROWS:
        by_group = tables[measure]
        if not by_group:
            continue
        known = next((r.denominator for r in by_group.values() if r.denominator), None)
        table_rows.append(
            {
                "label": label,
                "cells": [cell(by_group.get(group)) for group in groups],
                "total": count(known) if known else HIDDEN,
            }
        )
    categories = [(m, label) for m, label in REPRESENTATION_ROWS if tables[m]]
    data = []
    for group in (BAME, "Black"):
        series = [tables[m].get(group) for m, _ in categories]
        data.append(
            charts.bar(
                name=GROUP_LABELS[group],
                x=[label for _, label in categories],
                y=[None if r is None or r.value is None else round(r.value, 1) for r in series],
                error_y=_error_bars(series),
                marker={
                    "color": COLOURS[group],
                    # Black staff's bars are hatched, so the two series differ by more than colour.
                    "pattern": {"shape": "/" if group == "Black" else ""},
                },
                hovertemplate="%{x}: %{y:.1f}%<extra>" + GROUP_LABELS[group] + "</extra>",
            )
        )
    # Trend: the share from Black, Asian and minority ethnic groups in each grade, year by year.
    trend_data = []
    years = sorted(trend)
    for index, (_value, label) in enumerate(GradeBand.choices):
        measure = f"{REPRESENTATION}: {label}"
        points = [_by(trend[y], measure).get(BAME) for y in years]
        style = charts.series_style(index)
        trend_data.append(
            charts.scatter(
                mode="lines+markers",
                name=label,
                x=[str(y) for y in years],
                y=[None if p is None or p.value is None else round(p.value, 1) for p in points],
                line={"color": style.colour, "dash": style.dash, "width": 2},
                marker={"size": 8, "symbol": style.symbol},
            )
        )
    trend_rows = [
        {
            "label": label,
            "cells": [cell(_by(trend[y], f"{REPRESENTATION}: {label}").get(BAME)) for y in years],
        }
        for _, label in GradeBand.choices
    ]
    return {
        "key": "representation",
        "title": "Representation by grade",
        "summary": representation_summary(tables, year, result),
        "figure": figure(
            data,
            f"Black, Asian and minority ethnic staff, and Black staff, by grade, {year}",
            "% of people whose ethnicity is known",
            empty=(
                f"There are no staff of known ethnicity in post at the end of {year} to draw."
                if not result.get("known_staff")
                else f"Every share for {year} is hidden, to protect small groups."
            ),
            barmode="group",
            # Say where a bar is missing because its figure is hidden, not zero.
            annotations=[
                {
                    "x": label,
                    "y": 0,
                    "yanchor": "bottom",
                    "showarrow": False,
                    # On end, in the bar's place: side by side, nine overlap on a phone.
                    "textangle": -90,
                    "text": "c: hidden",
                }
                for measure, label in categories
                if tables[measure].get(BAME) is not None and tables[measure][BAME].suppressed
            ],
        ),
        "table": {
            "caption": f"Ethnic groups as a percentage of staff whose ethnicity is known, in post "
            f"on {long_date(result['date'])}",
            "head": [GROUP_LABELS[g] for g in groups],
            "rows": table_rows,
            "label_head": "Grade or comparison",
            "total_head": "People of known ethnicity",
        },
        "trend_figure": figure(
            trend_data,
            "Share from Black, Asian and minority ethnic groups, by grade and year",
            "% of staff of known ethnicity",
            empty="There is no year with a share to draw.",
        ),
        "trend_table": {
            "caption": "Black, Asian and minority ethnic staff as a percentage of each grade, by "
            "year",
            "label_head": "Grade",
            "head": [str(y) for y in years],
            "rows": trend_rows,
        },
        "population_source": result["population_source"],
        "population_year": result["population_year"],
    }


def representation_summary(tables: dict, year: int, result: dict) -> str:
    everyone = tables[f"{REPRESENTATION}: all staff"].get(BAME)
    if everyone is None or everyone.value is None:
        if result.get("known_staff", 0) < THRESHOLD:
            return (
                f"There are too few staff of known ethnicity in post at the end of {year} to "
                "report."
            )
        # Not for want of staff: the share is hidden ("c") because it is, or would reveal, a
        # count of fewer than 10 people. Saying which would narrow the hidden count.
        return (
            f"The share of staff of known ethnicity from Black, Asian and minority ethnic groups "
            f"at the end of {year} is hidden: showing it would let a group of fewer than "
            f"{THRESHOLD} people be counted."
        )
    text = (
        f"At the end of {year}, {everyone.value:.1f}% of staff whose ethnicity is known were from "
        "Black, Asian and minority ethnic groups"
    )
    senior = None
    for _, label in reversed(GradeBand.choices):
        row = tables[f"{REPRESENTATION}: {label}"].get(BAME)
        if row is not None and row.value is not None:
            senior = (label, row)
            break
    if senior and senior[0] != GradeBand.SUPPORT.label:
        text += f", against {senior[1].value:.1f}% at {senior[0].lower()} grade"
    comparisons = []
    for measure, label in (
        (
            f"{REPRESENTATION}: working-age population",
            "of the working-age population across the authority",
        ),
        (
            f"{REPRESENTATION}: children in need",
            "of the children in need across the authority",
        ),
    ):
        row = tables[measure].get(BAME)
        if row is not None and row.value is not None:
            comparisons.append(f"{row.value:.1f}% {label}")
    if comparisons:
        text += "; they are " + " and ".join(comparisons)
    return text + "."


# --- Likelihoods ---------------------------------------------------------------------------

LIKELIHOOD_TEXT = {
    "disciplinary": (
        "Entering a formal disciplinary process",
        "to enter a formal disciplinary process",
        "Staff employed",
        "Entered a formal process",
        "entered a formal disciplinary process",
    ),
    "appointment": (
        "Appointment from shortlisting",
        "to be appointed once shortlisted",
        "Staff shortlisted",
        "Appointed",
        "were appointed after shortlisting",
    ),
}


def likelihood_section(
    key: str, rows: list[MeasureRow], year: int, trend: dict[int, list[MeasureRow]]
) -> dict:
    title, phrase, at_risk_head, event_head, happened = LIKELIHOOD_TEXT[key]
    rate_measure = next(r.measure for r in rows if "relative" not in r.measure)
    ratio_measure = next(r.measure for r in rows if "relative" in r.measure)
    rates, ratios = _by(rows, rate_measure), _by(rows, ratio_measure)
    groups = [*MAJOR_GROUPS, BAME]
    table_rows = [
        {
            "label": GROUP_LABELS[group],
            "cells": [
                count(rates[group].denominator),
                count(rates[group].numerator),
                cell(rates[group]),
                interval(rates[group]),
                "1 (reference)" if group == WHITE else cell(ratios.get(group), 2, ""),
                "–" if group == WHITE else interval(ratios[group], 2),
            ],
        }
        for group in groups
    ]
    shown = [ratios[g] for g in COMPARED_GROUPS if ratios[g].value is not None]
    # A ratio is a point with its interval on a log axis: bars from 0 would make 2 look twice as
    # far from parity as 0.5, which is as far.
    values = [round(r.value, 2) for r in shown if r.value is not None]
    data = [
        charts.scatter(
            mode="markers",
            name="Relative likelihood",
            x=[r.label for r in shown],
            y=values,
            error_y=_error_bars(shown),
            marker={
                "size": 13,
                "color": [COLOURS[r.group] for r in shown],
                "symbol": [SYMBOLS[r.group] for r in shown],
            },
            hovertemplate="%{x}: %{y:.2f}<extra></extra>",
        )
    ]
    bounds: list[float | None] = [*values, *(r.ci_low for r in shown), *(r.ci_high for r in shown)]
    years = sorted(trend)
    trend_data = []
    trend_values: list[float | None] = []
    for group in ("Black", "Asian", "Mixed", BAME):
        points = [_by(trend[y], ratio_measure).get(group) for y in years]
        line: list[float | None] = [
            None if p is None or p.value is None else round(p.value, 2) for p in points
        ]
        trend_values += line
        trend_data.append(_line(group, years, line))
    return {
        "key": key,
        "title": title,
        "summary": likelihood_summary(ratios, phrase, happened, year),
        "figure": figure(
            data,
            f"Likelihood {phrase}, against White staff, {year}",
            "Relative likelihood (1 = same as White staff)",
            empty=f"Too few staff {happened} in {year} to draw a comparison.",
            yaxis=charts.log_axis(bounds, "Relative likelihood (1 = same as White staff)"),
            shapes=[charts.reference_line(y=1)],
            showlegend=False,
        ),
        "table": {
            "caption": f"{title} by ethnic group, {year}",
            "head": [
                at_risk_head,
                event_head,
                "Per cent",
                "95% interval",
                "Relative likelihood",
                "95% interval",
            ],
            "rows": table_rows,
        },
        "trend_figure": figure(
            trend_data,
            f"Likelihood {phrase} against White staff, by year",
            "Relative likelihood",
            empty="There is no year with a likelihood to draw.",
            yaxis=charts.log_axis(trend_values, "Relative likelihood"),
            shapes=[charts.reference_line(y=1)],
        ),
        "trend_table": {
            "caption": f"Relative likelihood {phrase}, against White staff, by year",
            "head": [str(y) for y in years],
            "rows": [
                {
                    "label": GROUP_LABELS[group],
                    "cells": [cell(_by(trend[y], ratio_measure).get(group), 2, "") for y in years],
                }
                for group in COMPARED_GROUPS
            ],
        },
    }


def likelihood_summary(ratios: dict[str, MeasureRow], phrase: str, happened: str, year: int) -> str:
    sentences = []
    for group in ("Black", BAME):
        row = ratios.get(group)
        if row is None or row.value is None:
            continue
        name = "Black staff" if group == "Black" else "Black, Asian and minority ethnic staff"
        sentences.append(
            f"{name} were {_times(row.value)} as likely as White staff {phrase} in {year} "
            f"(95% confidence interval {row.ci_low:.2f} to {row.ci_high:.2f})." + _significance(row)
        )
    if not sentences:
        return (
            f"Too few staff {happened} in {year} to compare ethnic groups without risking "
            "identifying someone."
        )
    return " ".join(sentences)


# --- Leavers -------------------------------------------------------------------------------


NO_DATA = "no data"


def leaver_years_without_data(trend: dict[int, list[MeasureRow]]) -> set[int]:
    """Years before the first leaver the HR data records. An extract holds the staff employed
    when it was taken, so people who left before then are not in it at all: those years read
    0% though nobody knows how many left."""
    recorded = [
        year for year, rows in trend.items() if any((row.numerator or 0) > 0 for row in rows)
    ]
    first = min(recorded, default=None)
    return {year for year in trend if first is None or year < first}


def leavers_section(rows: list[MeasureRow], year: int, trend: dict[int, list[MeasureRow]]) -> dict:
    by_group = _by(rows, rows[0].measure) if rows else {}
    measure = rows[0].measure if rows else ""
    groups = [*MAJOR_GROUPS, BAME]
    years = sorted(trend)
    no_data = leaver_years_without_data(trend)
    white, bame = by_group.get(WHITE), by_group.get(BAME)
    if year in no_data:
        summary = (
            f"No leavers are recorded for {year}: the HR data holds no leaving dates that early, "
            "so no leaver rate can be given."
        )
    elif white and bame and white.value is not None and bame.value is not None:
        summary = (
            f"In {year}, {bame.value:.1f}% of Black, Asian and minority ethnic staff left the "
            f"service, against {white.value:.1f}% of White staff."
        )
    else:
        summary = f"Too few staff left in {year} to compare ethnic groups."
    return {
        "key": "leavers",
        "title": "Leavers",
        "summary": summary,
        "figure": figure(
            [
                _line(
                    group,
                    years,
                    [
                        None
                        if y in no_data
                        or (p := _by(trend[y], measure).get(group)) is None
                        or p.value is None
                        else round(p.value, 1)
                        for y in years
                    ],
                )
                for group in groups
            ],
            "Leaver rate by ethnic group and year",
            "% of staff employed in the year",
            empty="There is no year with leavers to draw.",
        ),
        "table": {
            "caption": "Leaver rate by ethnic group and year (leavers as a % of staff employed "
            "at any time in the year)",
            "head": [str(y) for y in years],
            "rows": [
                {
                    "label": GROUP_LABELS[group],
                    "cells": [
                        NO_DATA if y in no_data else cell(_by(trend[y], measure).get(group))
                        for y in years
                    ],
                }
                for group in groups
            ],
        },
        "detail_table": None
        if year in no_data
        else {
            "caption": f"Leavers by ethnic group, {year}",
            "head": ["Staff employed", "Leavers", "Leaver rate", "95% interval"],
            "rows": [
                {
                    "label": GROUP_LABELS[group],
                    "cells": [
                        count(by_group[group].denominator),
                        count(by_group[group].numerator),
                        cell(by_group[group]),
                        interval(by_group[group]),
                    ],
                }
                for group in groups
                if group in by_group
            ],
        },
    }


# --- Pay -----------------------------------------------------------------------------------


def pay_section(result: dict, year: int) -> dict:
    rows = result["rows"]
    means, medians = _by(rows, PAY_MEAN), _by(rows, PAY_MEDIAN)
    mean_gaps, median_gaps = _by(rows, PAY_GAP_MEAN), _by(rows, PAY_GAP_MEDIAN)
    disclosure = _by(rows, DISCLOSURE).get(ALL_STAFF)
    groups = [*MAJOR_GROUPS, BAME]
    table_rows = []
    for group in groups:
        mean_row, median_row = means.get(group), medians.get(group)
        if mean_row is None or median_row is None:  # a group with no pay recorded has neither
            continue
        table_rows.append(
            {
                "label": GROUP_LABELS[group],
                "cells": [
                    count(mean_row.denominator),
                    cell(mean_row, 2, "") if mean_row.suppressed else f"£{mean_row.value:,.2f}",
                    cell(median_row, 2, "")
                    if median_row.suppressed
                    else f"£{median_row.value:,.2f}",
                    "reference" if group == WHITE else cell(mean_gaps.get(group)),
                    "reference" if group == WHITE else cell(median_gaps.get(group)),
                ],
            }
        )
    shown = [g for g in COMPARED_GROUPS if median_gaps.get(g) and median_gaps[g].value is not None]
    data = [
        charts.bar(
            name=name,
            x=[GROUP_LABELS[g] for g in shown],
            y=[round(value, 1) for g in shown if (value := gaps[g].value) is not None],
            marker={"color": colour, "pattern": {"shape": pattern}},
            hovertemplate="%{x}: %{y:.1f}%<extra>" + name + "</extra>",
        )
        for name, gaps, colour, pattern in (
            ("Median pay gap", median_gaps, charts.PALETTE[0], ""),
            ("Mean pay gap", mean_gaps, charts.REFERENCE_COLOUR, "/"),
        )
    ]
    bame = median_gaps.get(BAME)
    date = long_date(result["date"])
    if bame is not None and bame.value is not None:
        direction = "lower" if bame.value >= 0 else "higher"
        summary = (
            f"For staff in post on {date}, the median hourly pay of Black, Asian and minority "
            f"ethnic staff was {abs(bame.value):.1f}% {direction} than that of White staff"
        )
        mean_gap = mean_gaps.get(BAME)
        if mean_gap is not None and mean_gap.value is not None:
            mean_direction = "lower" if mean_gap.value >= 0 else "higher"
            summary += f" (mean: {abs(mean_gap.value):.1f}% {mean_direction})"
        summary += "."
    else:
        summary = f"Too few staff with pay recorded on {date} to compare pay between ethnic groups."
    if disclosure is not None and disclosure.value is not None:
        summary += f" {disclosure.value:.1f}% of staff in post have recorded their ethnicity."
    return {
        "key": "pay",
        "title": "Ethnicity pay gap",
        "summary": summary,
        "figure": figure(
            data,
            f"Pay gap against White staff, {date}",
            "% below White staff's hourly pay",
            empty=f"Too few staff with pay recorded on {date} to draw a pay gap.",
            barmode="group",
            yaxis={"rangemode": "normal", "zeroline": True, "zerolinecolor": charts.TEXT_COLOUR},
        ),
        "table": {
            "caption": f"Hourly pay by ethnic group, staff in post on {date}",
            "head": [
                "Staff with pay recorded",
                "Mean hourly pay",
                "Median hourly pay",
                "Mean pay gap",
                "Median pay gap",
            ],
            "rows": table_rows,
        },
        "disclosure": disclosure,
    }


# --- Training ------------------------------------------------------------------------------


def training_section(result: dict, year: int) -> dict:
    target = result["target"]
    over_time = result["over_time"]
    data = [
        charts.scatter(
            mode="lines+markers",
            name="Completed training",
            x=[row.period for row in over_time],
            y=[None if row.value is None else round(row.value, 1) for row in over_time],
            line={"color": charts.PALETTE[0], "width": 2},
        )
    ]
    shapes = [] if target is None else [charts.reference_line(y=float(target.percent))]
    annotations = (
        []
        if target is None
        else [
            {
                "xref": "paper",
                "x": 0,
                "y": float(target.percent),
                "yanchor": "bottom",
                "xanchor": "left",
                "showarrow": False,
                "text": f"Target: {target.percent:.0f}% by {long_date(target.due_date)}",
            }
        ]
    )
    by = result["by"]
    tables = []
    for dimension, title in (
        ("team__locality__name", "Locality"),
        ("team__name", "Team"),
        ("ethnicity__major_group", "Ethnic group"),
    ):
        rows = by[dimension]
        tables.append(
            {
                "caption": f"Training completed by {title.lower()}, staff in post on "
                f"{long_date(result['date'])}",
                "label_head": title,
                "head": [
                    "Staff in post",
                    "Completed",
                    "Per cent",
                    "95% interval",
                    "Against target",
                ],
                "rows": [
                    {
                        "label": row.label,
                        "cells": [
                            count(row.denominator),
                            count(row.numerator),
                            cell(row),
                            interval(row),
                            _against_target(row, target),
                        ],
                    }
                    for row in rows
                    if row.denominator != 0
                ],
            }
        )
    latest = next((row for row in reversed(over_time) if row.value is not None), None)
    if latest is None:
        summary = "No anti-racist practice training has been recorded yet."
    else:
        month = dt.date.fromisoformat(f"{latest.period}-01")
        summary = (
            f"By the end of {month:%B %Y}, {latest.value:.1f}% of staff in post had completed "
            "anti-racist practice training"
        )
        if target is not None:
            summary += (
                f", against a target of {target.percent:.0f}% by {long_date(target.due_date)}"
            )
        summary += "."
        localities = [r for r in by["team__locality__name"] if r.value is not None]
        if len(localities) > 1:
            lowest = min(localities, key=lambda r: r.value)
            summary += (
                f" On {long_date(result['date'])}, the {lowest.group} locality had the lowest "
                f"completion, {lowest.value:.1f}%."
            )
    return {
        "key": "training",
        "title": "Anti-racist practice training",
        "summary": summary,
        "figure": figure(
            data,
            "Staff in post who have completed anti-racist practice training",
            "% of staff in post",
            empty="No anti-racist practice training has been recorded yet.",
            yaxis={"range": [0, 100]},
            shapes=shapes,
            annotations=annotations,
            showlegend=False,
        ),
        "over_time_table": {
            "caption": "Staff in post who had completed the training, by month",
            "label_head": "Month",
            "head": ["Staff in post", "Completed", "Per cent"],
            "rows": [
                {
                    "label": dt.date.fromisoformat(f"{row.period}-01").strftime("%B %Y"),
                    "cells": [count(row.denominator), count(row.numerator), cell(row)],
                }
                for row in over_time
            ],
        },
        "tables": tables,
        "target": target,
    }


def _against_target(row: MeasureRow, target) -> str:
    if target is None or row.value is None:
        return HIDDEN if row.suppressed else "–"
    gap = row.value - float(target.percent)
    if gap >= 0:
        return "Met"
    return f"{-gap:.1f} points below"
