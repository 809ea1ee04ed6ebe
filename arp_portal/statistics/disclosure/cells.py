"""Disclosure control: which cells of a table to hide so no small group can be identified.

Two rules, from the GP Patient Survey and ONS practice (docs/domain.md):

- primary: a cell for fewer people than the threshold is hidden ("c"); so is a cell whose
  complement within its parent total is under the threshold (all staff but one team, say);
- secondary: where a parent total is shown, hiding one cell is not enough, since it can be worked
  out by subtraction; the next-smallest cell is hidden too, and (strict mode) more cells until the
  hidden cells together reach the threshold, so not even their sum reveals a small group.

A table is a set of partitions: each partition is a list of cells that add up to a shown total
(the groups of one breakdown, or the values of one filter within a group). `suppress_table`
applies both rules to every partition until nothing changes, so a cell hidden to protect one
partition is protected in every other partition it belongs to.
"""

from collections.abc import Hashable, Iterable, Mapping


def is_small(count: int, threshold: int) -> bool:
    """Under the threshold but not zero: a zero names nobody."""
    return 0 < count < threshold


def primary_suppression(
    cells: Mapping[Hashable, int], threshold: int, *, total: int | None = None
) -> set[Hashable]:
    """Cells under the threshold, and cells whose complement within `total` is under it."""
    hidden = {key for key, count in cells.items() if is_small(count, threshold)}
    if total is not None:
        hidden |= {key for key, count in cells.items() if is_small(total - count, threshold)}
    return hidden


def secondary_suppression(
    cells: Mapping[Hashable, int],
    hidden: set[Hashable],
    threshold: int,
    *,
    strict: bool = True,
) -> set[Hashable]:
    """Hide further cells of one partition so the hidden ones cannot be recovered from its total.

    At least two cells are hidden wherever any is; in strict mode, cells are added (smallest
    first) until the hidden cells together reach the threshold.
    """
    hidden = {key for key in hidden if key in cells}
    if not hidden:
        return set()

    def needs_more() -> bool:
        if len(hidden) == 1:
            return True
        return strict and sum(cells[key] for key in hidden) < threshold

    # Smallest first, preferring cells with people in them: hiding a zero protects little.
    candidates = sorted(
        (key for key in cells if key not in hidden),
        key=lambda key: (cells[key] == 0, cells[key], str(key)),
    )
    for key in candidates:
        if not needs_more():
            break
        hidden.add(key)
    return hidden


def suppress_partition(
    cells: Mapping[Hashable, int],
    threshold: int,
    *,
    total: int | None = None,
    strict: bool = True,
) -> set[Hashable]:
    """Primary then secondary suppression of one partition whose total is shown."""
    if total is None:
        total = sum(cells.values())
    hidden = primary_suppression(cells, threshold, total=total)
    return secondary_suppression(cells, hidden, threshold, strict=strict)


def suppress_table(
    counts: Mapping[Hashable, int],
    partitions: Iterable[Iterable[Hashable]],
    threshold: int,
    *,
    strict: bool = True,
    complement_rule: bool = True,
) -> set[Hashable]:
    """Cells to hide in a table whose cells belong to one or more partitions with shown totals.

    counts maps every cell to its count; each partition lists the cells that add up to a total
    that is shown (or can be had from another view). Returns the keys to show as "c".
    """
    partitions = [list(partition) for partition in partitions]
    hidden: set[Hashable] = {key for key, count in counts.items() if is_small(count, threshold)}
    if complement_rule:
        for partition in partitions:
            total = sum(counts[key] for key in partition)
            hidden |= {key for key in partition if is_small(total - counts[key], threshold)}
    changed = True
    while changed:
        changed = False
        for partition in partitions:
            cells = {key: counts[key] for key in partition}
            already = hidden & cells.keys()
            extra = secondary_suppression(cells, already, threshold, strict=strict) - hidden
            if extra:
                hidden |= extra
                changed = True
    return hidden
