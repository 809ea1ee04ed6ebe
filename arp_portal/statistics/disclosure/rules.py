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
so the result is then checked exactly, cell by cell, with `protection.Witnesses`: for each
hidden cell that needs protection, two integer assignments consistent with everything published
whose values of that cell differ by at least the width it needs, sought over the cell's
independent block (`hidden_block`: hidden cells sharing no relation cannot narrow each other),
so that finding none means the cell's exact integer interval is too narrow. A cell found short
gets the search of `suppress` (the nearest shown cell), then the rules again; hiding more cells
keeps every witness, so only the short cells are sought one again. Then each secondary cell is
tried shown again, most costly first, where the rules still hold without it; a witness that does
not move the cell stays valid with it shown, so only the cells whose witness moved it are
re-proved (few: each witness moves as few children as it can). The outcome has the guarantee
`suppress` gives: when `ok`, every hidden cell's exact integer protection interval is at least
as wide as required.
"""

from collections import deque
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass

from arp_portal.statistics.disclosure.protection import (
    Protection,
    Witnesses,
    required_protection,
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
    witnesses = Witnesses(publication, hidden, protection)
    while witnesses.short:
        added: set[Hashable] = set()
        for key in sorted(witnesses.short, key=repr):
            choice = _nearest_shown(publication, key, witnesses.hidden | added, hideable, order)
            if choice is not None:
                added.add(choice)
        if not added:
            break  # nothing left to hide that could help: `failures` says what fails
        hidden = line_rules(
            publication,
            witnesses.hidden | added,
            protection=protection,
            hideable=hideable,
            cost=cost,
        )
        witnesses.hide(hidden - witnesses.hidden)
    _reshow(publication, witnesses, primary, protection, order)
    return Protected(frozenset(witnesses.hidden), primary, witnesses.short)


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
    witnesses: Witnesses,
    primary: frozenset[Hashable],
    protection: Protection,
    order: Callable[[Hashable], tuple[bool, float, str]],
) -> None:
    """Show again, most costly first, each secondary cell whose return keeps the line rules
    (a check in Python) and leaves every hidden cell protected (exactly: `Witnesses` re-proves
    only the cells whose proof moved the cell being shown)."""
    for key in sorted(witnesses.hidden - primary, key=order, reverse=True):
        if _lines_hold(publication, witnesses.hidden - {key}, key, protection):
            witnesses.show(key)
