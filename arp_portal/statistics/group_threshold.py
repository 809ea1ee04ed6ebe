"""Disclosure control by group, as survey tools do it: a group is shown whole or not at all.

The policy (docs/adr/051-survey-group-threshold-disclosure.md; Qualtrics EX and Culture Amp
set a minimum of respondents per reported group, usually 5; the NHS Staff Survey 11; the GP
Patient Survey 10):

- primary: a group of 1 to threshold-1 respondents is hidden, with everything about it;
- differencing: where a group's total is shown, the groups hidden under it must together hold
  none or at least the threshold, or subtracting the shown ones from the total isolates the
  few that are left ("all staff" minus "White" in a locality of 478 with 8 others); and one
  hidden group alone under a shown total is that total less the others, so it needs a
  partner. A further group is hidden until both hold: the least valued, then the smallest. A
  hidden total with no hidden group under it would be had by addition, so one of its groups
  is hidden too;
- the proof: an audit supplied by the caller (the disclosure engine's protection intervals
  over every published number) names hidden groups that can still be narrowed too far, and a
  group beside each is hidden, until the audit passes.

Over time, `release_step_problems` checks that between two releases of an open survey each
group a reader can follow gains no respondents or at least the threshold.

Pure Python: no Django, no database. Groups are any hashable keys; a `Partition` says that a
group's respondents are exactly those of its parts.
"""

from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Partition:
    """size[total] == sum(size[p] for p in parts): the parts split the total's respondents."""

    total: Hashable
    parts: tuple[Hashable, ...]


def is_small(count: int, threshold: int) -> bool:
    """Under the threshold but not zero: nobody is singled out by a group of no one."""
    return 0 < count < threshold


def check_partitions(sizes: Mapping[Hashable, int], partitions: Iterable[Partition]) -> None:
    """Raises ValueError if a partition's parts do not add up to its total."""
    for partition in partitions:
        parts = sum(sizes[key] for key in partition.parts)
        if parts != sizes[partition.total]:
            raise ValueError(
                f"Groups under {partition.total!r} hold {parts} respondents, "
                f"not {sizes[partition.total]}"
            )


def groups_to_hide(
    sizes: Mapping[Hashable, int],
    partitions: Iterable[Partition],
    threshold: int,
    *,
    fixed: Mapping[Hashable, bool] | None = None,
    keep: Callable[[Hashable], int] | None = None,
    unprotected: Callable[[set[Hashable]], Collection[Hashable]] | None = None,
) -> set[Hashable]:
    """The groups to hide whole. `fixed` maps groups already decided (True: hidden) that must
    not change, such as the unfiltered view's groups when deciding a filter's. `keep(key)`
    ranks how much a group is worth showing (0 ordinary, higher for headline groups): where a
    further group must go, lower ranks go first, then smaller groups. `unprotected(hidden)`
    is the audit: the hidden groups still narrowed too far."""
    partitions = [p for p in partitions if p.parts]
    check_partitions(sizes, partitions)
    fixed = dict(fixed or {})
    rank = keep or (lambda key: 0)
    hidden = {key for key, is_hidden in fixed.items() if is_hidden}
    hidden |= {key for key, n in sizes.items() if key not in fixed and is_small(n, threshold)}

    def free(keys: Iterable[Hashable]) -> list[Hashable]:
        # Hiding a group of no one protects nobody: its zero is known from the others.
        return [k for k in keys if k not in fixed and k not in hidden and sizes[k] > 0]

    def order(key: Hashable):
        return (rank(key), sizes[key], repr(key))

    def apply_rules() -> None:
        changed = True
        while changed:
            changed = False
            for partition in partitions:
                hidden_parts = [k for k in partition.parts if k in hidden and sizes[k] > 0]
                hidden_sum = sum(sizes[k] for k in hidden_parts)
                if partition.total not in hidden:
                    # One hidden group under a shown total is the total less the others: it
                    # needs a partner, and together they must reach the threshold.
                    if not is_small(hidden_sum, threshold) and len(hidden_parts) != 1:
                        continue
                    candidates = free(partition.parts)
                    if candidates:
                        hidden.add(min(candidates, key=order))
                    elif partition.total not in fixed:
                        hidden.add(partition.total)
                    else:
                        continue
                    changed = True
                elif sizes[partition.total] > 0 and hidden_sum == 0:
                    candidates = free(partition.parts)
                    if candidates:
                        hidden.add(min(candidates, key=order))
                        changed = True

    apply_rules()
    if unprotected is None:
        return hidden
    for _ in range(len(sizes)):
        failing = unprotected(set(hidden))
        if not failing:
            break
        grew = False
        for key in sorted(failing, key=repr):
            # A sibling under a shared total first; only then a total or the group's own parts.
            siblings = [other for p in partitions if key in p.parts for other in p.parts]
            around = [
                other
                for p in partitions
                if key == p.total or key in p.parts
                for other in (p.total, *p.parts)
            ]
            candidates = free(siblings) or free(around)
            if candidates:
                hidden.add(min(candidates, key=order))
                grew = True
        if not grew:
            break
        apply_rules()
    return hidden


def release_step_problems(
    old_sizes: Mapping[Hashable, int],
    old_hidden: Collection[Hashable],
    new_sizes: Mapping[Hashable, int],
    new_hidden: Collection[Hashable],
    partitions: Iterable[Partition],
    threshold: int,
) -> set[Hashable]:
    """Groups through which a reader holding both releases could single out fewer than the
    threshold of the respondents who arrived in between. Empty when the new release is safe.

    A group shown in both releases shows its gain exactly: it must be 0 or at least the
    threshold. Under a total shown in both, the groups not shown in one or the other are known
    together (the total's gain minus the shown groups'): their gain together must be 0 or at
    least the threshold too. Gains add up, so a step that is safe against each earlier release
    a reader has seen keeps every pair of releases safe."""
    old_hidden, new_hidden = set(old_hidden), set(new_hidden)
    keys = set(old_sizes) | set(new_sizes)
    gain = {key: new_sizes.get(key, 0) - old_sizes.get(key, 0) for key in keys}
    followed = {key for key in keys if key not in old_hidden and key not in new_hidden}
    problems = {key for key in followed if is_small(gain[key], threshold)}
    for partition in partitions:
        if partition.total not in followed:
            continue
        unfollowed = sum(gain.get(k, 0) for k in partition.parts if k not in followed)
        if is_small(unfollowed, threshold):
            problems.add(partition.total)
    return problems
