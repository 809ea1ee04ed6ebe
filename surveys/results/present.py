"""Present: the computed results as CSV rows, key findings, plotly figures and sentences. Pure
functions of a SurveyResults (no database), unit-tested in tests/surveys/test_results_present.py.

Every sentence is made from figures the page shows: a hidden answer is never passed over as if
it did not exist (no "most common answer" while another answer is hidden), and a total of
answers is named as a total ("agree in total")."""

from dataclasses import dataclass

from arp_portal.core import charts
from arp_portal.statistics.intervals import Estimate, excludes_zero, newcombe_difference
from surveys.models import PREFER_NOT_TO_SAY
from surveys.results.groups import ALL, BLACK_OR_ASIAN, SUPPRESSED
from surveys.results.tables import Cell, GroupRow, QuestionResult, SurveyResults

WHITE = "major:White"
HIDDEN_COLOUR = "#b1b4b6"  # GOV.UK mid grey: the "c" segment
HIDDEN_LABEL = "Hidden (c)"
CHART_GROUP_KINDS = ("all", "comparison", "major")
# Totals spoken as totals: "agree in total", "at least once in total".
TOTAL_PHRASES = {
    "at_least_once": "experienced it at least once",
    "agree_total": "agree in total",
    "disagree_total": "disagree in total",
}
# The one measure a question's key finding gives, by option code (the first found).
HEADLINE_CODES = ("at_least_once", "agree_total")
# In a multiple-choice question these say "none of them", so are no headline.
NOT_A_FINDING = {PREFER_NOT_TO_SAY, "none"}


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def csv_rows(results: SurveyResults) -> list[dict]:
    """One row per question x option x group, as the exports and the retained results hold them."""
    rows = []
    for result in results.questions:
        for row in result.rows:
            for option, cell in zip(result.options, row.cells, strict=True):
                rows.append(
                    {
                        "question": result.question.text,
                        "option": option.label,
                        "group": row.group.label,
                        "group_size": SUPPRESSED if row.size is None else row.size,
                        "count": SUPPRESSED if cell.suppressed else cell.count,
                        "percent": _pct(cell.percent),
                        "ci_low": _pct(cell.ci_low),
                        "ci_high": _pct(cell.ci_high),
                        "suppressed": "true" if cell.suppressed else "false",
                    }
                )
    return rows


CSV_COLUMNS = [
    "question",
    "option",
    "group",
    "group_size",
    "count",
    "percent",
    "ci_low",
    "ci_high",
    "suppressed",
]


# --- Key findings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One group's headline figure for one measure, with its gap to White respondents."""

    key: str
    label: str
    size: int | None  # None: the group is hidden
    cell: Cell
    gap: Estimate | None  # percentage points; None for White respondents or when hidden
    is_reference: bool = False

    @property
    def hidden(self) -> bool:
        return self.size is None or self.cell.suppressed

    @property
    def clear(self) -> bool:
        return self.gap is not None and excludes_zero(self.gap)

    @property
    def gap_text(self) -> str:
        if self.gap is None or self.gap.value is None:
            return ""
        return f"{self.gap.value:+.1f}"

    @property
    def gap_interval_text(self) -> str:
        if self.gap is None or self.gap.low is None or self.gap.high is None:
            return ""
        return f"{self.gap.low:+.1f} to {self.gap.high:+.1f}"

    @property
    def verdict(self) -> str:
        """In words, never colour alone."""
        if self.is_reference:
            return "The group compared with"
        if self.gap is None or self.gap.value is None:
            return ""
        if not self.clear:
            return "No clear difference"
        return "Higher than White" if self.gap.value > 0 else "Lower than White"


@dataclass(frozen=True)
class KeyFinding:
    question_pk: int
    question: str
    measure: str  # "Experienced it at least once", "Agree in total", or an option's label
    findings: list[Finding]

    @property
    def anchor(self) -> str:
        return f"question-{self.question_pk}"

    def _of(self, key: str) -> Finding | None:
        return next((f for f in self.findings if f.key == key), None)

    # The national report's comparison, for the one-screen summary table.
    @property
    def everyone(self) -> Finding | None:
        return self._of(ALL)

    @property
    def black_or_asian(self) -> Finding | None:
        return self._of(BLACK_OR_ASIAN)

    @property
    def white(self) -> Finding | None:
        return self._of(WHITE)


def _headline_options(result: QuestionResult) -> list[int]:
    """Indexes of the options a question's key finding gives: its first headline total, or for
    multiple choice each option other than "none" and "prefer not to say"."""
    codes = [o.code for o in result.options]
    for code in HEADLINE_CODES:
        if code in codes:
            return [codes.index(code)]
    if result.question.is_multiple:
        return [i for i, code in enumerate(codes) if code not in NOT_A_FINDING]
    return []


