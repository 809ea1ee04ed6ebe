"""The results' presenters are pure functions of computed results: tested here without a
database, on hand-made tables whose every figure is worked out in the test."""

from types import SimpleNamespace

import pytest

from arp_portal.statistics.intervals import newcombe_difference, wilson_interval
from surveys.results import present
from surveys.results.compute import ResponseRate, response_rates
from surveys.results.groups import DerivedOption, Group
from surveys.results.tables import Cell, GroupRow, QuestionResult, SurveyResults

ALL = Group("all", "All respondents", "all", frozenset({"WBRI", "BAFR", "AIND", ""}))
BA = Group("black_or_asian", "Black or Asian", "comparison", frozenset({"BAFR", "AIND"}))
WHITE = Group("major:White", "White", "major", frozenset({"WBRI"}))
BLACK = Group("major:Black", "Black", "major", frozenset({"BAFR"}))
ASIAN = Group("major:Asian", "Asian", "major", frozenset({"AIND"}))


def _option(code, label):
    return SimpleNamespace(pk=code, code=code, label=label, derived=False)


FREQUENCY = [
    _option("never", "Never"),
    _option("once", "Once"),
    _option("2_4", "2 to 4 times"),
    _option("5_plus", "5 times or more"),
    _option("prefer_not_to_say", "Prefer not to say"),
    DerivedOption("d:at_least_once", "at_least_once", "At least once (total)",
                  ("once", "2_4", "5_plus")),
]  # fmt: skip


def _cell(n, size):
    low, high = wilson_interval(n, size)
    return Cell(n, n / size * 100, low * 100, high * 100)


HIDDEN = Cell(None, None, None, None)


def _row(group, size, counts):
    """counts: never, once, 2-4, 5+, prefer not (None: hidden); the total is worked out."""
    cells = [HIDDEN if n is None else _cell(n, size) for n in counts]
    yes = counts[1:4]
    total = HIDDEN if None in yes else _cell(sum(yes), size)
    return GroupRow(group, size, [*cells, total])


def _question(rows, *, kind="frequency", multiple=False, options=FREQUENCY, pk=1):
    question = SimpleNamespace(
        pk=pk, text="How often?", kind=kind, is_multiple=multiple, is_demographic=False,
        is_free_text=False,
    )  # fmt: skip
    return QuestionResult(question, options, rows)


def _results(questions, sizes=()):
    return SurveyResults(
        survey=None, view="", view_label="All respondents", respondents=200,
        sizes=list(sizes), questions=questions, threshold=10,
    )  # fmt: skip


def _shown():
    return _question(
        [
            _row(ALL, 200, [130, 30, 20, 10, 10]),
            _row(BA, 100, [50, 25, 15, 5, 5]),
            _row(BLACK, 60, [30, 15, 10, 3, 2]),
            _row(ASIAN, 40, [20, 10, 5, 2, 3]),
            _row(WHITE, 100, [80, 5, 5, 5, 5]),
        ]
    )


def test_key_findings_give_the_headline_total_by_group_with_newcombe_gaps_to_white():
    [finding] = present.key_findings(_results([_shown()]))
    assert finding.measure == "Experienced it at least once"
    assert [f.label for f in finding.findings] == [
        "All respondents", "Black or Asian", "Black", "Asian", "White",
    ]  # fmt: skip
    black_or_asian = finding.black_or_asian
    assert black_or_asian.cell.count == 45 and black_or_asian.size == 100
    expected = newcombe_difference(45, 100, 15, 100)
    assert black_or_asian.gap.value == pytest.approx(30.0)
    assert black_or_asian.gap.low == pytest.approx(expected.low * 100)
    assert black_or_asian.clear and black_or_asian.verdict == "Higher than White"
    # Asian: 17 of 40 against 15 of 100: +27.5 points, interval clear of 0.
    asian = next(f for f in finding.findings if f.label == "Asian")
    assert asian.gap_text == "+27.5" and asian.clear
    assert finding.white.gap is None and finding.white.verdict == "The group compared with"
    assert finding.everyone.gap is None


def test_a_gap_whose_interval_includes_zero_is_said_to_be_no_clear_difference():
    rows = [
        _row(ALL, 60, [40, 10, 5, 2, 3]),
        _row(BA, 20, [13, 4, 2, 0, 1]),
        _row(WHITE, 40, [27, 6, 3, 2, 2]),
    ]
    [finding] = present.key_findings(_results([_question(rows)]))
    gap = finding.black_or_asian
    assert gap.gap.low < 0 < gap.gap.high
    assert not gap.clear and gap.verdict == "No clear difference"


