"""Disproportionality of a cohort of children by ethnic group: the tables the dashboards show.

Pure Python, no Django: counts and populations go in as mappings of DfE code to a number, and
the grouping (detailed codes, or the major groups) is passed in, so the same arithmetic serves
the page, the exports and the tests. Formulas (docs/domain.md, "Measuring disproportionality"):

- rate per 10,000 = O / P x 10,000, with Byar (O >= 10) or exact (O < 10) limits;
- relative rate index = r_g / r_ref, with exp(ln RRI +/- 1.96 sqrt(1/O_g + 1/O_ref));
- disproportionality index = (O_g / O_known) / (P_g / P_known);
- shares are of children whose ethnicity is known (unknowns are reported as "% unknown"), so the
  disproportionality index is exactly share of cohort over share of population.

Disclosure control follows DfE's convention: counts of 1 to 5 are shown as "c", another cell of
the same breakdown is hidden so the first cannot be had by subtraction (threshold 6, not strict),
and no rate, share or ratio is shown for a hidden count, nor a ratio against a hidden reference.
"""

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from arp_portal.statistics.disclosure import is_small, suppress_partition
from arp_portal.statistics.intervals import (
    Estimate,
    disproportionality_index,
    percentage,
    rate_estimate_per_10k,
    relative_rate,
)

DISCLOSURE_THRESHOLD = 6  # counts 1-5 are hidden (DfE)
UNKNOWN = "Unknown"
KNOWN = "known"  # the total of known ethnicity, which shares and indices reveal
TOTAL = "total"  # the headline: every child in the cohort
# The cell each reference's count is: relative rate indices reveal it.
REFERENCE_NODE = {"WBRI": "WBRI", "white": "White", "all": KNOWN}
NO_ESTIMATE = Estimate(None, None, None)


@dataclass(frozen=True)
class Group:
    """A row of a table: a detailed DfE code, or a major group made of several codes."""

    key: str  # "BCRB", or "Black"
    label: str  # "Caribbean", or "Black"
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    key: str  # "WBRI", "white" or "all"
    label: str  # "White British children"
    codes: tuple[str, ...]


@dataclass(frozen=True)
class GroupRow:
    group: Group
    count: int
    population: int | None
    suppressed: bool
    rate: Estimate = NO_ESTIMATE  # per 10,000
    rri: Estimate = NO_ESTIMATE
    disproportionality_index: float | None = None
    share_of_cohort_pct: float | None = None
    share_of_population_pct: float | None = None

    @property
    def over_represented(self) -> bool:
        return self.rri.excludes_one and (self.rri.value or 0) > 1

    @property
    def under_represented(self) -> bool:
        return self.rri.excludes_one and (self.rri.value or 0) < 1


@dataclass(frozen=True)
class CohortTable:
    rows: list[GroupRow]
    reference: Reference
    reference_count: int
    reference_population: int
    reference_suppressed: bool
    total_count: int  # every child in the cohort, ethnicity known or not
    unknown_count: int
    unknown_suppressed: bool
    population_total: int | None
    rates_shown: bool
    all_children_rate: Estimate = NO_ESTIMATE
    total_suppressed: bool = False  # the headline count is "c"
    known_suppressed: bool = False  # the total of known ethnicity: shares and indices hidden

    @property
    def known_count(self) -> int:
        return self.total_count - self.unknown_count

    @property
    def unknown_pct(self) -> float | None:
        return percentage(self.unknown_count, self.total_count)

    def row(self, key: str) -> GroupRow | None:
        return next((row for row in self.rows if row.group.key == key), None)


def _total(values: Mapping[str, int] | None, codes: Sequence[str]) -> int:
    if values is None:
        return 0
    return sum(values.get(code, 0) for code in codes)


