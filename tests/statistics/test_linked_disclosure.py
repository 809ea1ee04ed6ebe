"""Linked disclosure control: hidden totals, fixed cells and tables that share cells."""

import itertools
import random

import pytest

from arp_portal.statistics.disclosure.linked import Constraint, suppress_linked
from tests.statistics.recoverability import recoverable


def _pairs(constraints):
    return [(c.total, c.members) for c in constraints]


def test_one_small_cell_takes_the_next_smallest_with_it():
    counts = {"total": 40, "a": 3, "b": 12, "c": 25}
    hidden = suppress_linked(counts, [Constraint("total", ("a", "b", "c"))], 10)
    # a is small; hiding it alone would leave it as total - b - c; b (next smallest) goes too.
    assert hidden == {"a", "b"}


def test_hidden_cells_must_together_reach_the_threshold():
    counts = {"total": 60, "a": 2, "b": 3, "c": 25, "d": 30}
    hidden = suppress_linked(counts, [Constraint("total", ("a", "b", "c", "d"))], 10)
    # a + b = 5 could be had by subtraction and is itself a small group: c is hidden too.
    assert hidden == {"a", "b", "c"}


def test_a_hidden_total_needs_a_hidden_member():
    # The total is hidden (by another table, say); if every member were shown it could be added up.
    counts = {"total": 30, "a": 12, "b": 18}
    hidden = suppress_linked(counts, [Constraint("total", ("a", "b"))], 10, fixed={"total": True})
    assert "a" in hidden and "total" in hidden


def test_fixed_shown_cells_are_never_hidden_and_the_total_goes_instead():
    counts = {"total": 30, "a": 4, "b": 26}
    hidden = suppress_linked(counts, [Constraint("total", ("a", "b"))], 10, fixed={"b": False})
    assert "b" not in hidden
    assert hidden == {"a", "total"}


def test_tables_that_do_not_add_up_are_refused():
    with pytest.raises(ValueError, match="add up to 5, not 6"):
        suppress_linked({"t": 6, "a": 2, "b": 3}, [Constraint("t", ("a", "b"))], 10)


def test_zero_is_not_hidden():
    counts = {"total": 30, "a": 0, "b": 30}
    assert suppress_linked(counts, [Constraint("total", ("a", "b"))], 10) == set()


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_cell_of_a_random_two_way_table_can_be_recovered(seed):
    """Rows x columns with all margins shown (like groups x answers, or roles x groups)."""
    rng = random.Random(seed)
    rows, cols = rng.randint(2, 5), rng.randint(2, 5)
    counts = {}
    for r, c in itertools.product(range(rows), range(cols)):
        counts[(r, c)] = rng.choice([0, 1, 2, 3, 5, 8, 12, 15, 30, 60])
    for r in range(rows):
        counts[(r, "all")] = sum(counts[(r, c)] for c in range(cols))
    for c in range(cols):
        counts[("all", c)] = sum(counts[(r, c)] for r in range(rows))
    counts[("all", "all")] = sum(counts[(r, "all")] for r in range(rows))
    constraints = [Constraint((r, "all"), tuple((r, c) for c in range(cols))) for r in range(rows)]
    constraints += [Constraint(("all", c), tuple((r, c) for r in range(rows))) for c in range(cols)]
    constraints.append(Constraint(("all", "all"), tuple((r, "all") for r in range(rows))))
    constraints.append(Constraint(("all", "all"), tuple(("all", c) for c in range(cols))))
    hidden = suppress_linked(counts, constraints, 10)
    for key, count in counts.items():
        if 0 < count < 10:
            assert key in hidden
    leaked = recoverable(_pairs(constraints), hidden)
    # A cell pinned down by the equations is only a leak if it is not zero.
    assert not {key for key in leaked if counts[key] > 0}, (counts, hidden, leaked)