def _gap(cell: Cell, size: int | None, white: GroupRow | None, index: int) -> Estimate | None:
    if white is None or white.size is None or size is None or cell.count is None:
        return None
    white_cell = white.cells[index]
    if white_cell.count is None or not white.size or not size:
        return None
    gap = newcombe_difference(cell.count, size, white_cell.count, white.size)
    return Estimate(*(None if v is None else v * 100 for v in (gap.value, gap.low, gap.high)))


def _measure_label(result: QuestionResult, index: int) -> str:
    option = result.options[index]
    phrase = TOTAL_PHRASES.get(option.code)
    return phrase[0].upper() + phrase[1:] if phrase else option.label


def key_findings(results: SurveyResults) -> list[KeyFinding]:
    """One headline measure per question (several for multiple choice), by group: all
    respondents, Black or Asian, each major group, then White respondents, the comparison."""
    found = []
    for result in results.questions:
        if not result.options or result.question.is_demographic:
            continue
        rows = {row.group.key: row for row in result.rows}
        white = rows.get(WHITE)
        order = [r for r in result.rows if r.group.kind in CHART_GROUP_KINDS]
        order = [r for r in order if r.group.key != WHITE and r.group.key != "not_stated"]
        order += [white] if white is not None else []
        for index in _headline_options(result):
            findings = []
            for row in order:
                cell = row.cells[index] if row.size is not None else Cell(None, None, None, None)
                reference = row.group.key == WHITE
                gap = (
                    None
                    if reference or row.group.key == ALL
                    else _gap(cell, row.size, white, index)
                )
                if row.size == 0:
                    continue
                findings.append(
                    Finding(row.group.key, row.group.label, row.size, cell, gap, reference)
                )
            found.append(
                KeyFinding(
                    result.question.pk,
                    result.question.text,
                    _measure_label(result, index),
                    findings,
                )
            )
    return found


# --- Charts ------------------------------------------------------------------------------------


def _chart_rows(result: QuestionResult) -> list[GroupRow]:
    if result.question.is_demographic:
        rows = result.rows_of("all")
    else:
        rows = result.rows_of(*CHART_GROUP_KINDS)
    return [r for r in rows if r.size]


def figure_for(result: QuestionResult) -> dict:
    """Bars of the percentage choosing each answer, one bar per group shown (groups hidden
    whole are left out: the table says "c" for them).

    Single choice: 100% stacked, and where answers are hidden (strict mode) their total is drawn
    as one grey segment labelled "c", so every bar reaches 100% and no group looks smaller than
    it is. (The segment's width is the group's size less the shown counts, both on the page.)
    Multiple choice: grouped bars, never stacked; a hidden answer is a "c" at zero."""
    rows = _chart_rows(result)
    answers = [
        (index, option)
        for index, option in enumerate(result.options)
        # A total of other answers: stacking it would count people twice.
        if not getattr(option, "derived", False)
    ]
    bars = []
    multiple = result.question.is_multiple
    for position, (index, option) in enumerate(answers):
        colour, pattern = charts.category_style(position)
        cells = [r.cells[index] for r in rows]
        bars.append(
            charts.bar(
                orientation="h",
                name=charts.wrap_title(option.label, charts.LEGEND_LINE),
                y=[r.group.label for r in rows],
                x=[
                    (0 if multiple else None) if c.percent is None else round(c.percent, 1)
                    for c in cells
                ],
                text=[SUPPRESSED if c.suppressed else "" for c in cells] if multiple else None,
                textposition="outside" if multiple else None,
                marker={"color": colour, "pattern": {"shape": pattern}},
                hovertemplate="%{y}: %{x:.1f}%<extra>" + option.label + "</extra>",
            )
        )
    if not multiple:
        hidden = []
        for row in rows:
            shown = [row.cells[i] for i, _ in answers if not row.cells[i].suppressed]
            missing = len(shown) < len(answers)
            rest = 100 - sum(c.percent or 0 for c in shown)
            hidden.append(round(max(rest, 0.0), 1) if missing else None)
        if any(v is not None for v in hidden):
            bars.append(
                charts.bar(
                    orientation="h",
                    name=HIDDEN_LABEL,
                    y=[r.group.label for r in rows],
                    x=hidden,
                    text=[SUPPRESSED if v is not None else "" for v in hidden],
                    textposition="inside",
                    insidetextanchor="middle",
                    marker={"color": HIDDEN_COLOUR, "line": {"color": "#0b0c0c", "width": 1}},
                    hovertemplate="%{y}: hidden answers, %{x:.1f}% together<extra></extra>",
                )
            )
    bars_per_group = len(answers) if multiple else 1
    return charts.figure(
        bars,
        empty="There is nothing to draw: no group's answers can be shown.",
        barmode="group" if multiple else "stack",
        height=160 + 40 * len(rows) * bars_per_group**0.5,
        xaxis={"title": {"text": "Percentage of the group"}, "range": [0, 100]},
        yaxis={"autorange": "reversed"},
    )


