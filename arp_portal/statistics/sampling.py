"""Stratified random samples that can be drawn again: the same cases, seed and sizes give the
same sample, whatever order the cases were read in."""

import random
from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

Stratum = TypeVar("Stratum", bound=Hashable)


def stratified_sample(
    cases: Mapping[Stratum, Sequence[str]], sizes: Mapping[Stratum, int], seed: int
) -> dict[Stratum, list[str]]:
    """Up to sizes[stratum] references from each stratum, drawn without replacement.

    Each stratum's references are sorted first and drawn with its own generator (seeded from
    the seed and the stratum's name), so adding or resizing one stratum leaves the others'
    samples as they were. A stratum smaller than its size is taken whole.
    """
    sample: dict[Stratum, list[str]] = {}
    for stratum, size in sizes.items():
        if size < 0:
            raise ValueError(f"the sample size for {stratum} cannot be negative")
        population = sorted(set(cases.get(stratum, ())))
        if size == 0 or not population:
            sample[stratum] = []
            continue
        generator = random.Random(f"{seed}:{stratum}")
        drawn = population if size >= len(population) else generator.sample(population, size)
        sample[stratum] = sorted(drawn) if size >= len(population) else drawn
    return sample
