"""Survey results: counts from Postgres, suppressed with disclosure control, as tables and charts.

Three layers, each testable alone (STYLE.md): selectors ask Postgres for the counts (one GROUP BY
over the answers table); arp_portal.statistics decides what to hide and computes Wilson
intervals; this module presents the tables, the CSV rows and the Plotly figures.

Groups: all respondents; the major ethnic groups (with "prefer not to say"); "Black or Asian" set
against "White", as the national report compares them; and each detailed DfE group.

Disclosure control (docs/surveys.md): a cell for fewer than the survey's threshold is "c"; a
second cell is hidden wherever the first could be had by subtraction from a total (within a
group's answers, across the groups, and across the values of a filter); a hidden group size hides
the whole group. A filtered view (one role, grade band or locality) is suppressed together with
every other value of that filter, against the unfiltered view's decisions, so no two views can
be subtracted to reveal a hidden cell.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import plotly.graph_objects as go

from arp_portal.core import charts
from arp_portal.core.ethnicity import DFE_ETHNICITY_CODES, MajorGroup
from arp_portal.statistics.intervals import wilson_interval
from arp_portal.statistics.linked_disclosure import Constraint, suppress_linked
from surveys import publication, selectors
from surveys.models import PREFER_NOT_TO_SAY, DisclosureMode, Question, QuestionKind, Survey

SUPPRESSED = "c"
DIMENSIONS = {
    "role": QuestionKind.ROLE,
    "grade": QuestionKind.GRADE,
    "locality": QuestionKind.LOCALITY,
}
DIMENSION_LABELS = {"role": "Role", "grade": "Grade band", "locality": "Locality"}
ALL = "all"
BLACK_OR_ASIAN = "black_or_asian"
NOT_STATED = "not_stated"
MAJORS = [
    MajorGroup.WHITE,
    MajorGroup.MIXED,
    MajorGroup.ASIAN,
    MajorGroup.BLACK,
    MajorGroup.OTHER,
]


@dataclass(frozen=True)
class DerivedOption:
    """A total of several answers, as the national report gives them ("at least once")."""

    pk: str
    code: str
    label: str
    members: tuple[str, ...]  # option codes
    is_prefer_not_to_say: bool = False
    derived: bool = True


DERIVED = {
    QuestionKind.FREQUENCY: [("at_least_once", "At least once (total)", ("once", "2_4", "5_plus"))],
    QuestionKind.AGREEMENT: [
        ("agree_total", "Agree (total)", ("strongly_agree", "agree")),
        ("disagree_total", "Disagree (total)", ("disagree", "strongly_disagree")),
    ],
}


def result_options(question: Question) -> list:
    """The question's options, then any totals of them (DERIVED)."""
    options = list(question.options.all())
    codes = {o.code for o in options}
    derived = [
        DerivedOption(f"d:{code}", code, label, members)
        for code, label, members in DERIVED.get(question.kind, [])
        if set(members) <= codes
    ]
    return options + derived


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    kind: str  # all | comparison | major | detailed
    codes: frozenset


def ethnic_groups(labels: dict[str, str] | None = None) -> list[Group]:
    labels = labels or {}
    codes_of = defaultdict(set)
    detailed = []
    for code, major, default in DFE_ETHNICITY_CODES:
        if major == MajorGroup.UNKNOWN:
            continue
        codes_of[str(major)].add(code)
        detailed.append(
            Group(f"code:{code}", labels.get(code, default), "detailed", frozenset({code}))
        )
    all_codes = frozenset(c for codes in codes_of.values() for c in codes) | {""}
    groups = [Group(ALL, "All respondents", "all", all_codes)]
    groups.append(
        Group(
            BLACK_OR_ASIAN,
            "Black or Asian",
            "comparison",
            frozenset(codes_of["Black"] | codes_of["Asian"]),
        )
    )
    groups += [
        Group(f"major:{major}", str(major.label), "major", frozenset(codes_of[str(major)]))
        for major in MAJORS
    ]
    groups.append(Group(NOT_STATED, "Ethnic group not given", "major", frozenset({""})))
    return groups + detailed


