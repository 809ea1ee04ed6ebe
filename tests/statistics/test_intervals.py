"""Checked against scipy and against values worked out by hand, never against the code itself."""

import math

import pytest
from scipy import stats

from arp_portal.statistics.intervals import (
    disproportionality_index,
    poisson_count_interval,
    rate_interval_per_10k,
    rate_per_10k,
    relative_rate,
    risk_ratio,
    wilson_interval,
)


def _wilson_from_scipy(k, n):
    result = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return result.low, result.high


@pytest.mark.parametrize(("k", "n"), [(0, 10), (1, 10), (34, 100), (666, 1958), (50, 50), (3, 7)])
def test_wilson_interval_matches_scipy(k, n):
    low, high = wilson_interval(k, n)
    expected_low, expected_high = _wilson_from_scipy(k, n)
    assert low == pytest.approx(expected_low, abs=1e-9)
    assert high == pytest.approx(expected_high, abs=1e-9)


def test_wilson_interval_by_hand():
    # 34 of 100: p=0.34, z=1.96 -> centre 0.3460, half-width 0.0907 (worked by hand).
    low, high = wilson_interval(34, 100)
    assert (round(low, 3), round(high, 3)) == (0.255, 0.437)


def test_wilson_interval_of_nobody_is_undefined():
    assert wilson_interval(0, 0) == (None, None)


@pytest.mark.parametrize("count", [0, 1, 2, 5, 9])
def test_small_counts_use_exact_chi_squared_limits(count):
    low, high = poisson_count_interval(count)
    expected_low = 0.0 if count == 0 else stats.chi2.ppf(0.025, 2 * count) / 2
    expected_high = stats.chi2.ppf(0.975, 2 * count + 2) / 2
    assert low == pytest.approx(expected_low, rel=1e-7, abs=1e-9)
    assert high == pytest.approx(expected_high, rel=1e-7)


def test_exact_limits_for_a_count_of_one_by_hand():
    # Published OHID table: O=1 -> 0.0253 to 5.5716.
    low, high = poisson_count_interval(1)
    assert (round(low, 4), round(high, 4)) == (0.0253, 5.5716)


@pytest.mark.parametrize("count", [10, 25, 100, 1234])
def test_counts_of_ten_or_more_use_byars_method(count):
    low, high = poisson_count_interval(count)
    z = stats.norm.ppf(0.975)
    byar_low = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    o1 = count + 1
    byar_high = o1 * (1 - 1 / (9 * o1) + z / (3 * math.sqrt(o1))) ** 3
    assert (low, high) == pytest.approx((byar_low, byar_high), rel=1e-9)
    # Byar's approximation is close to the exact limits at these counts.
    assert low == pytest.approx(stats.chi2.ppf(0.025, 2 * count) / 2, rel=0.01)


def test_byar_by_hand_for_a_count_of_ten():
    # O=10: 10*(1-1/90-1.96/(3*sqrt(10)))^3 = 10*0.78229^3 = 4.787; 11*(...)^3 = 18.39.
    low, high = poisson_count_interval(10)
    assert round(low, 2) == 4.79
    assert round(high, 2) == 18.39


def test_rate_per_10k_and_its_interval():
    assert rate_per_10k(87, 10_000) == pytest.approx(87.0)
    assert rate_per_10k(399_460, 12_000_000) == pytest.approx(332.88, abs=0.01)
    low, high = rate_interval_per_10k(4, 2_000)
    assert low == pytest.approx(stats.chi2.ppf(0.025, 8) / 2 / 2_000 * 10_000)
    assert high == pytest.approx(stats.chi2.ppf(0.975, 10) / 2 / 2_000 * 10_000)
    assert rate_per_10k(3, 0) is None


def test_relative_rate_index_and_interval_by_hand():
    # Group: 40 of 2,000 (200 per 10k); reference: 100 of 20,000 (50 per 10k) -> RRI 4.
    estimate = relative_rate(40, 2_000, 100, 20_000)
    assert estimate.value == pytest.approx(4.0)
    spread = 1.959963984540054 * math.sqrt(1 / 40 + 1 / 100)
    assert estimate.low == pytest.approx(4 * math.exp(-spread))
    assert estimate.high == pytest.approx(4 * math.exp(spread))
    assert round(estimate.low, 2) == 2.77 and round(estimate.high, 2) == 5.77
    assert estimate.excludes_one


def test_relative_rate_with_no_events_is_undefined():
    assert relative_rate(0, 100, 10, 1000).value is None
    assert not relative_rate(0, 100, 10, 1000).excludes_one


def test_risk_ratio_matches_the_katz_interval():
    # 12 of 300 disciplinary vs 10 of 700: RR = 0.04/0.0142857 = 2.8.
    estimate = risk_ratio(12, 300, 10, 700)
    assert estimate.value == pytest.approx(2.8)
    se = math.sqrt(1 / 12 - 1 / 300 + 1 / 10 - 1 / 700)
    assert estimate.low == pytest.approx(2.8 * math.exp(-1.959963984540054 * se))


def test_disproportionality_index_by_hand():
    # 20% of the cohort, 5% of the population -> 4.
    assert disproportionality_index(20, 100, 500, 10_000) == pytest.approx(4.0)
    assert disproportionality_index(1, 0, 5, 10) is None


# Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 (the hybrid score
# interval), the paper's eight examples: (a/m, b/n) -> (lower, upper), to four places.
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_TABLE_II)
def test_newcombe_difference_matches_the_papers_worked_examples(counts, expected):
    from arp_portal.statistics.intervals import newcombe_difference

    estimate = newcombe_difference(*counts)
    a, m, b, n = counts
    assert estimate.value == pytest.approx(a / m - b / n)
    assert (round(estimate.low, 4), round(estimate.high, 4)) == expected


def test_newcombe_difference_worked_by_hand():
    """34 of 100 against 5 of 100, from the Wilson limits computed separately:
    34/100: 0.25462 to 0.43722 (centre (0.34 + 1.9208/100) / 1.038415 = 0.34592; half-width
    1.96 sqrt(0.002244 + 0.0000960) / 1.038415 = 0.09130). 5/100: 0.02154 to 0.11175.
    Lower 0.29 - sqrt(0.08538^2 + 0.06175^2) = 0.1846; upper 0.29 + sqrt(0.09722^2 +
    0.02846^2) = 0.3913."""
    from arp_portal.statistics.intervals import excludes_zero, newcombe_difference

    estimate = newcombe_difference(34, 100, 5, 100)
    assert estimate.low == pytest.approx(0.1846, abs=2e-4)
    assert estimate.high == pytest.approx(0.3913, abs=2e-4)
    assert excludes_zero(estimate)
    assert not excludes_zero(newcombe_difference(5, 56, 0, 29))


def test_newcombe_difference_is_undefined_for_an_empty_group():
    from arp_portal.statistics.intervals import newcombe_difference

    assert newcombe_difference(0, 0, 3, 10).value is None