def cohort_table(
    counts: Mapping[str, int],
    population: Mapping[str, int] | None,
    *,
    groups: Sequence[Group],
    reference: Reference,
    unknown_codes: Sequence[str],
    rates_shown: bool = True,
    threshold: int = DISCLOSURE_THRESHOLD,
    hidden: Collection[str] | None = None,
) -> CohortTable:
    """Counts, rates, ratios and shares for each group of one cohort, with small counts hidden.

    hidden: the cells the disclosure engine hid for this view (group keys, UNKNOWN, KNOWN,
    TOTAL and the reference's node, see REFERENCE_NODE), decided with every other view of the
    date; without it, the table is suppressed alone (counts 1-5 and one more cell).

    population None (or empty) means no estimate is available: counts and shares of the cohort
    are still shown. rates_shown False hides rates per 10,000 but keeps ratios: used when the
    population cannot be cut the way the cohort was (by sex), as ratios need only the groups'
    populations to be in proportion.
    """
    population = population or None
    known_codes = [code for group in groups for code in group.codes]
    group_counts = {group.key: _total(counts, group.codes) for group in groups}
    unknown_count = _total(counts, unknown_codes)
    total_count = sum(group_counts.values()) + unknown_count
    known_count = total_count - unknown_count

    reference_count = _total(counts, reference.codes)
    reference_population = _total(population, reference.codes)
    hidden_set: set[Hashable]
    if hidden is None:
        cells: dict[Hashable, int] = {key: n for key, n in group_counts.items()}
        cells[UNKNOWN] = unknown_count
        hidden_set = suppress_partition(cells, threshold, total=total_count, strict=False)
        displayed_reference = next(
            (group.key for group in groups if group.codes == reference.codes), None
        )
        reference_suppressed = is_small(reference_count, threshold) or (
            displayed_reference in hidden_set
        )
    else:
        hidden_set = set(hidden)
        reference_suppressed = REFERENCE_NODE.get(reference.key, reference.key) in hidden_set
    known_suppressed = KNOWN in hidden_set
    population_known = _total(population, known_codes) if population else None

    rows = []
    for group in groups:
        count = group_counts[group.key]
        group_population = _total(population, group.codes) if population else None
        if group.key in hidden_set:
            rows.append(GroupRow(group, count, group_population, suppressed=True))
            continue
        share_of_population = (
            percentage(group_population, population_known)
            if group_population is not None and population_known is not None
            else None
        )
        row = GroupRow(
            group,
            count,
            group_population,
            suppressed=False,
            share_of_cohort_pct=None if known_suppressed else percentage(count, known_count),
            share_of_population_pct=share_of_population,
        )
        if population_known is not None and group_population:
            row = replace(
                row,
                rate=rate_estimate_per_10k(count, group_population) if rates_shown else NO_ESTIMATE,
                disproportionality_index=None
                if known_suppressed
                else disproportionality_index(
                    count, known_count, group_population, population_known
                ),
                rri=NO_ESTIMATE
                if reference_suppressed
                else relative_rate(count, group_population, reference_count, reference_population),
            )
        rows.append(row)

    all_rate = (
        rate_estimate_per_10k(known_count, population_known)
        if population and population_known and rates_shown and not known_suppressed
        else NO_ESTIMATE
    )
    return CohortTable(
        rows=rows,
        reference=reference,
        reference_count=reference_count,
        reference_population=reference_population,
        reference_suppressed=reference_suppressed,
        total_count=total_count,
        unknown_count=unknown_count,
        unknown_suppressed=UNKNOWN in hidden_set,
        population_total=population_known,
        rates_shown=rates_shown and bool(population),
        all_children_rate=all_rate,
        total_suppressed=TOTAL in hidden_set,
        known_suppressed=known_suppressed,
    )


@dataclass(frozen=True)
class PathwayCell:
    count: int
    base: int | None  # the stage before's count (or the population, for the first stage)
    suppressed: bool
    rri: Estimate = NO_ESTIMATE  # against the reference, at this stage, given the stage before


@dataclass(frozen=True)
class PathwayStage:
    key: str
    label: str
    cells: dict[str, PathwayCell] = field(default_factory=dict)  # group key -> cell
    reference_count: int = 0
    against: str = ""  # what the stage's RRI is taken against: "population" or a stage label


# A stage of the pathway: (key, label, counts by code), and the key of the earlier stage it is
# taken against where that is not the one just before.
StageCounts = tuple[str, str, Mapping[str, int]] | tuple[str, str, Mapping[str, int], str]


