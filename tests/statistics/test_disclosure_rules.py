"""The fast suppression (rules.protect: DfE-style line rules, checked exactly block by block)
against the intruder's own integer programme (tests/statistics/attacker.py), over the random
tables, nestings and filters the engine's property test uses, and over random children's
releases (codes in groups, teams in localities, bands in all ages, teams that overlap)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arp_portal.statistics.disclosure import Publication, Relation
from arp_portal.statistics.disclosure import children as policy
from arp_portal.statistics.disclosure.protection import Witnesses, hidden_block
from arp_portal.statistics.disclosure.rules import line_rules, protect
from tests.statistics.attacker import deduce
from tests.statistics.test_disclosure_engine import tables


def _short(publication, hidden, protection):
    attacker = deduce(
        publication.values,
        [(r.total, r.parts) for r in publication.relations],
        set(hidden) - publication.known_totals.keys(),
    )
    return {
        key
        for key, (low, high) in attacker.items()
        if high - low < protection(key, publication.values[key])
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_hidden_cell_is_narrower_than_its_protection(table):
    publication, small, width = table
    primary = {k for k, v in publication.cells.items() if 1 <= v <= small}

    def protection(key, value):
        return width if value > 0 else 0

    decision = protect(publication, primary, protection=protection)
    assert decision.primary <= decision.hidden
    short = _short(publication, decision.hidden, protection)
    if decision.ok:
        assert not short
    else:
        assert publication.known_totals  # only a known total can make protection impossible
        # A failing cell is narrowed by the intruder, or is a known total itself (a small
        # count published elsewhere: hiding it here cannot protect it).
        assert short | publication.known_totals.keys() >= decision.failures


def test_a_lone_hidden_cell_in_a_line_takes_the_smallest_other_with_it():
    cells = {"T": 40, "a": 2, "b": 0, "c": 9, "d": 29}
    publication = Publication(cells, [Relation("T", ("a", "b", "c", "d"))])
    hidden = line_rules(publication, {"a"}, protection=2, hideable=set(cells))
    assert hidden == {"a", "c"}  # the zero last: it would leave a within 0..2 only by luck


def test_hidden_parts_adding_up_to_less_than_the_protection_take_one_more():
    cells = {"T": 40, "a": 1, "b": 0, "c": 9, "d": 30}
    publication = Publication(cells, [Relation("T", ("a", "b", "c", "d"))])
    hidden = line_rules(publication, {"a", "b"}, protection=2, hideable=set(cells))
    assert hidden == {"a", "b", "c"}


@st.composite
def releases(draw):
    groups = {"W": ["W1", "W2", "W3"], "B": ["B1", "B2"]}
    codes = [code for codes in groups.values() for code in codes]
    localities = [1, 2]
    team_locality = {10: 1, 11: 1, 20: 2}
    bands = ["young", "old"]
    counts: dict = {}
    for team, locality in team_locality.items():
        for code in [*codes, policy.UNKNOWN]:
            for band in bands:
                n = draw(st.integers(0, 12))
                # Some children in no team (counted in their locality and the whole only).
                loose = draw(st.sampled_from([0, 0, 0, 1]))
                for area in (("team", team), ("locality", locality), (policy.ALL,)):
                    add = n + (loose if area[0] != "team" else 0)
                    view = counts.setdefault((area, "all"), {})
                    view[code] = view.get(code, 0) + add
                band_view = counts.setdefault(((policy.ALL,), band), {})
                band_view[code] = band_view.get(code, 0) + n + loose
    structure = policy.Structure(
        groups=groups,
        bands=bands,
        all_bands="all",
        localities=localities,
        team_locality=team_locality,
    )
    return counts, structure


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(releases())
def test_a_childrens_release_leaves_no_count_of_1_to_5_narrower_than_three_values(release):
    counts, structure = release
    decision = policy.decide(counts, structure)
    assert decision.ok
    publication, latent = policy.release_publication(counts, structure)
    assert not _short(publication, decision.hidden, policy.protection)
    small = {k for k, v in publication.cells.items() if policy.is_small(v)} - latent
    assert small <= decision.hidden


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.data())
def test_witnesses_say_exactly_which_cells_the_intruder_narrows(table, data):
    # Witnesses is the exact check rules.protect relies on: its short cells are the
    # intruder's, on any hidden set, and after hiding more.
    publication, small, width = table

    def protection(key, value):
        return width if value > 0 else 0

    cells = sorted(set(publication.cells) - publication.known_totals.keys(), key=repr)
    hidden = data.draw(st.sets(st.sampled_from(cells), min_size=1, max_size=len(cells)))
    witnesses = Witnesses(publication, hidden, protection)
    assert set(witnesses.short) == _short(publication, witnesses.hidden, protection)
    witnesses.hide(data.draw(st.sets(st.sampled_from(cells))))
    assert set(witnesses.short) == _short(publication, witnesses.hidden, protection)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.data())
def test_witnesses_show_a_cell_again_only_if_no_cell_is_then_narrowed(table, data):
    # From a protected suppression and some needless cells more, every hidden cell is tried
    # shown again in a random order: a cell is shown exactly when the intruder would then
    # narrow no cell that was protected.
    publication, small, width = table

    def protection(key, value):
        return width if value > 0 else 0

    primary = {k for k, v in publication.cells.items() if 1 <= v <= small}
    decision = protect(publication, primary, protection=protection)
    cells = sorted(set(publication.cells) - publication.known_totals.keys(), key=repr)
    witnesses = Witnesses(publication, decision.hidden, protection)
    witnesses.hide(data.draw(st.sets(st.sampled_from(cells), max_size=3)))
    # Eight cells at most, each costing the intruder a programme per hidden cell, twice.
    for key in data.draw(st.permutations(sorted(witnesses.hidden, key=repr)))[:8]:
        before = set(witnesses.hidden)
        short_before = _short(publication, before, protection)
        newly_short = _short(publication, before - {key}, protection) - {key} - short_before
        if witnesses.show(key):
            assert witnesses.hidden == before - {key}
            assert not newly_short
            assert set(witnesses.short) == _short(publication, witnesses.hidden, protection)
        else:
            assert witnesses.hidden == before
            # Refused only if a cell would become short, or one already short shares the
            # cell's block (a short block keeps its cells hidden, as its exact check did).
            assert newly_short or any(
                key in hidden_block(publication, before, other) for other in short_before
            )
