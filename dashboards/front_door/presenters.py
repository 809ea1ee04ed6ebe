"""Turns the front door's table into what the page and downloads show: formatted tables with "c"
for hidden counts, Plotly figures (plain dicts for plotly.js) and plain-English sentences.
Pure functions of data already fetched."""

from dataclasses import dataclass

from arp_portal.core import charts
from arp_portal.statistics.front_door import ALL, UNKNOWN, FrontDoorRow, FrontDoorTable, Share
from arp_portal.statistics.intervals import Estimate

SUPPRESSED = "c"
OUTCOME_LABELS = {
    "nfa": "No further action",
    "advice": "Information and advice",
    "early_help": "Early help",
    "referral": "Referral",
}


def period_label(year: int) -> str:
    """2026 -> "2025-26" (the year from 1 April 2025 to 31 March 2026)."""
    return f"{year - 1}-{str(year)[-2:]}"


def _count(value: int, hidden: bool) -> str:
    return SUPPRESSED if hidden else f"{value:,}"


def _share(item: Share | None, hidden_marker: bool = True) -> str:
    if item is None:
        return SUPPRESSED if hidden_marker else ""
    if item.estimate.value is None:
        return ""
    e = item.estimate
    return f"{e.value:.1f}% ({e.low:.1f} to {e.high:.1f})"


def _ratio(e: Estimate) -> str:
    return "" if e.value is None else f"{e.value:.2f} ({e.low:.2f} to {e.high:.2f})"


def _rate(e: Estimate) -> str:
    return "" if e.value is None else f"{e.value:.1f} ({e.low:.1f} to {e.high:.1f})"


@dataclass
class Table:
    caption: str
    head: list[str]
    rows: list[dict]
    label_head: str = "Ethnic group"


def decisions_table(table: FrontDoorTable, period: str) -> Table:
    rows = []
    for row in table.rows:
        ratio = ""
        if row.key not in (UNKNOWN, ALL):
            ratio = _ratio(row.decision_ratio) or (SUPPRESSED if _ratio_hidden(row, table) else "")
        rows.append(
            {
                "label": row.label,
                "cells": [
                    _count(row.contacts, row.contacts_hidden),
                    "" if row.key == UNKNOWN else _rate(row.rate),
                    _share(row.early_help),
                    _share(row.referral),
                    ratio,
                ],
            }
        )
    return Table(
        caption=f"Contacts and what was decided, {period}",
        head=[
            "Contacts",
            "Per 10,000 children (95% CI)",
            "Led to early help (95% CI)",
            "Led to a referral (95% CI)",
            f"Early help rather than referral, against {table.reference.label} (95% CI)",
        ],
        rows=rows,
    )


def _ratio_hidden(row: FrontDoorRow, table: FrontDoorTable) -> bool:
    return (
        table.reference_hidden or row.outcome_hidden["early_help"] or row.outcome_hidden["referral"]
    )


def outcomes_table(table: FrontDoorTable, period: str) -> Table:
    rows = []
    for row in table.rows:
        cells = [_count(row.outcome_counts[o], row.outcome_hidden[o]) for o in OUTCOME_LABELS]
        cells.append(_count(row.contacts, row.contacts_hidden))
        rows.append({"label": row.label, "cells": cells})
    return Table(
        caption=f"Decisions at contact (number of contacts), {period}",
        head=[*OUTCOME_LABELS.values(), "All contacts"],
        rows=rows,
    )


def follow_up_table(table: FrontDoorTable, period: str) -> Table:
    rows = []
    for row in table.rows:
        rows.append(
            {
                "label": row.label,
                "cells": [
                    _share(row.repeats),
                    _count(row.early_help_starts, row.early_help_starts_hidden),
                    _share(row.step_up),
                ],
            }
        )
    return Table(
        caption=f"Repeat contacts and early help, {period}",
        head=[
            "Repeat contacts within 12 months (95% CI)",
            "Early help episodes started",
            "Early help closed that stepped up to social care (95% CI)",
        ],
        rows=rows,
    )


def shares_figure(table: FrontDoorTable) -> dict:
    """Grouped bars: the share of each group's contacts leading to early help and to a referral,
    with 95% intervals."""
    groups = [r for r in table.rows if r.key not in (UNKNOWN,)]
    bars = []
    for index, (name, attribute) in enumerate(
        [("Led to early help", "early_help"), ("Led to a referral", "referral")]
    ):
        shown = [(r, getattr(r, attribute)) for r in groups]
        shown = [(r, s) for r, s in shown if s is not None and s.estimate.value is not None]
        values = [round(s.estimate.value, 1) for _, s in shown]
        colour, pattern = charts.category_style(index)
        bars.append(
            charts.bar(
                orientation="h",
                name=name,
                y=[r.label for r, _ in shown],
                x=values,
                marker={"color": colour, "pattern": {"shape": pattern}},
                error_x=charts.error_bars(
                    values,
                    [s.estimate.low for _, s in shown],
                    [s.estimate.high for _, s in shown],
                    places=1,
                ),
                hovertemplate="%{y}: %{x}%<extra>" + name + "</extra>",
            )
        )
    return charts.figure(
        bars,
        empty="There is nothing to draw: no group's decisions can be shown for this period.",
        barmode="group",
        height=max(300, 48 * len(groups) + 120),
        xaxis={"title": {"text": "% of contacts (95% confidence interval)"}, "rangemode": "tozero"},
        yaxis={"autorange": "reversed"},
    )


