"""Disclosure control by group, as survey tools do it: a group is shown whole or not at all.

The policy (docs/adr/051-survey-group-threshold-disclosure.md; Qualtrics EX and Culture Amp
set a minimum of respondents per reported group, usually 5; the NHS Staff Survey 11; the GP
Patient Survey 10):

- primary: a group of 1 to threshold-1 respondents is hidden, with everything about it
  (`small_groups`); inside a group that is shown, every answer is shown;
- differencing: no hidden group's size may be narrowed, from everything published, to fewer
  than `threshold` possible values. That is the complement rule made exact: where a group's
  total is shown, the groups hidden under it together hold none or at least the threshold
  (otherwise "all staff" minus "White" in a locality of 478 isolates the 8 others), and one
  hidden group alone under a shown total needs a partner, since it is the total less the
  rest. The disclosure engine's `suppress` finds the further groups to hide (the smallest
  first) and its audit proves every hidden group's protection interval wide enough.

Over time, `release_step_problems` checks that between two releases of an open survey each
group a reader can follow gains no respondents or at least the threshold.

Pure Python: no Django, no database. Groups are any hashable keys; a `Partition` says that a
group's respondents are exactly those of its parts.
"""

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

# A group's key: whatever the caller names its groups by, the same type throughout one call.
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Partition(Generic[K]):
    """size[total] == sum(size[p] for p in parts): the parts split the total's respondents."""

    total: K
    parts: tuple[K, ...]


def is_small(count: int, threshold: int) -> bool:
    """Under the threshold but not zero: nobody is singled out by a group of no one."""
    return 0 < count < threshold


def check_partitions(sizes: Mapping[K, int], partitions: Iterable[Partition[K]]) -> None:
    """Raises ValueError if a partition's parts do not add up to its total."""
    for partition in partitions:
        parts = sum(sizes[key] for key in partition.parts)
        if parts != sizes[partition.total]:
            raise ValueError(
                f"Groups under {partition.total!r} hold {parts} respondents, "
                f"not {sizes[partition.total]}"
            )


def small_groups(sizes: Mapping[K, int], threshold: int) -> set[K]:
    """The primary groups: 1 to threshold-1 respondents."""
    return {key for key, n in sizes.items() if is_small(n, threshold)}


def groups_to_hide(
    sizes: Mapping[K, int],
    partitions: Iterable[Partition[K]],
    threshold: int,
    *,
    fixed: Mapping[K, bool] | None = None,
) -> set[K]:
    """The groups the rules hide, partition by partition: the small groups, then, where a
    shown total's hidden groups hold 1 to threshold-1 respondents or there is one of them
    alone, the smallest further group under it (or the total itself, if none is left). A hidden
    total with nothing hidden under it gets its smallest group hidden. `fixed` maps groups
    already decided (True: hidden) that must not change.

    The rules look at one partition at a time; the engine's audit then looks at all of them
    together (surveys.publication.decide_hidden), as partitions combine in ways no rule sees."""
    partitions = [p for p in partitions if p.parts]
    check_partitions(sizes, partitions)
    fixed = dict(fixed or {})
    hidden = {key for key, is_hidden in fixed.items() if is_hidden}
    hidden |= {key for key in small_groups(sizes, threshold) if key not in fixed}

    def smallest_free(keys: Iterable[K]) -> K | None:
        # Hiding a group of no one protects nobody: its zero is known from the others.
        free = [k for k in keys if k not in fixed and k not in hidden and sizes[k] > 0]
        return min(free, key=lambda k: (sizes[k], repr(k))) if free else None

    changed = True
    while changed:
        changed = False
        for partition in partitions:
            hidden_parts = [k for k in partition.parts if k in hidden and sizes[k] > 0]
            hidden_sum = sum(sizes[k] for k in hidden_parts)
            if partition.total not in hidden:
                if not is_small(hidden_sum, threshold) and len(hidden_parts) != 1:
                    continue
                choice = smallest_free(partition.parts)
                if choice is None and partition.total not in fixed:
                    choice = partition.total
            elif sizes[partition.total] > 0 and hidden_sum == 0:
                choice = smallest_free(partition.parts)
            else:
                continue
            if choice is not None:
                hidden.add(choice)
                changed = True
    return hidden


def release_step_problems(
    old_sizes: Mapping[K, int],
    old_hidden: Collection[K],
    new_sizes: Mapping[K, int],
    new_hidden: Collection[K],
    partitions: Iterable[Partition[K]],
    threshold: int,
) -> set[K]:
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
    followed = {
        key for key in keys if key not in old_hidden and key not in new_hidden and key in old_sizes
    }
    problems = {key for key in followed if is_small(gain[key], threshold)}
    for partition in partitions:
        if partition.total not in followed:
            continue
        # The total's gain less the followed parts': what the reader learns of the rest. (An
        # old release need keep only the sizes it showed.)
        unfollowed = gain[partition.total] - sum(gain[k] for k in partition.parts if k in followed)
        if is_small(unfollowed, threshold):
            problems.add(partition.total)
    return problems
