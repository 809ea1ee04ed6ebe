"""Ethnicity pay gaps and leaver rates: the workforce measures' own arithmetic.

Pay gap (as the gender pay gap regulations define it, applied to ethnicity; docs/domain.md
"Workforce measures"): (average hourly pay of the reference group - average of the group) /
average of the reference group x 100, once with means and once with medians. Positive: the group
is paid less than the reference group.
"""

import math
from collections.abc import Sequence


def pay_gap_percent(reference_average: float | None, group_average: float | None) -> float | None:
    """(reference - group) / reference x 100; None when either average is missing or zero."""
    if reference_average is None or group_average is None or not reference_average:
        return None
    return (float(reference_average) - float(group_average)) / float(reference_average) * 100


def mean(values: Sequence[float]) -> float | None:
    if not values:
        return None
    return math.fsum(float(value) for value in values) / len(values)


def median(values: Sequence[float]) -> float | None:
    """The middle value; the mean of the middle two for an even count (as percentile_cont(0.5))."""
    if not values:
        return None
    ordered = sorted(float(value) for value in values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
