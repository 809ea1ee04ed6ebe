"""The disclosure engine: protection intervals worked out by hand, suppression that passes its
audit, and an intruder's own integer programme (tests/statistics/attacker.py) that recovers no
hidden cell more narrowly than the protection over random tables, nestings and filters."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arp_portal.statistics.disclosure import (
    Publication,
    Relation,
    audit,
    protection_intervals,
    suppress,
)
from tests.statistics.attacker import deduce


def row(total, **parts):
    cells = {"T": total, **parts}
    return Publication(cells, [Relation("T", tuple(parts))])


def test_two_hidden_cells_under_a_shown_total_range_up_to_what_the_rest_leaves():
    publication = row(12, a=1, b=3, c=8)
    # a + b = 12 - 8 = 4, so each lies in 0..4.
    assert protection_intervals(publication, {"a", "b"}) == {"a": (0, 4), "b": (0, 4)}


def test_a_lone_hidden_cell_in_a_shown_total_is_worked_out():
    assert protection_intervals(row(12, a=1, b=3, c=8), {"a"}) == {"a": (1, 1)}


def test_a_hidden_cell_in_no_relation_is_free():
    publication = Publication({"a": 3, "b": 4}, [])
    assert protection_intervals(publication, {"a"}) == {"a": (0, math.inf)}


def test_a_hidden_total_over_a_hidden_part_is_unbounded_above():
    # T - a = 11 (b and c shown): a can be anything, T is at least 11.
    intervals = protection_intervals(row(12, a=1, b=3, c=8), {"T", "a"})
    assert intervals == {"T": (11, math.inf), "a": (0, math.inf)}


def _two_way_table():
    cells = {"a": 1, "b": 1, "c": 5, "d": 4, "r1": 2, "r2": 9, "c1": 6, "c2": 5}
    relations = [
        Relation("r1", ("a", "b")),
        Relation("r2", ("c", "d")),
        Relation("c1", ("a", "c")),
        Relation("c2", ("b", "d")),
    ]
    return Publication(cells, relations)


def test_a_two_way_table_with_its_margins_shown():
    # a b | 2      a + b = 2, c + d = 9, a + c = 6, b + d = 5
    # c d | 9      so b = 2 - a, c = 6 - a, d = 3 + a, with 0 <= a <= 2.
    # 6 5
    intervals = protection_intervals(_two_way_table(), {"a", "b", "c", "d"})
    assert intervals == {"a": (0, 2), "b": (0, 2), "c": (4, 6), "d": (3, 5)}


def test_integers_pin_a_cell_that_the_relaxation_leaves_open():
    # a + b = 1, b + c = 1, a + c + d = 1. Over the reals a may be 0.5 (b = c = 0.5, d = 0);
    # over the integers a = c, 2a + d = 1, so a = 0 and b = 1: both are worked out.
    cells = {"a": 0, "b": 1, "c": 0, "d": 1, "T1": 1, "T2": 1, "T3": 1}
    relations = [
        Relation("T1", ("a", "b")),
        Relation("T2", ("b", "c")),
        Relation("T3", ("a", "c", "d")),
    ]
    intervals = protection_intervals(Publication(cells, relations), {"a", "b", "c", "d"})
    assert intervals == {"a": (0, 0), "b": (1, 1), "c": (0, 0), "d": (1, 1)}


@pytest.mark.parametrize("linprog_fails", [False, True])
def test_a_solver_with_no_verdict_falls_back_to_a_fresh_one(monkeypatch, linprog_fails):
    # CI's machine once had HiGHS end a warm-started solve in "Unknown". The programme is solved
    # again from scratch, then by linprog, then as the integer programme: the same intervals.
    from arp_portal.statistics.disclosure import protection

    calls = {"solved": 0, "linprog": 0}

    def no_verdict(highs):
        calls["solved"] += 1
        highs.run()
        return "Unknown", math.nan, None

    real_linprog = protection._Programme._linprog

    def linprog(self, objective, cap):
        calls["linprog"] += 1
        if linprog_fails:
            return "Numerical difficulties", math.nan, None
        return real_linprog(self, objective, cap)

    monkeypatch.setattr(protection._Programme, "_solved", staticmethod(no_verdict))
    monkeypatch.setattr(protection._Programme, "_linprog", linprog)
    intervals = protection_intervals(_two_way_table(), {"a", "b", "c", "d"})
    assert intervals == {"a": (0, 2), "b": (0, 2), "c": (4, 6), "d": (3, 5)}
    # A hidden total over hidden parts: T1 = a + b, b + c = 5 (T2 shown).
    cells = {"a": 2, "b": 3, "c": 2, "T1": 5, "T2": 5}
    unbounded = Publication(cells, [Relation("T1", ("a", "b")), Relation("T2", ("b", "c"))])
    intervals = protection_intervals(unbounded, {"T1", "a", "b", "c"})
    assert intervals == {"T1": (0, math.inf), "a": (0, math.inf), "b": (0, 5), "c": (0, 5)}
    assert calls["linprog"] > 0
    assert calls["solved"] == 2 * calls["linprog"]  # the warm start, then from scratch


def test_a_known_total_cannot_be_hidden():
    publication = Publication({"a": 1, "b": 3}, [Relation("T", ("a", "b"))], {"T": 4})
    assert protection_intervals(publication, {"T", "a"}) == {"T": (4, 4), "a": (1, 1)}


def test_relations_that_do_not_add_up_are_refused():
    with pytest.raises(ValueError, match="add up to 5, not 6"):
        Publication({"T": 6, "a": 2, "b": 3}, [Relation("T", ("a", "b"))])
    with pytest.raises(ValueError, match="unknown cells"):
        Publication({"T": 5, "a": 2}, [Relation("T", ("a", "b"))])
    with pytest.raises(ValueError, match="non-negative"):
        Publication({"a": -1}, [])


def test_the_audit_names_the_cells_worked_out():
    result = audit(row(12, a=1, b=3, c=8), {"a"}, protection=1)
    assert not result.ok and result.failures == {"a"}
    assert audit(row(12, a=1, b=3, c=8), {"a", "b"}, protection=3).ok
    # a + b = 4: width 4 is too narrow for a protection of 5.
    assert audit(row(12, a=1, b=3, c=8), {"a", "b"}, protection=5).failures == {"a", "b"}


def test_a_small_cell_takes_the_smallest_cell_with_people_in_it():
    decision = suppress(row(40, a=2, b=0, c=9, d=29), {"a"}, protection=1)
    assert decision.hidden == {"a", "c"}  # not the zero
    assert decision.audit.ok
    assert decision.audit.intervals["a"] == (0, 11)


def test_a_zero_is_hidden_only_when_nothing_else_can_protect():
    # T is known from elsewhere, so it cannot be hidden; b (0) is all that is left.
    publication = Publication({"a": 3, "b": 0}, [Relation("T", ("a", "b"))], {"T": 3})
    decision = suppress(publication, {"a"}, protection=1)
    assert decision.hidden == {"a", "b"} and decision.audit.ok


def test_a_lone_hidden_code_in_a_shown_group_gets_a_partner_in_the_group():
    # The leak: WIRI hidden in a shown White group is White minus the rest.
    cells = {"White": 300, "WBRI": 250, "WIRI": 4, "WOTH": 30, "WROM": 16, "Known": 300}
    relations = [
        Relation("White", ("WBRI", "WIRI", "WOTH", "WROM")),
        Relation("Known", ("White",)),
    ]
    decision = suppress(Publication(cells, relations), {"WIRI"}, protection=1)
    assert decision.hidden == {"WIRI", "WROM"}
    assert decision.audit.intervals["WIRI"] == (0, 20)


def test_nothing_can_protect_a_cell_a_known_total_pins():
    publication = Publication({"a": 1}, [Relation("T", ("a",))], {"T": 1})
    decision = suppress(publication, {"a"}, protection=1)
    assert not decision.audit.ok and decision.audit.failures == {"a"}


def test_secondary_cells_that_are_not_needed_are_shown_again():
    # Two small cells protect each other; nothing else needs hiding.
    decision = suppress(row(50, a=2, b=3, c=20, d=25), {"a", "b"}, protection=2)
    assert decision.hidden == {"a", "b"} and decision.secondary == set()


# --- random tables, nestings and filters, against the intruder's own programme ---------------


@st.composite
def tables(draw):
    """A table of rows x columns in two areas (a filter, with its complement) and the whole,
    rows nested in groups; every margin, group subtotal and the whole are published."""
    n_rows = draw(st.integers(2, 4))
    n_cols = draw(st.integers(1, 3))
    split = draw(st.integers(1, n_rows - 1))
    groups = {"G1": range(split), "G2": range(split, n_rows)}
    counts = {
        (area, r, c): draw(st.integers(0, 9))
        for area in ("A", "B")
        for r in range(n_rows)
        for c in range(n_cols)
    }
    cells = dict(counts)
    for r in range(n_rows):
        for c in range(n_cols):
            cells[("all", r, c)] = counts[("A", r, c)] + counts[("B", r, c)]
    relations = []
    for area in ("A", "B", "all"):
        for c in range(n_cols):
            for group, rows in groups.items():
                cells[(area, group, c)] = sum(cells[(area, r, c)] for r in rows)
                relations.append(Relation((area, group, c), tuple((area, r, c) for r in rows)))
            cells[(area, "*", c)] = sum(cells[(area, g, c)] for g in groups)
            relations.append(Relation((area, "*", c), tuple((area, g, c) for g in groups)))
        for r in [*range(n_rows), *groups, "*"]:
            cells[(area, r, "*")] = sum(cells[(area, r, c)] for c in range(n_cols))
            relations.append(Relation((area, r, "*"), tuple((area, r, c) for c in range(n_cols))))
    for r in [*range(n_rows), *groups, "*"]:
        for c in [*range(n_cols), "*"]:
            relations.append(Relation(("all", r, c), (("A", r, c), ("B", r, c))))
    known = {("all", "*", "*"): cells[("all", "*", "*")]} if draw(st.booleans()) else {}
    small = draw(st.integers(1, 5))
    protection = draw(st.integers(1, 3))
    return Publication(cells, relations, known), small, protection


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_after_suppression_no_hidden_cell_is_narrower_than_its_protection(table):
    publication, small, protection = table
    primary = {k for k, v in publication.cells.items() if 1 <= v <= small}
    decision = suppress(publication, primary, protection=protection)
    assert decision.primary <= decision.hidden
    attacker = deduce(
        publication.values,
        [(r.total, r.parts) for r in publication.relations],
        decision.hidden - publication.known_totals.keys(),
    )
    # The engine's intervals are the intruder's, exactly.
    for key, interval in attacker.items():
        assert decision.audit.intervals[key] == interval
    short = {
        key
        for key, (low, high) in attacker.items()
        if publication.values[key] > 0 and high - low < protection
    }
    if decision.audit.ok:
        assert not short
    else:
        # Only a known total can make protection impossible: even hiding everything else
        # leaves the failing cells short.
        assert publication.known_totals
        everything = set(publication.cells) - publication.known_totals.keys()
        worst = deduce(
            publication.values, [(r.total, r.parts) for r in publication.relations], everything
        )
        # (A failing known total is a small count published elsewhere: nothing here protects it.)
        failing = decision.audit.failures - publication.known_totals.keys()
        assert all(worst[k][1] - worst[k][0] < protection for k in failing)


def _brute_force(values, relations, hidden, cap):
    """Each hidden cell's least and greatest value over every assignment of 0..cap to the
    hidden cells that satisfies the relations; a cell whose greatest value grows when the cap
    does is unbounded (a cell can be bounded only through another that the cap bounds)."""
    low_cap, high_cap = (
        _enumerate(values, relations, hidden, cap),
        _enumerate(values, relations, hidden, cap + 2),
    )
    return {
        key: (low, math.inf if high_cap[key][1] > high else high)
        for key, (low, high) in low_cap.items()
    }


def _enumerate(values, relations, hidden, cap):
    """Every assignment of 0..cap to the hidden cells that satisfies the relations (numpy
    enumerates them all at once): each cell's least and greatest value among them."""
    hidden = sorted(hidden, key=repr)
    grid = np.indices((cap + 1,) * len(hidden)).reshape(len(hidden), -1)
    trial = {key: np.full(grid.shape[1], value) for key, value in values.items()}
    trial.update(zip(hidden, grid, strict=True))
    fits = np.ones(grid.shape[1], dtype=bool)
    for total, parts in relations:
        fits &= trial[total] == sum(trial[p] for p in parts)
    found = {}
    for key, column in zip(hidden, grid, strict=True):
        low, high = int(column[fits].min()), int(column[fits].max())
        found[key] = (low, high)
    return found


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_intervals_match_brute_force_on_small_tables(data):
    # 2 x 2 table with margins; any subset of cells and margins hidden.
    a, b, c, d = (data.draw(st.integers(0, 4)) for _ in range(4))
    values = {"a": a, "b": b, "c": c, "d": d, "r1": a + b, "r2": c + d, "c1": a + c}
    values |= {"c2": b + d, "T": a + b + c + d}
    relations = [
        ("r1", ("a", "b")),
        ("r2", ("c", "d")),
        ("c1", ("a", "c")),
        ("c2", ("b", "d")),
        ("T", ("r1", "r2")),
        ("T", ("c1", "c2")),
    ]
    hidden = data.draw(st.sets(st.sampled_from(sorted(values)), min_size=1, max_size=4))
    publication = Publication(values, [Relation(t, p) for t, p in relations])
    # A bounded cell is at most a sum of two shown cells, so at most 2T.
    cap = 2 * values["T"] + 1
    assert protection_intervals(publication, hidden) == _brute_force(values, relations, hidden, cap)
