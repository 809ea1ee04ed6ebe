"""The one place the front door and practice-audit tables decide which counts to hide.

DfE's convention (docs/domain.md): counts of 1 to 5 are shown as "c", and further cells of the same
breakdown are hidden so that none of them can be had by subtraction from the shown total. The
disclosure engine (arp_portal/statistics/disclosure) does the work: the breakdown and its total
are one Relation, the small counts are primary, and the engine adds secondary cells until its
exact audit shows every hidden non-zero count could still be more than one value.
"""

from collections.abc import Hashable, Mapping, Sequence

from arp_portal.statistics.disclosure import Publication, Relation, suppress

THRESHOLD = 6  # counts 1-5 are hidden
# DfE's rule asks only that a hidden count cannot be worked out exactly: an interval of width
# 1 or more (the stricter "hidden cells together reach the threshold" is not DfE's practice).
PROTECTION = 1
_TOTAL = ("__total__",)


def cells_to_hide(cells: Mapping[Hashable, int], *, threshold: int = THRESHOLD) -> set[Hashable]:
    """The cells of one breakdown, whose total is shown, to show as "c"."""
    counts = {key: int(value) for key, value in cells.items()}
    primary = {key for key, value in counts.items() if 0 < value < threshold}
    if not primary:
        return set()
    total = sum(counts.values())
    publication = Publication(
        cells=counts, relations=[Relation(_TOTAL, tuple(counts))], known_totals={_TOTAL: total}
    )
    decision = suppress(publication, primary, protection=PROTECTION)
    return set(decision.hidden)


def linked_cells_to_hide(
    cells: Mapping[Hashable, int],
    relations: Sequence[tuple[Hashable, Sequence[Hashable]]],
    *,
    threshold: int = THRESHOLD,
) -> set[Hashable]:
    """The cells of linked tables (each relation: a total and the cells adding up to it, all
    of them cells here) to show as "c": counts 1-5, and what protects them."""
    counts = {key: int(value) for key, value in cells.items()}
    primary = {key for key, value in counts.items() if 0 < value < threshold}
    if not primary:
        return set()
    publication = Publication(
        cells=counts,
        relations=[Relation(total, tuple(parts)) for total, parts in relations if parts],
    )
    # reshow=False: the secondary cells the greedy search chose are kept rather than tried
    # again one by one. The engine's audit proves the protection either way; trying them again
    # took two thirds of a detailed-groups page's time (200 ms against 80 ms) to show back,
    # typically, one or two counts.
    return set(suppress(publication, primary, protection=PROTECTION, reshow=False).hidden)
