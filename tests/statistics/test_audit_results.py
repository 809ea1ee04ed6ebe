"""Audit results by group: shares with Wilson intervals checked against scipy, small groups
hidden with a second group beside them, and the stratified sample reproducible."""

import pytest
from scipy.stats import binomtest

from arp_portal.statistics.audits import ALL_GROUPS, CaseResult, round_results
from arp_portal.statistics.sampling import stratified_sample

GRADES = ["outstanding", "good", "requires_improvement", "inadequate"]


def _cases(group, yes, partly, no, grade="good"):
    return (
        [CaseResult(group, {"q": "yes"}, grade)] * yes
        + [CaseResult(group, {"q": "partly"}, grade)] * partly
        + [CaseResult(group, {"q": "no"}, grade)] * no
    )


def test_a_groups_yes_share_has_the_wilson_interval():
    cases = _cases("White", 14, 4, 2) + _cases("Black", 9, 6, 5)
    results = round_results(cases, groups=["White", "Black"], questions=["q"], grade_values=GRADES)
    black = next(r for r in results if r.group == "Black")
    yes = black.answers["q"]["yes"]
    assert yes.count == 9 and yes.total == 20
    assert yes.estimate.value == pytest.approx(45.0)
    # scipy's Wilson interval (without continuity correction) is the same method.
    expected = binomtest(9, 20).proportion_ci(confidence_level=0.95, method="wilson")
    assert yes.estimate.low == pytest.approx(expected.low * 100, abs=1e-6)
    assert yes.estimate.high == pytest.approx(expected.high * 100, abs=1e-6)
    everyone = next(r for r in results if r.group == ALL_GROUPS)
    assert everyone.answers["q"]["yes"].count == 23
    assert everyone.answers["q"]["no"].total == 40


def test_a_small_group_is_hidden_with_the_next_smallest():
    cases = _cases("White", 10, 5, 5) + _cases("Black", 3, 0, 1) + _cases("Asian", 6, 2, 0)
    results = round_results(
        cases, groups=["White", "Black", "Asian", "Mixed"], questions=["q"], grade_values=GRADES
    )
    by_group = {r.group: r for r in results}
    assert by_group["Black"].suppressed  # 4 cases
    assert by_group["Asian"].suppressed  # 8 cases: hidden so the 4 cannot be had from the total
    assert not by_group["White"].suppressed
    assert not by_group["Mixed"].suppressed and by_group["Mixed"].cases == 0
    assert by_group["Black"].answers == {}
    assert not by_group[ALL_GROUPS].suppressed


def test_a_question_added_later_counts_only_the_cases_that_answered_it():
    cases = _cases("White", 6, 0, 0) + [CaseResult("White", {"q": "no", "new": "yes"}, "good")]
    results = round_results(cases, groups=["White"], questions=["q", "new"], grade_values=GRADES)
    white = results[0]
    assert white.answers["new"]["yes"].total == 1
    assert white.answers["q"]["yes"].total == 7


def test_the_same_seed_draws_the_same_sample_whatever_the_order():
    cases = {"White": [f"W{n}" for n in range(100)], "Black": [f"B{n}" for n in range(30)]}
    shuffled = {group: list(reversed(refs)) for group, refs in cases.items()}
    first = stratified_sample(cases, {"White": 10, "Black": 10}, seed=42)
    again = stratified_sample(shuffled, {"White": 10, "Black": 10}, seed=42)
    other = stratified_sample(cases, {"White": 10, "Black": 10}, seed=43)
    assert first == again
    assert first != other
    assert len(first["White"]) == 10 and len(set(first["White"])) == 10
    assert set(first["Black"]) <= set(cases["Black"])
    # Resizing one group leaves the other's sample as it was.
    resized = stratified_sample(cases, {"White": 10, "Black": 5}, seed=42)
    assert resized["White"] == first["White"]


def test_a_group_smaller_than_asked_is_taken_whole():
    sample = stratified_sample({"Other": ["O2", "O1"]}, {"Other": 5, "Mixed": 3}, seed=1)
    assert sample == {"Other": ["O1", "O2"], "Mixed": []}