def pathway(
    stages: Sequence[StageCounts],
    population: Mapping[str, int] | None,
    *,
    groups: Sequence[Group],
    reference: Reference,
    unknown_codes: Sequence[str],
    threshold: int = DISCLOSURE_THRESHOLD,
    hidden_by_stage: Mapping[str, Collection[str]] | None = None,
) -> list[PathwayStage]:
    """The relative rate matrix (OJJDP): each stage's RRI taken against the stage before.

    stages: (key, label, counts by code) in pathway order. A stage with no children at all (no
    data for it, such as child in need plans when only a case export was imported) is left out,
    and the next stage is compared with the one before it. The first stage is compared with the
    population. RRI at a stage = (O_g,s / O_g,s-1) / (O_ref,s / O_ref,s-1).

    A stage may name (as a fourth element) the key of an earlier stage to be compared with
    instead of the one just before: the front door branches, so early help and a referral are
    each taken against contacts.
    """
    result: list[PathwayStage] = []
    previous: dict[str, int] | None = None
    previous_hidden: set[Hashable] = set()
    previous_reference: int | None = None
    previous_label = "population"
    earlier: dict[str, tuple[dict[str, int], set[Hashable], int, str]] = {}
    for key, label, counts, *against in stages:
        group_counts = {group.key: _total(counts, group.codes) for group in groups}
        unknown = _total(counts, unknown_codes)
        total = sum(group_counts.values()) + unknown
        if total == 0:
            continue
        reference_node = REFERENCE_NODE.get(reference.key, reference.key)
        decided = hidden_by_stage is not None and key in hidden_by_stage
        hidden: set[Hashable]
        if decided and hidden_by_stage is not None:
            hidden = set(hidden_by_stage[key])
        else:
            # A stage the engine has not decided (the front door's contacts) is suppressed on
            # its own, as a partition.
            stage_cells: dict[Hashable, int] = {key: n for key, n in group_counts.items()}
            stage_cells[UNKNOWN] = unknown
            hidden = suppress_partition(stage_cells, threshold, total=total, strict=False)
        reference_count = _total(counts, reference.codes)
        if against and against[0] in earlier:
            previous, previous_hidden, previous_reference, previous_label = earlier[against[0]]
        bases: Mapping[str, int | None]
        if previous is None:
            bases = {
                group.key: (_total(population, group.codes) if population else None)
                for group in groups
            }
            reference_base = _total(population, reference.codes) if population else None
        else:
            bases = previous
            reference_base = previous_reference
        if not decided:
            reference_hidden = is_small(reference_count, threshold) or (
                previous is not None and is_small(reference_base or 0, threshold)
            )
        else:
            reference_hidden = reference_node in hidden or (
                previous is not None and reference_node in previous_hidden
            )
        stage = PathwayStage(key, label, reference_count=reference_count, against=previous_label)
        for group in groups:
            count = group_counts[group.key]
            base = bases.get(group.key)
            suppressed = group.key in hidden
            base_hidden = group.key in previous_hidden
            rri = NO_ESTIMATE
            if not (suppressed or base_hidden or reference_hidden):
                rri = relative_rate(count, base or 0, reference_count, reference_base or 0)
            stage.cells[group.key] = PathwayCell(count, base, suppressed, rri)
        result.append(stage)
        earlier[key] = (group_counts, hidden, reference_count, label)
        previous = group_counts
        previous_hidden = hidden
        previous_reference = reference_count
        previous_label = label
    return result


def since_when(flags: Sequence[tuple[str, bool]]) -> str | None:
    """The first period of the unbroken run of flagged periods that reaches the latest one.

    flags: (period label, flagged) in time order. None if the latest period is not flagged.
    """
    start = None
    for label, flagged in flags:
        start = (start or label) if flagged else None
    return start


def format_ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def format_rate(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def rri_sentence(
    *, group_phrase: str, reference_phrase: str, outcome_phrase: str, rri: Estimate
) -> str:
    """'Black children were 2.1 times as likely as White British children to be in care on 31
    March 2025 (95% CI 1.8 to 2.5).' with a note when the interval includes 1."""
    if rri.value is None or rri.low is None or rri.high is None:
        return (
            f"No ratio can be given for {group_phrase} {outcome_phrase}: a count is too small "
            "to show or there are no children to compare."
        )
    sentence = (
        f"{group_phrase[0].upper()}{group_phrase[1:]} were {rri.value:.1f} times as likely as "
        f"{reference_phrase} {outcome_phrase} (95% CI {rri.low:.1f} to {rri.high:.1f})."
    )
    if not rri.excludes_one:
        sentence += " The interval includes 1, so the difference could be chance."
    return sentence
