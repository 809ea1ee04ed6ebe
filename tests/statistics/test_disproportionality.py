"""The cohort table's numbers, checked against scipy and hand-worked values (not the code's own)."""

import math

import pytest
from scipy import stats

from arp_portal.statistics.disproportionality import (
    Group,
    Reference,
    cohort_table,
    pathway,
    rri_sentence,
    since_when,
)
from arp_portal.statistics.intervals import Estimate

GROUPS = [
    Group("WBRI", "White British", ("WBRI",)),
    Group("WOTH", "Any other White background", ("WOTH",)),
    Group("BCRB", "Caribbean", ("BCRB",)),
    Group("BAFR", "African", ("BAFR",)),
    Group("AIND", "Indian", ("AIND",)),
]
MAJOR = [
    Group("White", "White", ("WBRI", "WOTH")),
    Group("Black", "Black", ("BCRB", "BAFR")),
    Group("Asian", "Asian", ("AIND",)),
]
WBRI = Reference("WBRI", "White British children", ("WBRI",))
UNKNOWN = ("REFU", "NOBT")
POPULATION = {"WBRI": 60_000, "WOTH": 5_000, "BCRB": 1_500, "BAFR": 4_000, "AIND": 3_000}


def exact_limits(count):
    """Exact Poisson limits from the chi-squared distribution (scipy)."""
    low = 0.0 if count == 0 else stats.chi2.ppf(0.025, 2 * count) / 2
    return low, stats.chi2.ppf(0.975, 2 * count + 2) / 2


def byar_limits(count):
    z = stats.norm.ppf(0.975)
    low = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    o = count + 1
    return low, o * (1 - 1 / (9 * o) + z / (3 * math.sqrt(o))) ** 3


def table(counts, population=POPULATION, groups=GROUPS, reference=WBRI, **kwargs):
    return cohort_table(
        counts, population, groups=groups, reference=reference, unknown_codes=UNKNOWN, **kwargs
    )


def test_rates_use_byar_at_ten_or_more_and_exact_limits_below():
    result = table({"WBRI": 420, "WOTH": 30, "BCRB": 9, "BAFR": 40, "AIND": 12})
    bcrb = result.row("BCRB")
    assert bcrb.rate.value == pytest.approx(9 / 1_500 * 10_000)  # 60.0
    low, high = exact_limits(9)
    assert bcrb.rate.low == pytest.approx(low / 1_500 * 10_000, rel=1e-6)
    assert bcrb.rate.high == pytest.approx(high / 1_500 * 10_000, rel=1e-6)
    wbri = result.row("WBRI")
    assert wbri.rate.value == pytest.approx(70.0)
    low, high = byar_limits(420)
    assert (wbri.rate.low, wbri.rate.high) == pytest.approx(
        (low / 60_000 * 10_000, high / 60_000 * 10_000)
    )


def test_relative_rate_index_and_its_interval_match_a_hand_computation():
    result = table({"WBRI": 420, "WOTH": 30, "BCRB": 45, "BAFR": 40, "AIND": 6})
    bcrb = result.row("BCRB")
    # r_BCRB = 45/1500 = 0.03; r_WBRI = 420/60000 = 0.007; RRI = 4.2857
    assert bcrb.rri.value == pytest.approx(0.03 / 0.007)
    spread = stats.norm.ppf(0.975) * math.sqrt(1 / 45 + 1 / 420)
    assert bcrb.rri.low == pytest.approx(math.exp(math.log(0.03 / 0.007) - spread))
    assert bcrb.rri.high == pytest.approx(math.exp(math.log(0.03 / 0.007) + spread))
    assert bcrb.over_represented
    assert result.row("WBRI").rri.value == pytest.approx(1.0)
    assert not result.row("WBRI").rri.excludes_one
    assert result.row("AIND").under_represented  # 6/3000 = 0.002 against 0.007


def test_disproportionality_index_is_share_of_cohort_over_share_of_population():
    counts = {"WBRI": 420, "WOTH": 30, "BCRB": 45, "BAFR": 40, "AIND": 12, "REFU": 50}
    result = table(counts)
    known = 420 + 30 + 45 + 40 + 12
    bafr = result.row("BAFR")
    assert bafr.share_of_cohort_pct == pytest.approx(40 / known * 100)
    assert bafr.share_of_population_pct == pytest.approx(4_000 / 73_500 * 100)
    assert bafr.disproportionality_index == pytest.approx((40 / known) / (4_000 / 73_500))
    assert result.unknown_count == 50
    assert result.unknown_pct == pytest.approx(50 / (known + 50) * 100)


def test_major_groups_add_up_their_codes_for_counts_and_population_alike():
    result = table({"WBRI": 420, "WOTH": 30, "BCRB": 45, "BAFR": 40, "AIND": 12}, groups=MAJOR)
    black = result.row("Black")
    assert black.count == 85
    assert black.population == 5_500
    assert black.rri.value == pytest.approx((85 / 5_500) / (420 / 60_000))


