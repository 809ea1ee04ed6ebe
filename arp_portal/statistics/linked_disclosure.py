"""Disclosure control across linked tables whose totals may themselves be hidden.

disclosure.suppress_table assumes every partition adds up to a total that is shown. Survey
results need more: a total is often a cell of another table (a group's size is a cell of the
breakdown by group; the count for all staff is the total of the counts for each role), and that
total may be hidden. Hiding a total is only safe if some cell under it is hidden too, or the
total is recovered by adding its cells up. And filtered views (one role, grade or locality at a
time) must be suppressed together with the unfiltered view, so that subtracting one view from
another reveals nothing: the unfiltered view's decisions are passed in as `fixed`.

Each constraint says `total = sum(members)`. The rules, applied until nothing changes:

- primary: a cell under the threshold (but not zero) is hidden, and so is a member whose
  complement within its shown total is under the threshold (disclosure.primary_suppression);
- where the total is shown: disclosure.secondary_suppression (at least two hidden cells, and in
  strict mode hidden cells that together reach the threshold);
- where the total is hidden: at least one member is hidden, so the total cannot be had by
  addition.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from arp_portal.statistics.disclosure import is_small, secondary_suppression


@dataclass(frozen=True)
class Constraint:
    total: Hashable
    members: tuple[Hashable, ...]


def suppress_linked(
    counts: Mapping[Hashable, int],
    constraints: Iterable[Constraint],
    threshold: int,
    *,
    fixed: Mapping[Hashable, bool] | None = None,
    strict: bool = True,
) -> set[Hashable]:
    """The cells to hide. `fixed` maps cells whose fate is already decided (True: hidden,
    False: shown) and which must not change; they are usually totals from a wider table.

    Raises ValueError if a constraint's members do not add up to its total: a table that does
    not add up would make the protection meaningless.
    """
    fixed = dict(fixed or {})
    constraints = [c for c in constraints if c.members]
    for constraint in constraints:
        members_sum = sum(counts[key] for key in constraint.members)
        if members_sum != counts[constraint.total]:
            raise ValueError(
                f"Members of {constraint.total!r} add up to {members_sum}, "
                f"not {counts[constraint.total]}"
            )
    hidden = {key for key, is_hidden in fixed.items() if is_hidden}
    hidden |= {
        key for key, count in counts.items() if key not in fixed and is_small(count, threshold)
    }
    for constraint in constraints:
        total = counts[constraint.total]
        hidden |= {
            key
            for key in constraint.members
            if key not in fixed and is_small(total - counts[key], threshold)
        }

    def free(keys):
        return [key for key in keys if key not in fixed and key not in hidden]

    changed = True
    while changed:
        changed = False
        for constraint in constraints:
            members = constraint.members
            if constraint.total in hidden:
                if any(key in hidden for key in members):
                    continue
                candidates = sorted(
                    free(members), key=lambda k: (counts[k] == 0, counts[k], str(k))
                )
                if candidates:
                    hidden.add(candidates[0])
                    changed = True
                continue
            already = {key for key in members if key in hidden}
            if not already:
                continue
            cells = {key: counts[key] for key in members if key in hidden or key not in fixed}
            extra = secondary_suppression(cells, already, threshold, strict=strict) - hidden
            if extra:
                hidden |= extra
                changed = True
                continue
            hidden_sum = sum(counts[key] for key in already)
            still_exposed = len(already) == 1 or (strict and hidden_sum < threshold)
            if still_exposed and constraint.total not in fixed:
                # No member is left to hide: hide the total instead, so the hidden members
                # cannot be had by subtraction.
                hidden.add(constraint.total)
                changed = True
    return hidden
