"""Pay gaps and leaver rates against values worked out by hand."""

import pytest

from arp_portal.statistics.pay import mean, median, pay_gap_percent


def test_the_pay_gap_is_the_reference_average_less_the_groups_over_the_reference():
    # White mean £20.00, Black mean £18.50: (20 - 18.5) / 20 x 100 = 7.5%.
    assert pay_gap_percent(20.0, 18.5) == pytest.approx(7.5)
    # A group paid more than the reference has a negative gap: (20 - 21) / 20 = -5%.
    assert pay_gap_percent(20.0, 21.0) == pytest.approx(-5.0)


def test_the_pay_gap_is_undefined_without_both_averages():
    assert pay_gap_percent(None, 18.5) is None
    assert pay_gap_percent(20.0, None) is None
    assert pay_gap_percent(0, 18.5) is None


def test_mean_and_median_of_hourly_pay():
    pay = [14.20, 21.50, 25.80, 30.40]
    assert mean(pay) == pytest.approx(22.975)  # 91.9 / 4
    assert median(pay) == pytest.approx(23.65)  # (21.50 + 25.80) / 2
    assert median([14.20, 30.40, 21.50]) == pytest.approx(21.50)
    assert mean([]) is None and median([]) is None


def test_median_pay_gap_worked_by_hand():
    white = [20.00, 22.00, 24.00, 30.00]  # median 23.00
    black = [18.00, 19.00, 21.00]  # median 19.00
    # (23 - 19) / 23 x 100 = 17.391...%
    assert pay_gap_percent(median(white), median(black)) == pytest.approx(400 / 23)
