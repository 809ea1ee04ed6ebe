"""What a set of views publishes: every number, and how the numbers relate.

A `Publication` is the intruder's whole view of one release (one date of the children's
dashboard, one survey wave, one workforce period): every cell any page or download shows or
could show, and every additive relation between cells. Suppression then decides which of the
cells are hidden ("c"); the relations stay known, because they follow from what the views
mean (codes add up to their group; teams add up to their locality) and not from the numbers.

Modelling notes for callers:

- A table with a shown total is one `Relation(total, parts)`. A two-way table is one relation
  per row and one per column (and one for the grand total).
- Nesting is relations between levels: `Relation(("Black",), (("BCRB",), ("BAFR",), ("BOTH",)))`
  ties the detailed codes to their major group, `Relation(locality, teams)` the teams to their
  locality, whatever the detail.
- A filtered view against the whole: if only the whole and the filtered value are shown, add the
  complement as a cell of its own (never shown: put it in the hidden set) and
  `Relation(whole, (filtered, complement))`, so the complement is protected like any cell.
- Denominators that shares, percentages and indices reveal: a share shown to one decimal place
  next to its count pins the denominator (with a few shares, exactly); an index or rate pins the
  count if the denominator is shown. Model the revealed number as a cell that is published
  whenever the share is (a share of cohort of known ethnicity publishes the known-ethnicity
  total: add `known` as a cell, shown, with `Relation(known, groups)`); or, where the number is
  published however the suppression turns out, put it in `known_totals`. A share shown for a
  hidden count would publish the count itself: a caller hides the share with the count.
- `known_totals` are values the intruder has from elsewhere (another publication, a page this
  one cannot change). They can never be hidden; they may or may not also be in `cells`.
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Relation:
    """value[total] == sum(value[p] for p in parts), known to anyone who reads the views."""

    total: Hashable
    parts: tuple[Hashable, ...]

    def __post_init__(self) -> None:
        parts = tuple(self.parts)
        object.__setattr__(self, "parts", parts)
        if self.total in parts:
            raise ValueError(f"Relation {self.total!r} lists its own total among its parts")
        if len(set(parts)) != len(parts):
            raise ValueError(f"Relation {self.total!r} lists a part twice")

    @property
    def keys(self) -> tuple[Hashable, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Publication:
    """Every number a set of views publishes (its true value), and how the numbers relate.

    cells: each cell's true count (non-negative integer), hidden or not.
    relations: additive relations among cells and known totals.
    known_totals: values the intruder knows whatever is hidden (see the module docstring).

    Raises ValueError if a relation names an unknown key, a count is negative, a known total
    contradicts its cell, or a relation does not add up: protection of a table that does not add
    up would mean nothing.
    """

    cells: Mapping[Hashable, int]
    relations: Sequence[Relation]
    known_totals: Mapping[Hashable, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "relations", tuple(self.relations))
        values = self.values
        for key, value in values.items():
            if int(value) != value or value < 0:
                raise ValueError(f"Cell {key!r} is {value!r}: counts are non-negative integers")
        for key, value in self.known_totals.items():
            if key in self.cells and self.cells[key] != value:
                raise ValueError(
                    f"Known total {key!r} is {value}, but its cell is {self.cells[key]}"
                )
        for relation in self.relations:
            missing = [key for key in relation.keys if key not in values]
            if missing:
                raise ValueError(f"Relation {relation.total!r} names unknown cells {missing!r}")
            parts_sum = sum(values[key] for key in relation.parts)
            if parts_sum != values[relation.total]:
                raise ValueError(
                    f"Parts of {relation.total!r} add up to {parts_sum}, "
                    f"not {values[relation.total]}"
                )

    @cached_property
    def values(self) -> dict[Hashable, int]:
        """Every key's true value: the cells and the known totals."""
        return {**self.cells, **self.known_totals}

    @cached_property
    def relations_of(self) -> dict[Hashable, list[int]]:
        """Key -> indexes of the relations it appears in."""
        index: dict[Hashable, list[int]] = {}
        for i, relation in enumerate(self.relations):
            for key in relation.keys:
                index.setdefault(key, []).append(i)
        return index
