"""The group policy's rules and the release step check, on tables worked out by hand."""

import pytest

from arp_portal.statistics.group_threshold import (
    Partition,
    groups_to_hide,
    release_step_problems,
    small_groups,
)

LOCALITY = [Partition("all", ("white", "black", "asian"))]


def test_a_small_group_is_hidden_and_a_zero_is_not():
    assert small_groups({"all": 40, "white": 31, "black": 9, "asian": 0}, 10) == {"black"}


def test_a_shown_total_less_the_shown_groups_must_not_isolate_a_few():
    # 478 in the locality, 470 White: the 5 Black and 3 Asian respondents would be 478 - 470.
    hidden = groups_to_hide({"all": 478, "white": 470, "black": 5, "asian": 3}, LOCALITY, 10)
    assert hidden == {"black", "asian", "white"}


def test_hidden_groups_that_together_reach_the_threshold_need_nothing_more():
    hidden = groups_to_hide({"all": 500, "white": 470, "black": 6, "asian": 24}, LOCALITY, 10)
    # Black (6) alone would be the total less the others: Asian (24) goes with it.
    assert hidden == {"black", "asian"}


def test_a_hidden_total_with_nothing_hidden_under_it_is_had_by_addition():
    partitions = [Partition("other", ("chinese", "any_other"))]
    hidden = groups_to_hide(
        {"other": 28, "chinese": 12, "any_other": 16},
        partitions,
        10,
        fixed={"other": True},
    )
    assert hidden == {"other", "chinese"}


def test_parts_that_do_not_add_up_are_an_error():
    with pytest.raises(ValueError, match="hold 40 respondents, not 41"):
        groups_to_hide({"all": 41, "white": 31, "black": 9, "asian": 0}, LOCALITY, 10)


def test_a_group_followed_in_both_releases_must_gain_none_or_the_threshold():
    old = {"all": 61, "white": 40, "black": 21, "asian": 0}
    new = {"all": 62, "white": 40, "black": 22, "asian": 0}
    assert release_step_problems(old, set(), new, set(), LOCALITY, 10) == {"all", "black"}
    new = {"all": 71, "white": 40, "black": 31, "asian": 0}
    assert release_step_problems(old, set(), new, set(), LOCALITY, 10) == set()


def test_hidden_groups_gaining_a_few_together_under_a_shown_total_block_the_step():
    # White gained 10, the hidden Asian group 1: "all" less White gives the one.
    old = {"all": 60, "white": 50, "black": 6, "asian": 4}
    new = {"all": 71, "white": 60, "black": 6, "asian": 5}
    hidden = {"black", "asian"}
    assert release_step_problems(old, hidden, new, hidden, LOCALITY, 10) == {"all"}
    # Ten new among the hidden groups together are as safe as a group of ten.
    new = {"all": 80, "white": 60, "black": 10, "asian": 10}
    assert release_step_problems(old, hidden, new, {"black", "asian"}, LOCALITY, 10) == set()