def test_a_hidden_group_has_no_figure_and_no_gap():
    rows = [_row(ALL, 200, [130, 30, 20, 10, 10]), GroupRow(BA, None, [HIDDEN] * 6),
            _row(WHITE, 100, [80, 5, 5, 5, 5])]  # fmt: skip
    [finding] = present.key_findings(_results([_question(rows)]))
    assert finding.black_or_asian.hidden and finding.black_or_asian.gap is None


def test_the_summary_says_a_total_as_a_total_and_gives_the_gap():
    sentence = present.summary_for(_shown())
    assert sentence.startswith(
        "30.0% of all 200 respondents experienced it at least once (answering “Once”, "
        "“2 to 4 times” or “5 times or more”)."
    )
    assert "Black or Asian respondents: 45.0%; White respondents: 15.0%." in sentence
    assert "The gap, +30.0 percentage points (95% interval +17." in sentence
    assert "larger than chance would explain" in sentence


def test_no_most_common_answer_is_named_while_another_answer_is_hidden():
    options = FREQUENCY[:5]  # no total to lead with
    rows = [GroupRow(ALL, 200, [HIDDEN, _cell(30, 200), _cell(20, 200), HIDDEN, _cell(10, 200)])]
    sentence = present.summary_for(_question(rows, options=options))
    assert "most common" in sentence and "no answer is named the most common" in sentence
    assert "Once" not in sentence


def test_the_most_common_answer_is_named_when_every_answer_is_shown():
    options = FREQUENCY[:5]
    rows = [GroupRow(ALL, 200, [_cell(n, 200) for n in (130, 30, 20, 10, 10)])]
    sentence = present.summary_for(_question(rows, options=options))
    assert sentence.startswith("The most common answer was “Never”, given by 65.0% of 200")


def test_stacked_bars_draw_hidden_answers_as_a_c_segment_so_every_bar_reaches_100():
    rows = [
        _row(ALL, 200, [130, 30, 20, 10, 10]),
        _row(WHITE, 100, [80, None, None, 5, 5]),  # strict mode hid two answers
    ]
    figure = present.figure_for(_question(rows))
    names = [trace["name"] for trace in figure["data"]]
    assert "At least once (total)" not in names  # a total is never stacked on its parts
    hidden = figure["data"][-1]
    assert hidden["name"] == present.HIDDEN_LABEL
    assert hidden["x"][0] is None and hidden["x"][1] == 10.0
    assert hidden["text"] == ["", "c"]
    for group in range(2):
        assert sum(t["x"][group] or 0 for t in figure["data"]) == pytest.approx(100)


def test_multiple_choice_bars_are_grouped_and_a_hidden_answer_is_a_c_at_zero():
    options = [_option("anxiety", "Anxiety"), _option("none", "None of these")]
    rows = [GroupRow(ALL, 50, [_cell(10, 50), HIDDEN])]
    figure = present.figure_for(_question(rows, kind="multiple", multiple=True, options=options))
    assert figure["layout"]["barmode"] == "group"
    assert figure["data"][1]["x"] == [0] and figure["data"][1]["text"] == ["c"]


def test_a_survey_nobody_can_be_shown_for_draws_no_chart_and_has_one_empty_state():
    rows = [GroupRow(ALL, None, [HIDDEN] * 6), GroupRow(WHITE, None, [HIDDEN] * 6)]
    results = _results([_question(rows)])
    results.respondents = None
    page = present.results_page(results)
    assert page.too_few
    assert results.questions[0].figure["data"] == []
    assert results.questions[0].figure["empty"]


def test_response_rates_follow_the_disclosure_policy_and_the_staff_threshold():
    sizes = [GroupRow(ALL, 120, []), GroupRow(BA, 40, []), GroupRow(WHITE, 70, []),
             GroupRow(BLACK, None, []), GroupRow(ASIAN, 12, [])]  # fmt: skip
    staff = {"WBRI": 100, "BAFR": 60, "AIND": 8, "NOBT": 32}
    rates = response_rates(_results([], sizes), staff, "2025-08-11")
    by = {row.label: row for row in rates.rows}
    assert by["All respondents"].staff == 200 and by["All respondents"].rate_text == "60%"
    assert by["White"].rate_text == "70%"
    assert by["Black or Asian"].rate_text == "59%"  # 40 of 68
    assert by["Black"].rate is None  # its results are hidden: so is its rate
    assert by["Asian"].staff is None and by["Asian"].rate is None  # 8 staff: under 10
    assert ResponseRate("x", 5, 0).rate is None
    other = response_rates(
        _results([], [GroupRow(ALL, 120, []), GroupRow(Group("major:Other", "Other", "major",
                                                            frozenset({"OOTH"})), 3, [])]),
        staff, "2025-08-11",
    ).rows[1]  # fmt: skip
    assert other.staff == 0 and other.rate is None  # a known zero, not hidden
