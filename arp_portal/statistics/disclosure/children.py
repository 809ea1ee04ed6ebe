"""The children's dashboard's policy, as DfE publishes: counts of 1 to 5 are shown as "c", zeros
are shown, and further cells are hidden so that no hidden count can be worked out from
everything published for the same date.

"Everything published for the same date" is one `Publication` per (date, measure, cohort): for
the whole authority, each locality and each team at all ages, and the whole authority in each
age band, every number the page and the downloads show (a view combining filters is
suppressed on its own, against these: dashboards/children/disclosure.py):

- the count of each detailed code (detailed view) and each major group (major view);
- "Unknown" (both views) and the headline "Children in the cohort" (`total`);
- the total of known ethnicity (`known`), which the share-of-cohort and disproportionality-index
  columns and the all-children rate reveal: it is a cell, published like any other (when it is
  hidden, so are those columns);
- the reference group's count (White British, White or all known), which every relative rate
  index reveals: it is the code's, the group's or `known`'s cell, so a hidden reference hides
  the ratios.

Relations: codes add up to their major group, groups to `known`, `known` plus Unknown to the
headline; the age bands add up to all ages; the localities add up to the whole authority, the
teams to their locality. Where a child can count twice (one child open to two teams counts in
each) or not at all at a level (an episode with no team), the parts do not add up to the
whole: the relation is then modelled with an unpublished cell for the difference, so an
intruder knows only what is true (teams add up to at least their locality), and the difference
itself needs no protection, since no page names it.

A rate, ratio or share is shown only beside a shown count, and so reveals nothing more.
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from arp_portal.statistics.disclosure.protection import Protection
from arp_portal.statistics.disclosure.publication import Publication, Relation
from arp_portal.statistics.disclosure.rules import Protected, protect

SMALLEST_SHOWN = 6  # counts 1 to 5 are "c" (DfE)
# A hidden count of 1 to 5 must not be narrowed to fewer than three possible values: never
# worked out exactly, and never to within one either way.
PROTECTION_WIDTH = 2

UNKNOWN = "Unknown"
KNOWN = "known"
TOTAL = "total"
ALL = "all"  # the whole authority, or all ages

Area = tuple[Any, ...]  # ("all",), ("locality", id) or ("team", id)
ViewKey = tuple[Any, ...]  # (area, age band)
Cell = tuple[Any, ...]  # (area, band, node): node a code, ("major", key), KNOWN, UNKNOWN or TOTAL


@dataclass(frozen=True)
class Structure:
    """How the views nest: major group -> codes (known ethnicity), age bands, localities and
    the locality of each team."""

    groups: Mapping[str, Sequence[str]]
    bands: Sequence[str]  # the age bands that add up to all ages
    all_bands: str  # the band key meaning all ages
    localities: Sequence[Hashable]
    team_locality: Mapping[Hashable, Hashable]


def is_small(count: int) -> bool:
    return 0 < count < SMALLEST_SHOWN


def major(key: str) -> tuple[str, str]:
    return ("major", key)


def _latent(cell: Hashable) -> tuple[str, Hashable]:
    return ("unpublished", cell)


def is_latent(key: Hashable) -> bool:
    return isinstance(key, tuple) and len(key) == 2 and key[0] == "unpublished"


def protection(key: Hashable, value: int) -> int:
    if is_latent(key):
        return 0
    return PROTECTION_WIDTH if is_small(value) else 0


class _Builder:
    def __init__(self) -> None:
        self.cells: dict[Hashable, int] = {}
        self.relations: list[Relation] = []
        self.latent: set[Hashable] = set()

    def relate(self, total: Hashable, parts: Sequence[Hashable]) -> None:
        """total = sum(parts) where it holds; otherwise with an unpublished difference."""
        parts = [part for part in parts if part in self.cells]
        if total not in self.cells:
            return
        difference = self.cells[total] - sum(self.cells[part] for part in parts)
        if difference == 0:
            self.relations.append(Relation(total, tuple(parts)))
        elif difference > 0:  # some children counted in no part
            rest = _latent(("rest", total))
            self.cells[rest] = difference
            self.latent.add(rest)
            self.relations.append(Relation(total, (*parts, rest)))
        else:  # some children counted in two parts: sum(parts) = total + overlap
            added, overlap = _latent(("sum", total)), _latent(("overlap", total))
            self.cells[added] = self.cells[total] - difference
            self.cells[overlap] = -difference
            self.latent |= {added, overlap}
            self.relations.append(Relation(added, tuple(parts)))
            self.relations.append(Relation(added, (total, overlap)))


def release_publication(
    counts: Mapping[ViewKey, Mapping[str, int]], structure: Structure
) -> tuple[Publication, set[Hashable]]:
    """One (date, measure, cohort)'s publication, from each view's counts by code (unknown
    codes already summed under UNKNOWN), and its unpublished cells."""
    builder = _Builder()
    cells = builder.cells
    areas: list[Area] = [(ALL,), *(("locality", loc) for loc in structure.localities)]
    areas += [("team", team) for team in structure.team_locality]
    # Every area at all ages, and the whole authority in each age band.
    views = [(area, structure.all_bands) for area in areas]
    views += [((ALL,), band) for band in structure.bands]
    for area, band in views:
        view = counts.get((area, band), {})
        for group, codes in structure.groups.items():
            for code in codes:
                cells[(area, band, code)] = view.get(code, 0)
            cells[(area, band, major(group))] = sum(view.get(code, 0) for code in codes)
            builder.relate((area, band, major(group)), [(area, band, code) for code in codes])
        cells[(area, band, KNOWN)] = sum(
            cells[(area, band, major(group))] for group in structure.groups
        )
        builder.relate(
            (area, band, KNOWN), [(area, band, major(group)) for group in structure.groups]
        )
        cells[(area, band, UNKNOWN)] = view.get(UNKNOWN, 0)
        cells[(area, band, TOTAL)] = cells[(area, band, KNOWN)] + cells[(area, band, UNKNOWN)]
        builder.relate((area, band, TOTAL), [(area, band, KNOWN), (area, band, UNKNOWN)])
    nodes = [
        *(code for codes in structure.groups.values() for code in codes),
        *(major(group) for group in structure.groups),
        KNOWN,
        UNKNOWN,
        TOTAL,
    ]
    for node in nodes:
        builder.relate(
            ((ALL,), structure.all_bands, node),
            [((ALL,), band, node) for band in structure.bands],
        )
    band = structure.all_bands
    for node in nodes:
        builder.relate(
            ((ALL,), band, node),
            [(("locality", loc), band, node) for loc in structure.localities],
        )
        for loc in structure.localities:
            teams = [t for t, of in structure.team_locality.items() if of == loc]
            if teams:
                builder.relate(
                    (("locality", loc), band, node),
                    [(("team", team), band, node) for team in teams],
                )
    return Publication(cells, builder.relations), builder.latent


def decide(
    counts: Mapping[ViewKey, Mapping[str, int]],
    structure: Structure,
    *,
    width: Protection = protection,
) -> Protected:
    """Counts of 1 to 5 hidden, then secondary suppression by the line rules, checked exactly
    block by block (rules.protect)."""
    publication, latent = release_publication(counts, structure)
    primary = {key for key, value in publication.cells.items() if is_small(value)} - latent
    return protect(publication, primary | latent, protection=width)
