"""Fast secondary suppression: DfE-style line rules first, exact checks only to verify.

`suppress` (suppression.py) searches with a linear programme at every step and then tries to
show each secondary cell again, which costs hundreds of programmes for a children's release.
Published hierarchical tables (codes within major groups, teams within localities, age bands
within all ages) are protected almost entirely by a rule that needs no programme at all, the
one statisticians apply by hand (DfE, ONS):

1. Every relation (a row, a column, a group and its parts, a locality and its teams) is a line.
   A line with exactly one hidden cell that needs protection gives it away (the total minus
   the rest), so hide one more cell in that line: the cheapest shown one (the smallest count,
   zeros last, preferring a cell whose other lines already hold a hidden cell, so it opens no
   new line to protect).
2. A line whose hidden cells are all parts of a shown total (or are the total alone) bounds
   each of them by their sum: if that sum is below the protection a hidden cell needs, hide one
   more cell in the line, as in 1.
3. Repeat until no line breaks 1 or 2 (each step hides a cell, so this ends).

The rules are necessary, not sufficient (a cell can still be pinned by several lines at once),
so the result is then checked exactly, one independent block at a time (`hidden_components`:
hidden cells sharing no relation cannot narrow each other), with the same protection
intervals as `audit` (`unprotected`, integer programmes where the relaxation is fractional). A
block found short gets the search of `suppress` (the nearest shown cell), then the rules again,
and only that block is checked again. The outcome has the guarantee `suppress` gives: when
`ok`, every hidden cell's exact integer protection interval is at least as wide as required.
"""

from collections import deque
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass

from arp_portal.statistics.disclosure.protection import (
    Protection,
    hidden_block,
    hidden_components,
    required_protection,
    unprotected,
)
from arp_portal.statistics.disclosure.publication import Publication
from arp_portal.statistics.disclosure.suppression import (
    Cost,
    _nearest_shown,
    _prepared,
    information,
)


@dataclass(frozen=True)
class Protected:
    """What to hide, and the cells (none when `ok`) whose exact interval is still too narrow."""

    hidden: frozenset[Hashable]
    primary: frozenset[Hashable]
    failures: frozenset[Hashable]

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def secondary(self) -> frozenset[Hashable]:
        return self.hidden - self.primary


def line_rules(
    publication: Publication,
    hidden: Collection[Hashable],
    *,
    protection: Protection,
    hideable: Collection[Hashable],
    cost: Cost = information,
) -> set[Hashable]:
    """The hidden cells after rules 1-3 of the module docstring (no programme is solved)."""
    values = publication.values
    relations = publication.relations
    relations_of = publication.relations_of
    hidden = set(hidden)
    needs = {key: required_protection(protection, key, values[key]) for key in hidden}

    def need(key: Hashable) -> int:
        if key not in needs:
            needs[key] = required_protection(protection, key, values[key])
        return needs[key]

    def order(key: Hashable) -> tuple[bool, float, str]:
        lonely = sum(
            1
            for i in relations_of.get(key, ())
            if not any(other in hidden for other in relations[i].keys)
        )
        return (values[key] == 0, cost(key, values[key]) * (1 + lonely), repr(key))

    queue = deque(sorted({i for key in hidden for i in relations_of.get(key, ())}))
    queued = set(queue)
    while queue:
        i = queue.popleft()
        queued.discard(i)
        relation = relations[i]
        inside = [key for key in relation.keys if key in hidden]
        wanted = max((need(key) for key in inside), default=0)
        if wanted == 0:
            continue
        if len(inside) > 1:
            total_hidden = relation.total in hidden
            if total_hidden and len(inside) > 1:
                continue  # a hidden total over hidden parts: unbounded above by this line
            if sum(values[key] for key in inside) >= wanted:
                continue
        candidates = [key for key in relation.keys if key not in hidden and key in hideable]
        if not candidates:
            continue  # nothing left here: the exact check says whether it matters
        choice = min(candidates, key=order)
        hidden.add(choice)
        for j in relations_of.get(choice, ()):
            if j not in queued:
                queued.add(j)
                queue.append(j)
    return hidden


def protect(
    publication: Publication,
    primary: Collection[Hashable],
    *,
    protection: Protection,
    cost: Cost = information,
) -> Protected:
    """Primary cells, the line rules' secondary cells, and more only where an exact check of an
    independent block finds a cell short. See the module docstring."""
    primary, hideable, order = _prepared(publication, primary, cost)
    hidden = line_rules(publication, primary, protection=protection, hideable=hideable, cost=cost)
    # Each independent block's verdict stands until a cell joins or leaves it.
    verdicts: dict[frozenset[Hashable], frozenset[Hashable]] = {}

    def short_of(cells: set[Hashable]) -> set[Hashable]:
        short: set[Hashable] = set()
        for block in hidden_components(publication, cells):
            if block not in verdicts:
                verdicts[block] = unprotected(publication, block, protection=protection)
            short |= verdicts[block]
        return short

    while True:
        short = short_of(hidden)
        if not short:
            break
        added: set[Hashable] = set()
        for key in sorted(short, key=repr):
            choice: Hashable | None = _nearest_shown(  # type: ignore[no-untyped-call]
                publication, key, hidden | added, hideable, order
            )
            if choice is not None:
                added.add(choice)
        if not added:
            break  # nothing left to hide that could help: `failures` says what fails
        hidden = line_rules(
            publication, hidden | added, protection=protection, hideable=hideable, cost=cost
        )

    def block_short(cells: set[Hashable], seed: Hashable) -> bool:
        block = hidden_block(publication, cells, seed)
        if block not in verdicts:
            verdicts[block] = unprotected(publication, block, protection=protection)
        return bool(verdicts[block])

    hidden = _reshow(publication, hidden, primary, protection, order, block_short)
    return Protected(frozenset(hidden), primary, frozenset(short_of(hidden)))


def _lines_hold(
    publication: Publication, hidden: set[Hashable], key: Hashable, protection: Protection
) -> bool:
    """Whether every line through `key` still keeps rules 1 and 2 with `key` shown."""
    values = publication.values
    for i in publication.relations_of.get(key, ()):
        relation = publication.relations[i]
        inside = [k for k in relation.keys if k in hidden]
        wanted = max((required_protection(protection, k, values[k]) for k in inside), default=0)
        if wanted == 0:
            continue
        if len(inside) == 1:
            return False
        if relation.total not in hidden and sum(values[k] for k in inside) < wanted:
            return False
    return True


def _reshow(
    publication: Publication,
    hidden: set[Hashable],
    primary: frozenset[Hashable],
    protection: Protection,
    order: Callable[[Hashable], tuple[bool, float, str]],
    block_short: Callable[[set[Hashable], Hashable], bool],
) -> set[Hashable]:
    """Show again, most costly first, each secondary cell whose return keeps the line rules
    (a check in Python) and leaves protected the blocks it touched (the exact check, only
    then, and only of those blocks: the others' cells share no relation with it)."""
    hidden = set(hidden)
    relations = publication.relations
    for key in sorted(hidden - primary, key=order, reverse=True):
        hidden.discard(key)
        if not _lines_hold(publication, hidden, key, protection):
            hidden.add(key)
            continue
        neighbours = {
            other
            for i in publication.relations_of.get(key, ())
            for other in relations[i].keys
            if other in hidden
        }
        if any(block_short(hidden, other) for other in neighbours):
            hidden.add(key)
    return hidden
