"""The one place the front door and practice-audit tables decide which counts to hide.

DfE's convention (DOMAIN.md): counts of 1 to 5 are shown as "c", and another cell of the same
breakdown is hidden so the first cannot be had by subtraction from the shown total. Kept behind
this one function so the disclosure engine can take its place without touching the tables.
"""

from collections.abc import Hashable, Mapping

from arp_portal.statistics.disclosure import suppress_partition

THRESHOLD = 6  # counts 1-5 are hidden


def cells_to_hide(cells: Mapping[Hashable, int], *, threshold: int = THRESHOLD) -> set[Hashable]:
    """The cells of one breakdown (adding up to a shown total) to show as "c"."""
    return suppress_partition(cells, threshold, total=sum(cells.values()), strict=False)