def _group_constraints(groups: list[Group], key) -> list[Constraint]:
    """How the groups add up: majors (with "not given") to all, detailed to their major, and
    Black and Asian to "Black or Asian". key(group_key) makes a cell's key."""
    by_key = {g.key: g for g in groups}
    majors = [g for g in groups if g.kind == "major"]
    constraints = [Constraint(key(ALL), tuple(key(g.key) for g in majors))]
    for major in majors:
        members = tuple(
            key(g.key) for g in groups if g.kind == "detailed" and g.codes <= major.codes
        )
        if members and major.key != NOT_STATED:
            constraints.append(Constraint(key(major.key), members))
    if BLACK_OR_ASIAN in by_key:
        constraints.append(
            Constraint(key(BLACK_OR_ASIAN), (key("major:Black"), key("major:Asian")))
        )
    return constraints


@dataclass
class Cell:
    count: int | None  # None when suppressed
    percent: float | None
    ci_low: float | None
    ci_high: float | None

    @property
    def suppressed(self) -> bool:
        return self.count is None

    # One decimal place, formatted once here: the template's floatformat filter, run for
    # thousands of cells, was a fifth of the results page's time.
    @property
    def percent_text(self) -> str:
        return _one_place(self.percent)

    @property
    def ci_low_text(self) -> str:
        return _one_place(self.ci_low)

    @property
    def ci_high_text(self) -> str:
        return _one_place(self.ci_high)