def test_against_white_and_against_all_children():
    counts = {"WBRI": 420, "WOTH": 30, "BCRB": 45, "BAFR": 40, "AIND": 12}
    white = Reference("white", "White children", ("WBRI", "WOTH"))
    result = table(counts, reference=white)
    assert result.row("BCRB").rri.value == pytest.approx((45 / 1_500) / (450 / 65_000))
    everyone = Reference("all", "all children", ("WBRI", "WOTH", "BCRB", "BAFR", "AIND"))
    result = table(counts, reference=everyone)
    assert result.row("BCRB").rri.value == pytest.approx((45 / 1_500) / (547 / 73_500))


def test_counts_of_one_to_five_are_hidden_with_a_second_cell_and_no_rate_or_ratio():
    result = table({"WBRI": 420, "WOTH": 30, "BCRB": 3, "BAFR": 40, "AIND": 12})
    bcrb = result.row("BCRB")
    assert bcrb.suppressed
    assert bcrb.rate.value is None and bcrb.rri.value is None
    assert bcrb.disproportionality_index is None and bcrb.share_of_cohort_pct is None
    # The total is shown, so one more cell is hidden: the next smallest (AIND, 12).
    assert [row.group.key for row in result.rows if row.suppressed] == ["BCRB", "AIND"]
    assert result.row("BAFR").rri.value is not None


def test_zero_is_shown_and_a_hidden_reference_hides_every_ratio():
    result = table({"WBRI": 4, "WOTH": 30, "BCRB": 0, "BAFR": 40, "AIND": 12})
    assert not result.row("BCRB").suppressed
    assert result.reference_suppressed
    assert all(row.rri.value is None for row in result.rows)
    assert result.row("BAFR").rate.value == pytest.approx(100.0)


def test_without_a_population_counts_and_shares_are_still_given():
    result = table({"WBRI": 420, "BCRB": 45}, population=None)
    assert result.row("BCRB").share_of_cohort_pct == pytest.approx(45 / 465 * 100)
    assert result.row("BCRB").rate.value is None
    assert not result.rates_shown


def test_rates_can_be_hidden_while_ratios_stay():
    result = table({"WBRI": 420, "WOTH": 30, "BCRB": 45, "BAFR": 40, "AIND": 12}, rates_shown=False)
    assert result.row("BCRB").rate.value is None
    assert result.row("BCRB").rri.value == pytest.approx(0.03 / 0.007)


def test_pathway_takes_each_stage_against_the_stage_before():
    stages = [
        ("referral", "Referral", {"WBRI": 600, "WOTH": 50, "BCRB": 60, "AIND": 20}),
        ("cin_plan", "Child in need plan", {}),  # no data: left out
        ("cp", "Child protection plan", {"WBRI": 120, "WOTH": 10, "BCRB": 18, "AIND": 4}),
        ("care", "In care", {"WBRI": 30, "WOTH": 7, "BCRB": 9, "AIND": 0}),
    ]
    result = pathway(stages, POPULATION, groups=GROUPS, reference=WBRI, unknown_codes=UNKNOWN)
    assert [stage.key for stage in result] == ["referral", "cp", "care"]
    referral, cp, care = result
    assert referral.cells["BCRB"].rri.value == pytest.approx((60 / 1_500) / (600 / 60_000))
    assert cp.against == "Referral"
    assert cp.cells["BCRB"].rri.value == pytest.approx((18 / 60) / (120 / 600))
    spread = stats.norm.ppf(0.975) * math.sqrt(1 / 9 + 1 / 30)
    rri = (9 / 18) / (30 / 120)
    assert care.cells["BCRB"].rri.low == pytest.approx(math.exp(math.log(rri) - spread))
    # AIND's 4 at CP is hidden, and WOTH's 10 with it (secondary suppression): no ratio is
    # shown for them, nor at the next stage for WOTH, whose base is the hidden 10.
    assert cp.cells["AIND"].suppressed and cp.cells["AIND"].rri.value is None
    assert cp.cells["WOTH"].suppressed
    assert not care.cells["WOTH"].suppressed and care.cells["WOTH"].rri.value is None


def test_since_when_finds_the_start_of_the_run_that_reaches_today():
    flags = [("2021", True), ("2022", False), ("2023", True), ("2024", True), ("2025", True)]
    assert since_when(flags) == "2023"
    assert since_when([("2024", True), ("2025", False)]) is None


def test_the_summary_sentence_reads_as_the_issue_words_it():
    sentence = rri_sentence(
        group_phrase="Black children",
        reference_phrase="White British children",
        outcome_phrase="to be in care on 31 March 2025",
        rri=Estimate(2.1, 1.8, 2.5),
    )
    assert sentence == (
        "Black children were 2.1 times as likely as White British children to be in care on "
        "31 March 2025 (95% CI 1.8 to 2.5)."
    )
    unsure = rri_sentence(
        group_phrase="Indian children",
        reference_phrase="White British children",
        outcome_phrase="to be in care on 31 March 2025",
        rri=Estimate(0.9, 0.7, 1.2),
    )
    assert unsure.endswith("The interval includes 1, so the difference could be chance.")
