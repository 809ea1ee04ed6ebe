"""The front door's and audits' small-cell rule: 1-5 hidden, and never recoverable by
subtraction from the shown total."""

from arp_portal.statistics.disclosure import Publication, Relation, protection_intervals
from arp_portal.statistics.small_cells import cells_to_hide


def _recoverable(cells, hidden):
    total = sum(cells.values())
    publication = Publication(
        cells=cells, relations=[Relation("T", tuple(cells))], known_totals={"T": total}
    )
    intervals = protection_intervals(publication, hidden)
    return {key for key, (low, high) in intervals.items() if low == high and cells[key]}


def test_a_small_count_is_hidden_with_the_next_smallest():
    cells = {"White": 120, "Black": 3, "Asian": 40, "Mixed": 0, "Other": 22}
    hidden = cells_to_hide(cells)
    assert hidden == {"Black", "Other"}
    assert not _recoverable(cells, hidden)


def test_nothing_is_hidden_when_no_count_is_small():
    assert cells_to_hide({"White": 6, "Black": 0, "Asian": 10}) == set()


def test_two_small_counts_protect_each_other():
    cells = {"White": 50, "Black": 2, "Asian": 5}
    hidden = cells_to_hide(cells)
    assert hidden == {"Black", "Asian"}
    assert not _recoverable(cells, hidden)
