"""Disclosure control across linked tables whose totals may themselves be hidden.

disclosure.suppress_table assumes every partition adds up to a total that is shown. Survey
results need more: a total is often a cell of another table (a group's size is a cell of the
breakdown by group; the count for all staff is the total of the counts for each role), and that
total may be hidden. Hiding a total is only safe if some cell under it is hidden too, or the
total is recovered by adding its cells up. And filtered views (one role, grade or locality at a
time) must be suppressed together with the unfiltered view, so that subtracting one view from
another reveals nothing: the unfiltered view's decisions are passed in as `fixed`.

Each constraint says `total = sum(members)`. The rules, applied until nothing changes:

- primary: a cell under the threshold (but not zero) is hidden, and so is a member whose
  complement within its shown total is under the threshold (disclosure.primary_suppression);
- where the total is shown: disclosure.secondary_suppression (at least two hidden cells, and in
  strict mode hidden cells that together reach the threshold);
- where the total is hidden: at least one member is hidden, so the total cannot be had by
  addition.

Those rules look at one constraint at a time, and constraints combine: a hidden cell can be pinned
down by adding and subtracting several of them (a zero hidden in one table, say, fixing a cell of
another). So an audit follows (`audit=True`): the shown cells leave a linear system in the hidden
ones, and a hidden cell is exposed exactly when it takes the same value in every solution, i.e.
when it is zero in every vector of the system's null space. Each exposed cell that
is not zero gets a further cell hidden beside it, and the rules and audit run again.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from arp_portal.statistics.disclosure.cells import is_small, secondary_suppression


@dataclass(frozen=True)
class Constraint:
    total: Hashable
    members: tuple[Hashable, ...]


def suppress_linked(
    counts: Mapping[Hashable, int],
    constraints: Iterable[Constraint],
    threshold: int,
    *,
    fixed: Mapping[Hashable, bool] | None = None,
    strict: bool = True,
    audit: bool = True,
    keep: Callable[[Hashable], int] | None = None,
) -> set[Hashable]:
    """The cells to hide. `fixed` maps cells whose fate is already decided (True: hidden,
    False: shown) and which must not change; they are usually totals from a wider table.
    `keep(key)` ranks how much a cell is worth keeping (0 = ordinary; higher = a headline
    figure): where another cell must be hidden, lower ranks are chosen first.

    Raises ValueError if a constraint's members do not add up to its total: a table that does
    not add up would make the protection meaningless.
    """
    fixed = dict(fixed or {})
    constraints = [c for c in constraints if c.members]
    for constraint in constraints:
        members_sum = sum(counts[key] for key in constraint.members)
        if members_sum != counts[constraint.total]:
            raise ValueError(
                f"Members of {constraint.total!r} add up to {members_sum}, "
                f"not {counts[constraint.total]}"
            )
    hidden = {key for key, is_hidden in fixed.items() if is_hidden}
    hidden |= {
        key for key, count in counts.items() if key not in fixed and is_small(count, threshold)
    }
    for constraint in constraints:
        total = counts[constraint.total]
        hidden |= {
            key
            for key in constraint.members
            if key not in fixed and is_small(total - counts[key], threshold)
        }

    def free(keys: Iterable[Hashable]) -> list[Hashable]:
        return [key for key in keys if key not in fixed and key not in hidden]

    rank = keep or (lambda key: 0)

    def order(key: Hashable) -> tuple[int, int, str]:
        return (rank(key), counts[key], repr(key))

    _apply_rules(counts, constraints, threshold, fixed, hidden, free, strict, order)
    if not audit:
        return hidden
    for _ in range(len(counts)):
        exposed = exposed_cells(counts, constraints, hidden)
        if not exposed:
            break
        grew = False
        for key in sorted(exposed, key=repr):
            # Hide the smallest shown cell that shares a constraint with the exposed one.
            around = [
                other
                for c in constraints
                if key == c.total or key in c.members
                for other in (c.total, *c.members)
            ]
            candidates = sorted((k for k in free(around) if counts[k] > 0), key=order)
            if candidates:
                hidden.add(candidates[0])
                grew = True
        if not grew:
            break
        _apply_rules(counts, constraints, threshold, fixed, hidden, free, strict, order)
    return hidden


def exposed_cells(
    counts: Mapping[Hashable, int], constraints: Iterable[Constraint], hidden: set[Hashable]
) -> set[Hashable]:
    """Hidden cells (other than zeros) whose value follows from the shown ones."""
    keys = sorted(hidden, key=repr)
    index = {key: i for i, key in enumerate(keys)}
    rows = []
    for constraint in constraints:
        row = np.zeros(len(keys))
        if constraint.total in index:
            row[index[constraint.total]] += 1
        for member in constraint.members:
            if member in index:
                row[index[member]] -= 1
        if row.any():
            rows.append(row)
    if not rows:
        return set()  # no equation touches a hidden cell
    matrix = np.array(rows)
    # The null space of A is that of AᵀA (small and square): eigenvectors of eigenvalue ~0.
    values, vectors = np.linalg.eigh(matrix.T @ matrix)
    null_basis = vectors[:, values < 1e-8]
    return {
        key for key, i in index.items() if counts[key] > 0 and np.all(np.abs(null_basis[i]) < 1e-6)
    }


def _apply_rules(
    counts: Mapping[Hashable, int],
    constraints: list[Constraint],
    threshold: int,
    fixed: Mapping[Hashable, bool],
    hidden: set[Hashable],
    free: Callable[[Iterable[Hashable]], list[Hashable]],
    strict: bool,
    order: Callable[[Hashable], tuple[int, int, str]],
) -> None:
    changed = True
    while changed:
        changed = False
        for constraint in constraints:
            members = constraint.members
            if constraint.total in hidden:
                if any(key in hidden and counts[key] > 0 for key in members):
                    continue
                # A hidden zero protects nothing: cells that cannot be below zero and must add
                # up to little give themselves away. Only cells with people in them are hidden.
                candidates = sorted((k for k in free(members) if counts[k] > 0), key=order)
                if candidates:
                    hidden.add(candidates[0])
                    changed = True
                continue
            already = {key for key in members if key in hidden}
            if not already:
                continue
            cells = {
                key: counts[key]
                for key in members
                if key in hidden or (key not in fixed and counts[key] > 0)
            }
            # Cells worth keeping are offered only if the others are not enough.
            for level in sorted({order(key)[0] for key in cells}):
                offered = {k: n for k, n in cells.items() if k in hidden or order(k)[0] <= level}
                extra = secondary_suppression(offered, already, threshold, strict=strict) - hidden
                still = already | extra
                if len(still) > 1 and not (strict and sum(counts[k] for k in still) < threshold):
                    break
            if extra:
                hidden |= extra
                changed = True
                continue
            hidden_sum = sum(counts[key] for key in already)
            still_exposed = len(already) == 1 or (strict and hidden_sum < threshold)
            if still_exposed and constraint.total not in fixed:
                # No member is left to hide: hide the total instead, so the hidden members
                # cannot be had by subtraction.
                hidden.add(constraint.total)
                changed = True