# --- Sentences ---------------------------------------------------------------------------------


def _quoted(labels: list[str]) -> str:
    quoted = [f"“{label}”" for label in labels]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def summary_for(result: QuestionResult) -> str:
    """A sentence or two from the figures shown for this question."""
    everyone = result.rows_of("all")[0]
    if everyone.size is None:
        return "Too few people answered for any result to be shown."
    if everyone.size == 0:
        return "Nobody has answered yet."
    pairs = list(zip(everyone.cells, result.options, strict=True))
    shown = [(c, o) for c, o in pairs if not c.suppressed]
    if not shown:
        return "Every answer is hidden because too few people gave it."
    totals = [(c, o) for c, o in shown if getattr(o, "derived", False)]
    label_of = {o.code: o.label for o in result.options}
    if totals:
        cell, top = totals[0]
        members = _quoted([label_of[code] for code in top.members])
        phrase = TOTAL_PHRASES.get(top.code, top.label.replace(" (total)", " in total").lower())
        sentence = (
            f"{cell.percent:.1f}% of all {everyone.size} respondents {phrase} "
            f"(answering {members})."
        )
    elif any(c.suppressed for c, _ in pairs):
        return (
            "Some answers are hidden because too few people gave them, so no answer is named "
            "the most common: the table gives every answer shown."
        )
    else:
        answers = [(c, o) for c, o in shown if o.code != PREFER_NOT_TO_SAY] or shown
        cell, top = max(answers, key=lambda pair: pair[0].count or 0)
        if not cell.count:
            return "Nobody chose an answer other than “Prefer not to say”."
        ties = [o.label for c, o in answers if c.count == cell.count]
        if result.question.is_multiple:
            sentence = (
                f"The answer chosen most often was {_quoted(ties)}, by {cell.percent:.1f}% of "
                f"{everyone.size} respondents."
            )
        else:
            sentence = (
                f"The most common answer was {_quoted(ties)}, given by {cell.percent:.1f}% of "
                f"{everyone.size} respondents."
            )
    index = result.options.index(top)
    return sentence + _comparison(result, index)


def _comparison(result: QuestionResult, index: int) -> str:
    rows = {r.group.key: r for r in result.rows}
    parts = []
    for key in (BLACK_OR_ASIAN, WHITE):
        row = rows.get(key)
        if row is None or row.size == 0:
            continue
        cell = row.cells[index]
        if row.size is None or cell.suppressed:
            parts.append(f"{row.group.label} respondents: hidden (too few)")
        else:
            parts.append(f"{row.group.label} respondents: {cell.percent:.1f}%")
    if not parts:
        return ""
    sentence = " " + "; ".join(parts) + "."
    black_or_asian, white = rows.get(BLACK_OR_ASIAN), rows.get(WHITE)
    if black_or_asian is None:
        return sentence
    gap = _gap(black_or_asian.cells[index], black_or_asian.size, white, index)
    if gap is None or gap.value is None or gap.low is None or gap.high is None:
        return sentence
    between = f"{gap.value:+.1f} percentage points (95% interval {gap.low:+.1f} to {gap.high:+.1f})"
    if excludes_zero(gap):
        return sentence + f" The gap, {between}, is larger than chance would explain."
    return sentence + f" The gap, {between}, could be chance: its interval includes 0."


# --- The page ----------------------------------------------------------------------------------


@dataclass
class ResultsPage:
    results: SurveyResults
    key_findings: list[KeyFinding]

    @property
    def too_few(self) -> bool:
        """Nothing to show: the view's respondents are hidden (fewer than the threshold)."""
        return self.results.respondents is None or self.results.respondents == 0


def results_page(results: SurveyResults) -> ResultsPage:
    """Figures and sentences for every question, and the key findings, once per results
    (cached results keep them)."""
    for result in results.questions:
        if result.options and result.figure is None:
            result.figure = figure_for(result)
            result.summary = summary_for(result)
    return ResultsPage(results, key_findings(results))