def _one_place(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


@dataclass
class GroupRow:
    group: Group
    size: int | None  # None when suppressed
    cells: list[Cell]


@dataclass
class QuestionResult:
    question: Question
    options: list  # Option
    rows: list[GroupRow]
    free_text: list[tuple[str, list[str]]] = field(default_factory=list)
    figure: dict | None = None
    summary: str = ""
    waves: list[dict] = field(default_factory=list)

    def rows_of(self, *kinds: str) -> list[GroupRow]:
        return [row for row in self.rows if row.group.kind in kinds]

    @property
    def main_rows(self) -> list[GroupRow]:
        return self.rows_of("all", "comparison", "major")

    @property
    def detailed_rows(self) -> list[GroupRow]:
        return [row for row in self.rows_of("detailed") if row.size is None or row.size > 0]

    @property
    def figure_id(self) -> str:
        return f"chart-{self.question.pk}-data"


@dataclass
class SurveyResults:
    survey: Survey
    view: str
    view_label: str
    respondents: int | None
    sizes: list[GroupRow]  # group sizes, as rows with no cells
    questions: list[QuestionResult]
    threshold: int
    cache_key: str = ""
    release: object = None  # the ResultsRelease shown
    withheld: str = ""  # why nothing is shown: "until_closed" or "no_responses"

    @property
    def included(self) -> int | None:
        """How many responses the results shown include."""
        return self.release.response_count if self.release is not None else None


def view_choices(questions: list[Question]) -> list:
    """The select's choices: everyone, or one value of one filter."""
    choices: list = [("", "All respondents")]
    for dimension, kind in DIMENSIONS.items():
        question = next((q for q in questions if q.kind == kind), None)
        if question is None:
            continue
        choices.append(
            (
                DIMENSION_LABELS[dimension],
                [
                    (f"{dimension}:{'' if o.is_prefer_not_to_say else o.code}", o.label)
                    for o in question.options.all()
                ],
            )
        )
    return choices


def _parse_view(view: str, questions) -> tuple[str | None, str, list[str]]:
    """(dimension, value, every value of the dimension) for a view like "role:social_worker"."""
    if not view:
        return None, "", []
    dimension, _, value = view.partition(":")
    question = next((q for q in questions if q.kind == DIMENSIONS.get(dimension)), None)
    if question is None:
        raise ValueError(f"No such view: {view}")
    values = ["" if o.is_prefer_not_to_say else o.code for o in question.options.all()]
    if value not in values:
        raise ValueError(f"No such view: {view}")
    return dimension, value, values


def _size_counts(raw_sizes, groups, views) -> dict:
    counts = {}
    for view in views:
        by_code = defaultdict(int)
        for (code, value), n in raw_sizes.items():
            if view is None or value == view:
                by_code[code] += n
        for group in groups:
            counts[("size", view, group.key)] = sum(by_code[c] for c in group.codes)
    return counts


def _suppress_sizes(counts, groups, views, threshold, *, fixed=None, base_groups=None):
    constraints = []
    # With a filter, the unfiltered view's equations are included too (its cells are fixed), so
    # the audit sees every way the published numbers add up.
    for view in views if fixed is None else [*views, None]:
        view_groups = base_groups if view is None and base_groups else groups
        constraints += _group_constraints(view_groups, lambda g, v=view: ("size", v, g))
    if fixed is not None:
        for group in groups:
            constraints.append(
                Constraint(
                    ("size", None, group.key),
                    tuple(("size", v, group.key) for v in views),
                )
            )
        counts = {**counts, **{k: v for k, v in fixed["counts"].items() if k[0] == "size"}}
    return suppress_linked(
        counts, constraints, threshold, fixed=fixed["hidden"] if fixed else None, keep=_headline
    )


HEADLINE_GROUPS = {ALL, BLACK_OR_ASIAN, "major:White"}


def _headline(key) -> int:
    """How much a cell is worth keeping: the totals the national report leads with ("at least
    once", "agree") most, then the all / Black or Asian / White comparison. Where a further cell
    must be hidden, the others go first."""
    option = key[3] if len(key) == 5 else None
    derived = isinstance(option, str) and option.startswith("d:")
    return 2 * derived + (key[-1] in HEADLINE_GROUPS)


def _question_groups(question: Question, groups: list[Group]) -> list[Group]:
    # Who people are is not broken down by who people are: demographics show all respondents.
    return groups if not question.is_demographic else [groups[0]]


def _suppress_question(
    question, groups, views, counts, hidden_sizes, threshold, fixed=None, base_groups=None
):
    """Decide, for one question in every view, which cells to hide."""
    constraints = []
    options = result_options(question)
    real = [o for o in options if not getattr(o, "derived", False)]
    derived = [o for o in options if getattr(o, "derived", False)]
    option_ids = [o.pk for o in options]
    pk_of = {o.code: o.pk for o in real}
    fixed_status = dict(fixed or {})
    for view in views if fixed is None else [*views, None]:
        # The unfiltered view (fixed) brings all its equations, detailed groups included.
        view_groups = base_groups if view is None and base_groups else groups
        for group in view_groups:
            size_key = ("size", view, group.key)
            fixed_status[size_key] = size_key in hidden_sizes
            cells = [("cell", view, question.pk, o, group.key) for o in option_ids]
            if counts[size_key] == 0:
                # Nobody in the group: every answer is a known zero.
                fixed_status.update({cell: False for cell in cells})
                continue
            if size_key in hidden_sizes:
                fixed_status.update({cell: True for cell in cells})
                if question.is_multiple:
                    fixed_status.update({("not",) + c[1:]: True for c in cells})
                continue
            if question.is_multiple:
                for cell in cells:
                    constraints.append(Constraint(size_key, (cell, ("not",) + cell[1:])))
            else:
                constraints.append(
                    Constraint(
                        size_key, tuple(("cell", view, question.pk, o.pk, group.key) for o in real)
                    )
                )
            if derived and not question.is_multiple:
                # The totals with the answers they leave out also add up to the group: without
                # this, "prefer not to say" = size - never - "at least once" would be open.
                in_a_total = {code for total in derived for code in total.members}
                constraints.append(
                    Constraint(
                        size_key,
                        tuple(
                            ("cell", view, question.pk, o.pk, group.key)
                            for o in [*derived, *(o for o in real if o.code not in in_a_total)]
                        ),
                    )
                )
            for total in derived:
                constraints.append(
                    Constraint(
                        ("cell", view, question.pk, total.pk, group.key),
                        tuple(
                            ("cell", view, question.pk, pk_of[code], group.key)
                            for code in total.members
                        ),
                    )
                )
        for option in option_ids:
            kinds = ("cell", "not") if question.is_multiple else ("cell",)
            for kind in kinds:
                constraints += _group_constraints(
                    view_groups, lambda g, v=view, o=option, k=kind: (k, v, question.pk, o, g)
                )
    if fixed is not None:
        for group in groups:
            for option in option_ids:
                kinds = ("cell", "not") if question.is_multiple else ("cell",)
                for kind in kinds:
                    constraints.append(
                        Constraint(
                            (kind, None, question.pk, option, group.key),
                            tuple((kind, v, question.pk, option, group.key) for v in views),
                        )
                    )
    return suppress_linked(counts, constraints, threshold, fixed=fixed_status, keep=_headline)


def _answer_counts(question, groups, views, raw_answers, size_counts) -> dict:
    counts = {}
    for view in views:
        by = defaultdict(int)
        for (_question, o, code, value), n in raw_answers.get(question.pk, {}).items():
            if view is None or value == view:
                by[(o, code)] += n
        options = result_options(question)
        pk_of = {o.code: o.pk for o in options}
        for option in options:
            members = (
                [pk_of[code] for code in option.members]
                if getattr(option, "derived", False)
                else [option.pk]
            )
            for group in groups:
                n = sum(by[(pk, c)] for pk in members for c in group.codes)
                counts[("cell", view, question.pk, option.pk, group.key)] = n
                if question.is_multiple:
                    size = size_counts[("size", view, group.key)]
                    counts[("not", view, question.pk, option.pk, group.key)] = size - n
    return counts


def _by_question(raw_answers):
    grouped = defaultdict(dict)
    for key, n in raw_answers.items():
        grouped[key[0]][key] = n
    return grouped


def filter_values(questions) -> dict[str, list[str]]:
    """Each filter's values ("" for "prefer not to say"), for the filters the survey asks."""
    values = {}
    for dimension, kind in DIMENSIONS.items():
        question = next((q for q in questions if q.kind == kind), None)
        if question is not None:
            values[dimension] = [
                "" if o.is_prefer_not_to_say else o.code for o in question.options.all()
            ]
    return values


def _choice_questions(questions) -> list[Question]:
    return [q for q in questions if not q.is_free_text and q.kind != QuestionKind.ETHNICITY]


def _groups_decided(questions, groups, dimension, value, release, raw_answers):
    """Group mode: the release's decision (taken over every view at once, and audited) says
    which groups are hidden; every answer of every other group is shown."""
    view_key = f"{dimension}:{value}" if dimension else None
    shown_view = value if dimension else None
    groups = publication.groups_in(view_key, groups)
    lattice = {publication.key_from_text(k): n for k, n in release.group_sizes.items()}
    hidden_groups = {publication.key_from_text(k) for k in release.hidden_groups}
    size_counts = {("size", shown_view, g.key): lattice[(view_key, g.key)] for g in groups}
    hidden_sizes = {
        ("size", shown_view, g.key) for g in groups if (view_key, g.key) in hidden_groups
    }
    decided = {}
    for question in _choice_questions(questions):
        qgroups = _question_groups(question, groups)
        counts = _answer_counts(question, qgroups, [shown_view], raw_answers, size_counts)
        hidden = {key for key in counts if ("size", shown_view, key[-1]) in hidden_sizes}
        decided[question.pk] = (counts, hidden)
    return groups, decided, size_counts, hidden_sizes, shown_view


def _cells_decided(questions, groups, dimension, value, values, release, raw_answers):
    """Strict mode: cell-level suppression within and across the tables (ADR 011)."""
    threshold = release.threshold
    raw_sizes = selectors.group_sizes(release, by=dimension)

    # The unfiltered view first: its decisions are fixed for every filtered view.
    size_counts = _size_counts(raw_sizes, groups, [None])
    hidden_sizes = _suppress_sizes(size_counts, groups, [None], threshold)
    decided = {}
    for question in _choice_questions(questions):
        qgroups = _question_groups(question, groups)
        counts = {
            **size_counts,
            **_answer_counts(question, qgroups, [None], raw_answers, size_counts),
        }
        hidden = _suppress_question(question, qgroups, [None], counts, hidden_sizes, threshold)
        decided[question.pk] = (counts, hidden)

    shown_view = None
    if dimension:
        # Detailed groups are not broken down by role, grade or locality: nearly every cell would
        # be "c", and each would be one more way to subtract.
        all_groups = groups
        groups = [g for g in groups if g.kind != "detailed"]
        views = values
        view_sizes = _size_counts(raw_sizes, groups, views)
        fixed_sizes = {
            "counts": size_counts,
            "hidden": {k: k in hidden_sizes for k in size_counts},
        }
        hidden_view_sizes = _suppress_sizes(
            view_sizes, groups, views, threshold, fixed=fixed_sizes, base_groups=all_groups
        )
        for question in list(decided):
            q = next(q for q in questions if q.pk == question)
            qgroups = _question_groups(q, groups)
            base_counts, base_hidden = decided[question]
            counts = _answer_counts(q, qgroups, views, raw_answers, {**view_sizes})
            counts.update(base_counts)
            counts.update({k: v for k, v in view_sizes.items()})
            counts.update(size_counts)
            fixed = {k: k in base_hidden for k in base_counts}
            fixed.update({k: k in hidden_sizes for k in size_counts})
            hidden = _suppress_question(
                q,
                qgroups,
                views,
                counts,
                hidden_view_sizes,
                threshold,
                fixed=fixed,
                base_groups=_question_groups(q, all_groups),
            )
            decided[question] = (counts, hidden)
        size_counts, hidden_sizes, shown_view = view_sizes, hidden_view_sizes, value
    return groups, decided, size_counts, hidden_sizes, shown_view


def compute(
    survey: Survey, *, view: str = "", questions=None, release=None, labels=None
) -> SurveyResults:
    """Every question's suppressed table for one view ("" for all respondents), from the
    release the results show (services.results_release_current)."""
    from surveys import services

    questions = questions if questions is not None else selectors.survey_questions(survey)
    dimension, value, values = _parse_view(view, questions)
    if release is None:
        release = services.results_release_current(survey=survey, questions=questions)
    labels = labels if labels is not None else selectors.ethnicity_labels()
    groups = ethnic_groups(labels)
    label = _view_label(questions, dimension, value)
    if release is None:
        return SurveyResults(
            survey=survey,
            view=view,
            view_label=label,
            respondents=None,
            sizes=[],
            questions=[],
            threshold=survey.reporting_threshold,
            withheld="until_closed" if survey.results_hidden_until_closed else "no_responses",
        )
    threshold = release.threshold
    raw_answers = _by_question(selectors.answer_counts(release, by=dimension))
    if survey.disclosure_mode == DisclosureMode.CELLS:
        decided_by = _cells_decided(
            questions, groups, dimension, value, values, release, raw_answers
        )
    else:
        decided_by = _groups_decided(questions, groups, dimension, value, release, raw_answers)
    groups, decided, size_counts, hidden_sizes, shown_view = decided_by

    def size_of(group):
        key = ("size", shown_view, group.key)
        return None if key in hidden_sizes else size_counts[key]

    size_rows = [GroupRow(group, size_of(group), []) for group in groups]
    results = []
    for question in questions:
        if question.pk not in decided:
            if question.is_free_text and not dimension:
                results.append(
                    QuestionResult(
                        question,
                        [],
                        [],
                        free_text=_free_text(survey, question, groups, size_of),
                    )
                )
            continue
        counts, hidden = decided[question.pk]
        options = result_options(question)
        rows = []
        for group in _question_groups(question, groups):
            size = size_of(group)
            cells = []
            for option in options:
                key = ("cell", shown_view, question.pk, option.pk, group.key)
                if key in hidden or size is None:
                    cells.append(Cell(None, None, None, None))
                    continue
                n = counts[key]
                low, high = wilson_interval(n, size) if size else (None, None)
                cells.append(
                    Cell(
                        n,
                        n / size * 100 if size else None,
                        low * 100 if low is not None else None,
                        high * 100 if high is not None else None,
                    )
                )
            rows.append(GroupRow(group, size, cells))
        result = QuestionResult(question, options, rows)
        result.figure = figure_for(result)
        result.summary = summary_for(result)
        results.append(result)

    return SurveyResults(
        survey=survey,
        view=view,
        view_label=label,
        respondents=size_of(groups[0]),
        sizes=size_rows,
        questions=results,
        threshold=threshold,
        release=release,
    )


def _view_label(questions, dimension, value) -> str:
    if not dimension:
        return "All respondents"
    option_label = dict(
        (code.partition(":")[2], text)
        for _, items in view_choices(questions)[1:]
        for code, text in items
        if code.startswith(f"{dimension}:")
    )
    return f"{DIMENSION_LABELS[dimension]}: {option_label.get(value, value)}"


def _free_text(survey, question, groups, size_of) -> list[tuple[str, list[str]]]:
    """Approved (moderated) answers, under the respondent's major group, only for groups shown
    and at or above the free-text threshold."""
    threshold = survey.free_text_threshold
    by_group = defaultdict(list)
    majors = [g for g in groups if g.kind == "major"]
    for question_id, code, text in selectors.approved_free_text(survey):
        if question_id != question.pk:
            continue
        group = next((g for g in majors if code in g.codes), None)
        size = size_of(group) if group is not None else None
        if size is None or size < threshold:
            continue
        by_group[group.label].append(text)
    return [(g.label, by_group[g.label]) for g in majors if by_group.get(g.label)]


# --- Presenting --------------------------------------------------------------------------------


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
CHART_GROUP_KINDS = ("all", "comparison", "major")


def figure_for(result: QuestionResult) -> dict:
    """A horizontal stacked bar of the percentage choosing each answer, one bar per group shown."""
    rows = [r for r in result.rows_of(*CHART_GROUP_KINDS) if r.size is not None]
    if result.question.is_demographic:
        rows = result.rows_of("all")
    shown = [r for r in rows if any(not c.suppressed for c in r.cells)]
    bars = []
    answers = [
        (index, option)
        for index, option in enumerate(result.options)
        # A total of other answers: stacking it would count people twice.
        if not getattr(option, "derived", False)
    ]
    for position, (index, option) in enumerate(answers):
        colour, pattern = charts.category_style(position)
        bars.append(
            go.Bar(
                orientation="h",
                name=option.label,
                y=[r.group.label for r in shown],
                x=[
                    None if r.cells[index].percent is None else round(r.cells[index].percent, 1)
                    for r in shown
                ],
                marker={"color": colour, "pattern": {"shape": pattern}},
                hovertemplate="%{y}: %{x:.1f}%<extra>" + option.label + "</extra>",
            )
        )
    bars_per_group = len(answers) if result.question.is_multiple else 1
    return charts.figure(
        bars,
        empty="There is nothing to draw: no group's answers can be shown.",
        barmode="group" if result.question.is_multiple else "stack",
        height=160 + 40 * len(shown) * bars_per_group**0.5,
        xaxis={"title": {"text": "Percentage of the group"}, "range": [0, 100]},
        yaxis={"autorange": "reversed"},
    )


def summary_for(result: QuestionResult) -> str:
    everyone = result.rows_of("all")[0]
    if everyone.size is None:
        return "Too few people answered for any result to be shown."
    if everyone.size == 0:
        return "Nobody has answered yet."
    shown = [
        (c, o) for c, o in zip(everyone.cells, result.options, strict=True) if not c.suppressed
    ]
    if not shown:
        return "Every answer is hidden because too few people gave it."
    headline = [(c, o) for c, o in shown if getattr(o, "derived", False)]
    answers = [(c, o) for c, o in shown if o.code != PREFER_NOT_TO_SAY] or shown
    if headline:
        top_cell, top = headline[0]
        sentence = (
            f"{top_cell.percent:.1f}% of all {everyone.size} respondents answered "
            f"“{top.label.replace(' (total)', '')}”."
        )
    else:
        top_cell, top = max(answers, key=lambda pair: pair[0].count)
        if not top_cell.count:
            return "Nobody chose an answer other than “Prefer not to say”, where that is shown."
        sentence = (
            f"The most common answer was “{top.label}”, given by {top_cell.percent:.1f}% of "
            f"{everyone.size} respondents."
        )
    comparison = {r.group.key: r for r in result.rows}
    parts = []
    for key in (BLACK_OR_ASIAN, "major:White"):
        row = comparison.get(key)
        if row is None:
            continue
        cell = row.cells[result.options.index(top)]
        if cell.percent is None:
            continue
        if cell.suppressed:
            parts.append(f"{row.group.label} respondents: hidden (too few)")
        else:
            parts.append(f"{row.group.label} respondents: {cell.percent:.1f}%")
    if parts:
        sentence += " " + "; ".join(parts) + "."
    return sentence


COMPARED_GROUPS = (ALL, BLACK_OR_ASIAN, "major:White")


def _wave_cells(wave: Survey) -> dict[tuple[str, str, str], str]:
    """(question code, option code, group key) -> shown percentage or "c", for one wave."""
    questions = selectors.survey_questions(wave)
    cells = {}
    published = getattr(wave, "published", None) if wave.responses_deleted_on else None
    if published is not None:
        code_of = {q.text: q for q in questions}
        group_key = {g.label: g.key for g in ethnic_groups()}
        for row in published.rows:
            question = code_of.get(row["question"])
            if question is None:
                continue
            option = next((o for o in result_options(question) if o.label == row["option"]), None)
            key = group_key.get(row["group"])
            if option and key in COMPARED_GROUPS:
                value = SUPPRESSED if row["suppressed"] == "true" else row["percent"]
                cells[(question.code, option.code, key)] = value
        return cells
    if wave.responses_deleted_on:
        return cells
    computed = compute_cached(wave, questions=questions)
    for result in computed.questions:
        for row in result.rows:
            if row.group.key not in COMPARED_GROUPS:
                continue
            for option, cell in zip(result.options, row.cells, strict=True):
                value = SUPPRESSED if cell.suppressed else _pct(cell.percent)
                cells[(result.question.code, option.code, row.group.key)] = value
    return cells


def wave_comparison(survey: Survey, current: SurveyResults) -> list[Survey]:
    """Attach to each question the same question's percentages in the earlier waves.

    Returns the waves compared, oldest first (empty when this is the first wave)."""
    earlier = selectors.survey_waves(survey)[:-1]
    if not earlier:
        return []
    by_wave = [(wave, _wave_cells(wave)) for wave in earlier]
    labels = {g.key: g.label for g in ethnic_groups()}
    for result in current.questions:
        if not result.options or result.question.is_demographic:
            continue
        rows = []
        for group_key in COMPARED_GROUPS:
            current_row = next((r for r in result.rows if r.group.key == group_key), None)
            for wave, cells in by_wave:
                values = [
                    cells.get((result.question.code, o.code, group_key)) for o in result.options
                ]
                if any(v is not None for v in values):
                    rows.append(
                        {
                            "group": labels[group_key],
                            "wave": wave.title,
                            "values": [v if v is not None else "not asked" for v in values],
                        }
                    )
            if current_row is not None and rows:
                rows.append(
                    {
                        "group": labels[group_key],
                        "wave": survey.title,
                        "values": [
                            SUPPRESSED if c.suppressed else _pct(c.percent)
                            for c in current_row.cells
                        ],
                    }
                )
        result.waves = rows
    return earlier


def compute_cached(survey: Survey, *, view: str = "", questions=None) -> SurveyResults:
    """compute(), kept in Django's cache under a key that changes with every write that affects
    the results (Survey.results_version, bumped by services.results_changed) and with the
    release shown: a closed survey's results are worked out once."""
    from django.conf import settings
    from django.core.cache import cache

    from surveys import services

    release = services.results_release_current(survey=survey, questions=questions)
    seconds = settings.SURVEY_RESULTS_CACHE_SECONDS
    if not seconds or release is None:
        return compute(survey, view=view, questions=questions, release=release)
    # The survey's results_version as read just now (not only the release's: a moderation
    # edit reaches the page before the worker has made the next release).
    version = getattr(release, "read_at_version", release.checked_version)
    key = f"survey-results:{survey.pk}:{view}:{version}:{release.number}:{release.threshold}"
    computed = cache.get(key)
    if computed is None:
        computed = compute(survey, view=view, questions=questions, release=release)
        computed.cache_key = key
        cache.set(key, computed, timeout=seconds)
    return computed
