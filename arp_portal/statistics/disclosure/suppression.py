"""Secondary suppression: which further cells to hide so that every hidden cell is protected.

The algorithm (a greedy form of tau-argus's "hypercube" idea, checked by exact intervals):

1. Start from the primary cells (the policy's: counts of 1-5, groups under a threshold ...).
2. Work out which hidden cells are short of protection (`protection.unprotected`: exact integer
   protection intervals, computed only as far as needed to tell).
3. For each short cell, hide one more cell beside it: the cheapest shown cell in a relation with
   it (cost: `cost(key, value)`, by default the value, so the smallest count; zeros last, since
   a hidden zero is an odd "c" and protects only where nothing else can). If every cell of its
   relations is already hidden, look one step further out: relations of the hidden cells next
   to it, and so on. A relation that has just had a cell hidden is not given a second one in the
   same round, since one cell often protects the whole relation.
4. Repeat from 2 until nothing is short.
5. Then try to show again, most costly first, each secondary cell whose return leaves every
   hidden cell protected (greedy step 3 can overshoot).

The guarantee: when `decision.audit.ok`, every hidden cell's exact protection interval, given
everything shown, every relation and the known totals, over non-negative integers, is at least
as wide as the protection it requires. That is checked by `audit` (exact, after the search), not
assumed from the search. The search hides cells only from `publication.cells` minus the known
totals, so it stops, and if even hiding all it may hide cannot protect a cell (a known total
pins it), `decision.audit.ok` is False and `decision.audit.failures` says which. Suppression is
not minimal (that problem is NP-hard); it is protective, and step 5 keeps it from being wasteful.
"""

from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass

from arp_portal.statistics.disclosure.protection import (
    Audit,
    Protection,
    audit,
    hidden_components,
    unprotected,
)
from arp_portal.statistics.disclosure.publication import Publication

Cost = Callable[[Hashable, int], float]


def information(key: Hashable, value: int) -> float:
    """Default cost of hiding a cell: the count it would take away."""
    return value


@dataclass(frozen=True)
class Decision:
    hidden: frozenset[Hashable]  # primary and secondary
    primary: frozenset[Hashable]
    audit: Audit

    @property
    def secondary(self) -> frozenset[Hashable]:
        return self.hidden - self.primary


def _prepared(
    publication: Publication, primary: Collection[Hashable], cost: Cost
) -> tuple[frozenset[Hashable], set[Hashable], Callable[[Hashable], tuple[bool, float, str]]]:
    """What `suppress` and `rules.protect` both start from: the primary cells (each checked to
    be in the publication), the cells that may be hidden (not a known total), and the order in
    which shown cells are hidden (zeros last, then the cheapest)."""
    values = publication.values
    checked = frozenset(primary)
    unknown = [key for key in checked if key not in values]
    if unknown:
        raise ValueError(f"Primary cells {unknown!r} are not in the publication")
    hideable = {key for key in publication.cells if key not in publication.known_totals}

    def order(key: Hashable) -> tuple[bool, float, str]:
        return (values[key] == 0, cost(key, values[key]), repr(key))

    return checked, hideable, order


def suppress(
    publication: Publication,
    primary: Collection[Hashable],
    *,
    protection: Protection,
    cost: Cost = information,
    reshow: bool = True,
) -> Decision:
    """Primary cells plus the secondary cells that protect them, and the audit that proves it.

    protection: the interval width each hidden cell needs, `protection(key, true value)`, or an
    int for every hidden non-zero cell. cost: what hiding a cell loses (default: its value).
    reshow: step 5 of the module docstring (on by default).
    """
    primary, hideable, order = _prepared(publication, primary, cost)

    # Audits of groups of hidden cells that share no relation are independent: each group's
    # verdict is kept until a cell joins or leaves it.
    verdicts: dict[frozenset[Hashable], frozenset[Hashable]] = {}

    def short_of(hidden: set[Hashable]) -> set[Hashable]:
        short: set[Hashable] = set()
        for group in hidden_components(publication, hidden):
            if group not in verdicts:
                verdicts[group] = unprotected(
                    publication, group, protection=protection, exact=False
                )
            short |= verdicts[group]
        return short

    hidden = set(primary)
    final: Audit | None = None
    while True:
        short = short_of(hidden)
        if not short:
            # Over the reals every cell is protected; the exact audit settles the integers.
            final = audit(publication, hidden, protection=protection)
            short = set(final.failures)
            if not short:
                break
        added: set[Hashable] = set()
        touched: set[int] = set()
        for key in sorted(short, key=repr):
            if touched.intersection(publication.relations_of.get(key, ())):
                continue
            choice = _nearest_shown(publication, key, hidden | added, hideable, order)
            if choice is None:
                continue
            added.add(choice)
            touched.update(publication.relations_of.get(choice, ()))
        if not added:
            break  # nothing left to hide that could help: the audit below says what fails
        hidden |= added
    if reshow:
        for key in sorted(hidden - primary, key=order, reverse=True):
            hidden.discard(key)
            if short_of(hidden):
                hidden.add(key)
    return Decision(frozenset(hidden), primary, audit(publication, hidden, protection=protection))


def _nearest_shown(
    publication: Publication,
    start: Hashable,
    hidden: Collection[Hashable],
    hideable: Collection[Hashable],
    order: Callable[[Hashable], tuple[bool, float, str]],
) -> Hashable | None:
    """The cheapest hideable shown cell sharing a relation with `start`, or failing that with
    the hidden cells around it (breadth first through hidden cells)."""
    relations = publication.relations
    seen_relations: set[int] = set()
    frontier = {start}
    reached = {start}
    while frontier:
        candidates: set[Hashable] = set()
        next_frontier: set[Hashable] = set()
        for key in frontier:
            for i in publication.relations_of.get(key, ()):
                if i in seen_relations:
                    continue
                seen_relations.add(i)
                for other in relations[i].keys:
                    if other in hidden:
                        if other not in reached:
                            reached.add(other)
                            next_frontier.add(other)
                    elif other in hideable:
                        candidates.add(other)
        if candidates:
            return min(candidates, key=order)
        frontier = next_frontier
    return None
