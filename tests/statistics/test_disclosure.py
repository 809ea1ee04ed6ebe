from arp_portal.statistics.disclosure import (
    primary_suppression,
    suppress_partition,
    suppress_table,
)


def test_a_group_under_the_threshold_is_hidden_but_zero_is_not():
    assert primary_suppression({"White": 40, "Black": 7, "Other": 0}, 10) == {"Black"}


def test_a_cell_whose_complement_is_small_is_hidden():
    # 30 staff in all, 27 in one team: "all but that team" is 3 people.
    assert primary_suppression({"team A": 27}, 10, total=30) == {"team A"}


def test_one_hidden_cell_is_joined_by_the_next_smallest():
    hidden = suppress_partition({"White": 60, "Black": 25, "Asian": 12, "Mixed": 4}, 10)
    assert hidden == {"Mixed", "Asian"}


def test_strict_mode_hides_until_the_hidden_cells_reach_the_threshold():
    cells = {"White": 60, "Black": 25, "Asian": 3, "Mixed": 4}
    assert suppress_partition(cells, 10) == {"Asian", "Mixed", "Black"}
    assert suppress_partition(cells, 10, strict=False) == {"Asian", "Mixed"}


def test_no_hidden_cell_can_be_recovered_by_subtraction():
    cells = {"White": 60, "Black": 25, "Asian": 12, "Mixed": 4, "Other": 0}
    hidden = suppress_partition(cells, 10)
    shown_total = sum(cells.values())
    recoverable = shown_total - sum(v for k, v in cells.items() if k not in hidden)
    assert len(hidden) >= 2
    assert recoverable >= 10


def test_a_table_protects_a_cell_in_both_of_its_partitions():
    # Ethnic group x role. Black social workers (4) are hidden; the row (Black) and the column
    # (social workers) each need a second hidden cell, and those need partners in turn.
    counts = {
        ("White", "sw"): 40,
        ("White", "mgr"): 20,
        ("Black", "sw"): 4,
        ("Black", "mgr"): 18,
        ("Asian", "sw"): 15,
        ("Asian", "mgr"): 16,
    }
    rows = [[(g, "sw"), (g, "mgr")] for g in ("White", "Black", "Asian")]
    cols = [[(g, r) for g in ("White", "Black", "Asian")] for r in ("sw", "mgr")]
    hidden = suppress_table(counts, rows + cols, 10)
    assert ("Black", "sw") in hidden
    for partition in rows + cols:
        in_partition = [key for key in partition if key in hidden]
        assert len(in_partition) != 1, partition
        if in_partition:
            assert sum(counts[key] for key in in_partition) >= 10