def ratio_figure(table: FrontDoorTable) -> dict:
    """The decision-point ratio of each group against the reference, on a log axis with parity
    (1) marked."""
    shown = [r for r in table.rows if r.decision_ratio.value is not None]
    return charts.ratio_figure(
        [r.label for r in shown],
        [round(r.decision_ratio.value or 0.0, 2) for r in shown],
        [r.decision_ratio.low for r in shown],
        [r.decision_ratio.high for r in shown],
        name="Early help rather than referral",
        axis_title=f"Early help rather than referral, against {table.reference.label} (log scale)",
        empty="There is no ratio to draw: no group can be compared with "
        f"{table.reference.label} for this period.",
        marker={"size": 11, "color": charts.PALETTE[0]},
        height=max(280, 32 * len(shown) + 100),
    )


def summary_sentences(table: FrontDoorTable, period: str, group_phrase) -> list[str]:
    """The headline, then one sentence per group whose decision-point ratio is clearly away
    from 1 (its interval excludes 1), furthest below 1 first."""
    everyone = table.row(ALL)
    sentences = []
    if everyone is None or not everyone.contacts:
        return [f"There were no contacts in {period}."]
    if everyone.early_help is not None and everyone.referral is not None:
        sentences.append(
            f"In {period} the front door had {everyone.contacts:,} contacts: "
            f"{everyone.early_help.estimate.value:.0f}% led to early help and "
            f"{everyone.referral.estimate.value:.0f}% to a referral to children's social care."
        )
    if table.reference_hidden:
        sentences.append(
            f"No ratio is shown: the number of {table.reference.label} reaching early help or "
            "a referral is too small to show."
        )
        return sentences
    flagged = [
        r for r in table.rows if r.decision_ratio.excludes_one and r.key not in (UNKNOWN, ALL)
    ]
    flagged.sort(key=lambda r: r.decision_ratio.value or 0.0)
    for row in flagged:
        e = row.decision_ratio
        how = "less" if (e.value or 0.0) < 1 else "more"
        sentences.append(
            f"Contacts about {group_phrase(row)} were {e.value:.1f} times as likely as those "
            f"about {table.reference.label} to lead to early help rather than a referral "
            f"(95% CI {e.low:.1f} to {e.high:.1f}): {how} often guided to early help."
        )
    if not flagged:
        sentences.append(
            f"No group's contacts were guided to early help rather than a referral more or "
            f"less often than those about {table.reference.label} by more than chance would "
            "explain (every interval includes 1)."
        )
    return sentences


EXPORT_COLUMNS = ["measure", "period", "group", "numerator", "denominator", "value", "ci_low",
                  "ci_high", "suppressed"]  # fmt: skip


def export_rows(table: FrontDoorTable, period: str) -> list[list]:
    def round_or_none(value, places):
        return None if value is None else round(value, places)

    def share_row(measure, row, item: Share | None):
        if item is None:
            return [measure, period, row.label, None, None, None, None, None, True]
        e = item.estimate
        return [measure, period, row.label, item.count, item.total, round_or_none(e.value, 1),
                round_or_none(e.low, 1), round_or_none(e.high, 1), False]  # fmt: skip

    rows = []
    for row in table.rows:
        rows.append(
            ["contacts", period, row.label, None if row.contacts_hidden else row.contacts, None,
             None if row.contacts_hidden else row.contacts, None, None, row.contacts_hidden]
        )  # fmt: skip
        if row.key != UNKNOWN and (row.rate.value is not None or row.contacts_hidden):
            hidden = row.rate.value is None
            rows.append(
                ["contacts_per_10000", period, row.label, None if hidden else row.contacts, None,
                 round_or_none(row.rate.value, 1), round_or_none(row.rate.low, 1),
                 round_or_none(row.rate.high, 1), hidden]
            )  # fmt: skip
        rows.append(share_row("share_early_help", row, row.early_help))
        rows.append(share_row("share_referral", row, row.referral))
        if row.key not in (UNKNOWN, ALL):
            e = row.decision_ratio
            rows.append(
                ["early_help_rather_than_referral_ratio", period, row.label, None, None,
                 round_or_none(e.value, 3), round_or_none(e.low, 3), round_or_none(e.high, 3),
                 e.value is None and _ratio_hidden(row, table)]
            )  # fmt: skip
        rows.append(share_row("share_repeat_contacts", row, row.repeats))
        rows.append(share_row("share_early_help_stepped_up", row, row.step_up))
    return rows
