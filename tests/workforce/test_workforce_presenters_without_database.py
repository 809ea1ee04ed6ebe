"""The workforce page's measures and presenters are pure functions of the data a request fetches
(selectors.WorkforceData): built here from plain records, with no database (these tests are not
marked django_db, so any query would fail them)."""

import datetime as dt
from decimal import Decimal

from dashboards.workforce import counts, measures, presenters
from dashboards.workforce.counts import Staff
from dashboards.workforce.selectors import WHOLE_WORKFORCE, WorkforceData

YEAR = 2025
DAY = dt.date(YEAR, 3, 3)


def _staff(n: int, group: str, *, events=(), grade="2_practitioner", pay="20.00", **fields):
    return [
        Staff(
            start_date=dt.date(2020, 1, 1),
            leaving_date=None,
            grade_band=grade,
            group=group,
            hourly_pay=Decimal(pay),
            events={kind: (DAY,) for kind in events},
            **fields,
        )
        for _ in range(n)
    ]


def _data(staff) -> WorkforceData:
    return WorkforceData(
        staff=tuple(staff), teams=(), populations={}, children_in_need={}, target=None
    )


def _disciplinary_data() -> WorkforceData:
    white = _staff(10, "White", events=["disciplinary_opened"]) + _staff(90, "White")
    black = _staff(12, "Black", events=["disciplinary_opened"]) + _staff(38, "Black")
    return _data(white + black)


def test_the_disciplinary_likelihood_section_reads_its_figures_from_the_rows():
    data = _disciplinary_data()
    rows = measures.likelihood(WHOLE_WORKFORCE, "disciplinary_opened", YEAR, data)
    section = presenters.likelihood_section("disciplinary", rows, YEAR, {YEAR: rows})
    black = next(row for row in section["table"]["rows"] if row["label"] == "Black")
    assert black["cells"][:3] == ["50", "12", "24.0%"]
    assert "2.40 times as likely" in section["summary"]


def test_a_group_of_fewer_than_10_is_hidden_before_any_presenter_sees_it():
    data = _data(_staff(100, "White", pay="20.00") + _staff(4, "Asian", pay="18.00"))
    result = measures.pay(WHOLE_WORKFORCE, YEAR, data)
    asian = [row for row in result["rows"] if row.group == "Asian"]
    assert asian and all(row.suppressed and row.value is None for row in asian)
    section = presenters.pay_section(result, YEAR)
    assert "18.00" not in repr(section)


def test_counts_follow_the_in_post_and_event_period_rules():
    left = Staff(dt.date(2020, 1, 1), dt.date(YEAR, 2, 28), "2_practitioner", "White")
    joined = Staff(dt.date(YEAR, 3, 1), None, "2_practitioner", "Black")
    assert left.in_post_on(dt.date(YEAR, 2, 28)) and not left.in_post_on(dt.date(YEAR, 3, 1))
    assert joined.employed_during(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    assert counts.leaver_counts([left, joined], dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)) == {
        "White": (1, 1),
        "Black": (0, 1),
    }


def test_the_median_is_postgres_percentile_cont():
    assert counts.median([1.0, 2.0, 10.0, 11.0]) == 6.0
    assert counts.median([3.0, 1.0, 2.0]) == 2.0


def _representation_summary(data: WorkforceData) -> str:
    result = measures.representation(WHOLE_WORKFORCE, YEAR, data)
    return presenters.representation_section(result, YEAR, {YEAR: result["rows"]})["summary"]


def test_representation_says_too_few_only_when_there_are_too_few():
    assert "too few staff of known ethnicity" in _representation_summary(
        _data(_staff(6, "White") + _staff(2, "Black"))
    )
    # 105 staff of known ethnicity: the share of all staff is hidden because it counts 5 people,
    # not for want of staff.
    summary = _representation_summary(_data(_staff(100, "White") + _staff(5, "Black")))
    assert "too few" not in summary
    assert "is hidden: showing it would let a group of fewer than 10 people be counted" in summary


def test_a_small_grade_hides_its_own_cells_and_what_would_give_them_away():
    """Two grades: practitioners (80 White, 40 Black) and team managers (30 White, 3 Black).
    The 3 are hidden, and so is what would pin them (the team managers' White and BAME, the
    grade's known total being shown), and in the columns a cell beside each; all staff are shown."""
    staff = (
        _staff(80, "White")
        + _staff(40, "Black")
        + _staff(30, "White", grade="4_team_manager")
        + _staff(3, "Black", grade="4_team_manager")
    )
    rows = measures.representation(WHOLE_WORKFORCE, YEAR, _data(staff))["rows"]
    shown = {(row.measure, row.group): row.numerator for row in rows if not row.suppressed}
    assert shown[("Representation: all staff", "Black")] == 43
    assert shown[("Representation: all staff", "White")] == 110
    assert ("Representation: Team manager", "Black") not in shown
    assert ("Representation: Team manager", "BAME") not in shown
    assert ("Representation: Team manager", "White") not in shown
