"""Front door measures checked against values worked out independently (scipy, by hand)."""

import math

import numpy as np
import pytest
from scipy.stats import binomtest
from scipy.stats.contingency import odds_ratio as scipy_odds_ratio

from arp_portal.statistics.disproportionality import Group, Reference, pathway
from arp_portal.statistics.front_door import ALL, FrontDoorCounts, front_door_table, odds_ratio
from dashboards.front_door.importers import repeat_flags

WHITE_BRITISH = Reference("WBRI", "White British children", ("WBRI",))
GROUPS = [Group("WBRI", "White British", ("WBRI",)), Group("BCRB", "Black Caribbean", ("BCRB",)),
          Group("AIND", "Indian", ("AIND",))]  # fmt: skip


def _counts(**contacts):
    return FrontDoorCounts(
        contacts=contacts,
        repeats={"WBRI": 30, "BCRB": 12},
        early_help_starts={"WBRI": 80, "BCRB": 9, "AIND": 2},
        early_help_closed={"WBRI": 60, "BCRB": 20},
        stepped_up={"WBRI": 12, "BCRB": 9},
    )


def test_the_decision_ratio_is_the_odds_ratio_with_woolfs_interval():
    # Black Caribbean: 20 early help, 50 referrals; White British: 200 and 150.
    result = odds_ratio(20, 50, 200, 150)
    expected = scipy_odds_ratio([[20, 50], [200, 150]], kind="sample")
    ci = expected.confidence_interval(confidence_level=0.95)
    assert result.value == pytest.approx(expected.statistic)
    assert result.low == pytest.approx(ci.low)
    assert result.high == pytest.approx(ci.high)
    assert odds_ratio(0, 5, 3, 4).value is None


def test_each_groups_measures_and_the_small_group_hidden():
    counts = _counts(
        WBRI={"nfa": 100, "advice": 50, "early_help": 200, "referral": 150},
        BCRB={"nfa": 10, "advice": 10, "early_help": 20, "referral": 50},
        AIND={"nfa": 3},
        REFU={"nfa": 8},  # the smallest other cell: hidden beside Indian's 3
    )
    population = {"WBRI": 60_000, "BCRB": 2_000, "AIND": 5_000}
    table = front_door_table(counts, population, groups=GROUPS, reference=WHITE_BRITISH,
                             unknown_codes=["REFU", "NOBT"])  # fmt: skip
    black = table.row("BCRB")
    assert black.contacts == 90
    assert black.rate.value == pytest.approx(450.0)  # 90 / 2,000 x 10,000
    share = binomtest(20, 90).proportion_ci(method="wilson")
    assert black.early_help.estimate.value == pytest.approx(20 / 90 * 100)
    assert black.early_help.estimate.low == pytest.approx(share.low * 100)
    assert black.referral.count == 50
    assert black.decision_ratio.value == pytest.approx((20 / 50) / (200 / 150))
    assert black.repeats.count == 12 and black.repeats.total == 90
    assert black.step_up.estimate.value == pytest.approx(45.0)
    indian = table.row("AIND")
    assert indian.contacts_hidden and indian.early_help is None  # 3 contacts
    assert indian.early_help_starts_hidden  # 2 episodes
    assert table.row("Unknown").contacts_hidden
    everyone = table.row(ALL)
    assert everyone.contacts == 601 and not everyone.contacts_hidden
    assert table.row("WBRI").decision_ratio.value == pytest.approx(1.0)


def test_no_ratio_against_a_hidden_reference():
    counts = _counts(
        WBRI={"nfa": 100, "early_help": 4, "referral": 150},
        BCRB={"nfa": 10, "early_help": 20, "referral": 50},
    )
    table = front_door_table(counts, None, groups=GROUPS, reference=WHITE_BRITISH,
                             unknown_codes=["REFU"])  # fmt: skip
    assert table.reference_hidden
    assert table.row("BCRB").decision_ratio.value is None
    assert table.row("BCRB").rate.value is None  # no population


def test_repeat_contacts_are_those_within_365_days_of_an_earlier_day():
    refs = np.array(["A", "A", "A", "A", "B", "B", "C"])
    dates = np.array(
        ["2025-01-01", "2025-01-01", "2025-12-31", "2027-01-02", "2025-03-01", "2026-03-02",
         "2025-05-05"], dtype="datetime64[D]",
    )  # fmt: skip
    # Worked by hand: A's second contact is the same day (not a repeat), the third 364 days
    # on (a repeat), the fourth 367 days after the third (not); B's is 366 days on (not).
    assert repeat_flags(refs, dates).tolist() == [False, False, True, False, False, False, False]


def test_the_pathway_branches_at_the_front_door():
    population = {"WBRI": 10_000, "BCRB": 1_000}
    groups = GROUPS[:2]
    stages = pathway(
        [
            ("contact", "Contact", {"WBRI": 1_000, "BCRB": 200}),
            ("early_help", "Early help", {"WBRI": 400, "BCRB": 40}, "contact"),
            ("referral", "Referral", {"WBRI": 300, "BCRB": 100}, "contact"),
            ("cp", "Child protection plan", {"WBRI": 60, "BCRB": 30}),
        ],
        population, groups=groups, reference=WHITE_BRITISH, unknown_codes=["REFU"],
    )  # fmt: skip
    by_key = {stage.key: stage for stage in stages}
    assert by_key["contact"].cells["BCRB"].rri.value == pytest.approx(2.0)
    assert by_key["early_help"].cells["BCRB"].rri.value == pytest.approx((40 / 200) / (400 / 1000))
    assert by_key["referral"].cells["BCRB"].rri.value == pytest.approx((100 / 200) / (300 / 1000))
    assert by_key["referral"].against == "Contact"
    assert by_key["cp"].cells["BCRB"].rri.value == pytest.approx((30 / 100) / (60 / 300))
    spread = 1.959963984540054 * math.sqrt(1 / 40 + 1 / 400)
    assert by_key["early_help"].cells["BCRB"].rri.high == pytest.approx(
        (40 / 200) / (400 / 1000) * math.exp(spread)
    )
