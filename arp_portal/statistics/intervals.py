"""Rates, confidence intervals and ratios, with the formulas' sources.

Conventions: a function returns None (or a pair of None) where the quantity is undefined, e.g. a
rate with no population or a ratio with a zero count, rather than raising or returning inf.
"""

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal


@dataclass(frozen=True)
class Estimate:
    value: float | None
    low: float | None
    high: float | None

    @property
    def excludes_one(self) -> bool:
        """True when the whole interval lies above or below 1 (a ratio's parity)."""
        if self.low is None or self.high is None:
            return False
        return self.low > 1 or self.high < 1


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float | None, float | None]:
    """Wilson score interval for a proportion, as a pair of proportions between 0 and 1."""
    if n <= 0:
        return None, None
    if not 0 <= successes <= n:
        raise ValueError(f"successes ({successes}) must lie between 0 and n ({n})")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def _gamma_cdf_integer_shape(x: float, shape: int) -> float:
    """P(Gamma(shape, 1) <= x) for a whole-number shape: the Poisson tail P(Poisson(x) >= shape)."""
    if x <= 0:
        return 0.0
    term = math.exp(-x)
    below = term
    for i in range(1, shape):
        term *= x / i
        below += term
    return max(0.0, 1.0 - below)


def _gamma_quantile_integer_shape(p: float, shape: int) -> float:
    """Inverse of the above by bisection (monotone, so bisection is exact enough and simple)."""
    low, high = 0.0, max(10.0, 4.0 * shape + 40.0)
    for _ in range(200):
        middle = (low + high) / 2
        if _gamma_cdf_integer_shape(middle, shape) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def poisson_count_interval(count: int, z: float = Z_95) -> tuple[float, float]:
    """95% limits for an observed count treated as Poisson.

    OHID Fingertips guidance: Byar's approximation for counts of 10 or more; exact limits from the
    chi-squared distribution below that (lower = chi2(alpha/2, 2O)/2, upper = chi2(1-alpha/2,
    2O+2)/2, which are gamma quantiles with shapes O and O+1).
    """
    if count < 0:
        raise ValueError("a count cannot be negative")
    if count >= 10:
        # Byar's method (Breslow and Day 1987), as used by OHID.
        low = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
        upper_count = count + 1
        high = upper_count * (1 - 1 / (9 * upper_count) + z / (3 * math.sqrt(upper_count))) ** 3
        return low, high
    alpha = 2 * (1 - _standard_normal_cdf(z))
    low = 0.0 if count == 0 else _gamma_quantile_integer_shape(alpha / 2, count)
    high = _gamma_quantile_integer_shape(1 - alpha / 2, count + 1)
    return low, high


def _standard_normal_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def rate_per_10k(count: int, population: int) -> float | None:
    """r = O / P x 10,000 (DfE uses the ONS 0-17 population)."""
    if not population:
        return None
    return count / population * 10_000


def rate_interval_per_10k(count: int, population: int) -> tuple[float | None, float | None]:
    if not population:
        return None, None
    low, high = poisson_count_interval(count)
    return low / population * 10_000, high / population * 10_000


def rate_estimate_per_10k(count: int, population: int) -> Estimate:
    low, high = rate_interval_per_10k(count, population)
    return Estimate(rate_per_10k(count, population), low, high)


def relative_rate(count_g: int, population_g: int, count_ref: int, population_ref: int) -> Estimate:
    """Relative rate index r_g / r_ref with exp(ln RRI +/- 1.96 sqrt(1/O_g + 1/O_ref)).

    Undefined (None) when either count or population is zero.
    """
    if not (count_g and population_g and count_ref and population_ref):
        return Estimate(None, None, None)
    value = (count_g / population_g) / (count_ref / population_ref)
    spread = Z_95 * math.sqrt(1 / count_g + 1 / count_ref)
    log_value = math.log(value)
    return Estimate(value, math.exp(log_value - spread), math.exp(log_value + spread))


def risk_ratio(events_g: int, n_g: int, events_ref: int, n_ref: int) -> Estimate:
    """Relative likelihood of an event, group over reference, for people at risk (not a rate).

    Katz log interval: exp(ln RR +/- 1.96 sqrt(1/a - 1/n1 + 1/b - 1/n2)). The NHS Workforce Race
    Equality Standard compares likelihoods this way (e.g. entering a disciplinary process).
    """
    if not (events_g and n_g and events_ref and n_ref):
        return Estimate(None, None, None)
    value = (events_g / n_g) / (events_ref / n_ref)
    variance = 1 / events_g - 1 / n_g + 1 / events_ref - 1 / n_ref
    spread = Z_95 * math.sqrt(max(variance, 0.0))
    log_value = math.log(value)
    return Estimate(value, math.exp(log_value - spread), math.exp(log_value + spread))


def disproportionality_index(
    count_g: int, count_all: int, population_g: int, population_all: int
) -> float | None:
    """(O_g / O_all) / (P_g / P_all): a group's share of the cohort over its share of children."""
    if not (count_all and population_g and population_all):
        return None
    return (count_g / count_all) / (population_g / population_all)


def percentage(part: int, whole: int) -> float | None:
    return None if not whole else part / whole * 100


def newcombe_difference(
    successes_1: int, n_1: int, successes_2: int, n_2: int, z: float = Z_95
) -> Estimate:
    """Difference of two independent proportions, p1 - p2, with Newcombe's hybrid score
    interval (Newcombe 1998, "Interval estimation for the difference between independent
    proportions: comparison of eleven methods", Statistics in Medicine 17, method 10).

    From each proportion's Wilson interval (l1, u1) and (l2, u2):
    lower = d - sqrt((p1 - l1)^2 + (u2 - p2)^2), upper = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
    It keeps within -1 to 1 and behaves at 0 and n, where the simple Wald interval does not.
    Proportions, not percentages; None throughout when either group is empty."""
    if n_1 <= 0 or n_2 <= 0:
        return Estimate(None, None, None)
    low_1, high_1 = wilson_interval(successes_1, n_1, z)
    low_2, high_2 = wilson_interval(successes_2, n_2, z)
    assert low_1 is not None and high_1 is not None and low_2 is not None and high_2 is not None
    p_1, p_2 = successes_1 / n_1, successes_2 / n_2
    difference = p_1 - p_2
    below = math.sqrt((p_1 - low_1) ** 2 + (high_2 - p_2) ** 2)
    above = math.sqrt((high_1 - p_1) ** 2 + (p_2 - low_2) ** 2)
    return Estimate(difference, difference - below, difference + above)


def excludes_zero(estimate: Estimate) -> bool:
    """True when an interval for a difference lies wholly above or below 0."""
    if estimate.low is None or estimate.high is None:
        return False
    return estimate.low > 0 or estimate.high < 0
