"""The front door by ethnic group: what is decided at first contact, and what follows early help.

Pure Python, no Django. Counts go in by DfE code; the grouping and the reference are passed in,
as for disproportionality.py. Measures (docs/front-door.md):

- contacts per 10,000 children: O / P x 10,000, Byar or exact Poisson limits (OHID);
- share of contacts leading to early help, and to a referral: Wilson score intervals;
- the decision-point ratio: (early help / referral) for the group over the same for the
  reference group, an odds ratio with Woolf's interval exp(ln OR +/- 1.96 sqrt(1/a + 1/b +
  1/c + 1/d)); below 1, the group's contacts are steered to a referral rather than early help
  more often than the reference group's;
- repeat contacts: share of contacts with another contact for the child in the year before;
- step-up: share of early help episodes closed in the period that stepped up to social care.

Disclosure: every count is a cell of one set of linked tables (group x outcome with the group's
contacts and the outcome's total; repeats and first contacts adding to contacts; early help
closures adding to those closed), and counts of 1 to 5 are hidden with what protects them
(small_cells.linked_cells_to_hide). A share, rate or ratio is shown only where its counts are.
"""

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from arp_portal.statistics.disproportionality import Group, Reference
from arp_portal.statistics.intervals import Z_95, Estimate, rate_estimate_per_10k, wilson_interval
from arp_portal.statistics.small_cells import THRESHOLD, linked_cells_to_hide

OUTCOMES = ("nfa", "advice", "early_help", "referral")
UNKNOWN = "Unknown"
ALL = "*"
NO_ESTIMATE = Estimate(None, None, None)


@dataclass(frozen=True)
class FrontDoorCounts:
    """By DfE code: contacts by outcome, repeat contacts, early help starts and closures."""

    contacts: Mapping[str, Mapping[str, int]]  # code -> outcome -> contacts
    repeats: Mapping[str, int]
    early_help_starts: Mapping[str, int]
    early_help_closed: Mapping[str, int]
    stepped_up: Mapping[str, int]


@dataclass(frozen=True)
class Share:
    count: int
    total: int
    estimate: Estimate  # a percentage with its 95% Wilson interval


def share(count: int, total: int) -> Share:
    if not total:
        return Share(count, total, NO_ESTIMATE)
    low, high = wilson_interval(count, total)
    assert low is not None and high is not None  # a total above 0 has an interval
    return Share(count, total, Estimate(count / total * 100, low * 100, high * 100))


def odds_ratio(a: int, b: int, c: int, d: int) -> Estimate:
    """(a / b) / (c / d) with Woolf's logit interval; undefined when any count is zero."""
    if not (a and b and c and d):
        return NO_ESTIMATE
    value = (a / b) / (c / d)
    spread = Z_95 * math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return Estimate(value, math.exp(math.log(value) - spread), math.exp(math.log(value) + spread))


@dataclass(frozen=True)
class FrontDoorRow:
    key: str
    label: str
    contacts: int
    contacts_hidden: bool
    outcome_counts: dict[str, int]
    outcome_hidden: dict[str, bool]
    rate: Estimate  # contacts per 10,000 children
    early_help: Share | None
    referral: Share | None
    decision_ratio: Estimate
    repeats: Share | None
    early_help_starts: int
    early_help_starts_hidden: bool
    step_up: Share | None


@dataclass(frozen=True)
class FrontDoorTable:
    rows: list[FrontDoorRow]  # the groups, then Unknown, then all children
    reference: Reference
    reference_hidden: bool
    population_shown: bool

    def row(self, key: str) -> FrontDoorRow | None:
        return next((row for row in self.rows if row.key == key), None)


def _sum(values: Mapping[str, int], codes: Sequence[str]) -> int:
    return sum(values.get(code, 0) for code in codes)


def _outcomes(counts: FrontDoorCounts, codes: Sequence[str]) -> dict[str, int]:
    return {o: sum(counts.contacts.get(code, {}).get(o, 0) for code in codes) for o in OUTCOMES}


def front_door_table(
    counts: FrontDoorCounts,
    population: Mapping[str, int] | None,
    *,
    groups: Sequence[Group],
    reference: Reference,
    unknown_codes: Sequence[str],
    threshold: int = THRESHOLD,
) -> FrontDoorTable:
    rows_codes = [(g.key, g.label, g.codes) for g in groups]
    rows_codes.append((UNKNOWN, "Ethnicity unknown", tuple(unknown_codes)))
    cells: dict[Hashable, int] = {}
    for key, _label, codes in rows_codes:
        for outcome, value in _outcomes(counts, codes).items():
            cells[(key, outcome)] = value
        contacts = sum(cells[(key, o)] for o in OUTCOMES)
        repeats = _sum(counts.repeats, codes)
        cells[(key, "contacts")] = contacts
        cells[(key, "repeat")] = repeats
        cells[(key, "first")] = contacts - repeats
        cells[(key, "eh_starts")] = _sum(counts.early_help_starts, codes)
        closed = _sum(counts.early_help_closed, codes)
        stepped = _sum(counts.stepped_up, codes)
        cells[(key, "eh_closed")] = closed
        cells[(key, "stepped_up")] = stepped
        cells[(key, "closed_other")] = closed - stepped
    keys = [key for key, _, _ in rows_codes]
    columns = [*OUTCOMES, "contacts", "repeat", "first", "eh_starts", "eh_closed", "stepped_up",
               "closed_other"]  # fmt: skip
    for column in columns:
        cells[(ALL, column)] = sum(cells[(key, column)] for key in keys)
    relations = []
    for key in [*keys, ALL]:
        relations.append(((key, "contacts"), [(key, o) for o in OUTCOMES]))
        relations.append(((key, "contacts"), [(key, "repeat"), (key, "first")]))
        relations.append(((key, "eh_closed"), [(key, "stepped_up"), (key, "closed_other")]))
    for column in columns:
        relations.append(((ALL, column), [(key, column) for key in keys]))
    hidden = linked_cells_to_hide(cells, relations, threshold=threshold)

    reference_outcomes = _outcomes(counts, reference.codes)
    ref_eh, ref_referral = reference_outcomes["early_help"], reference_outcomes["referral"]
    reference_row = next((g.key for g in groups if g.codes == reference.codes), None)
    reference_hidden = (
        0 < ref_eh < threshold
        or 0 < ref_referral < threshold
        or (reference_row is not None and (
            (reference_row, "early_help") in hidden or (reference_row, "referral") in hidden))
    )  # fmt: skip

    def shown_share(key: str, part: str, whole: str) -> Share | None:
        if (key, part) in hidden or (key, whole) in hidden:
            return None
        return share(cells[(key, part)], cells[(key, whole)])

    rows = []
    for key, label, codes in [*rows_codes, (ALL, "All children", ())]:
        group_population = None
        if population and key not in (UNKNOWN,):
            known = [c for g in groups for c in g.codes]
            group_population = _sum(population, known if key == ALL else codes)
        contacts_hidden = (key, "contacts") in hidden
        rate = NO_ESTIMATE
        if group_population and not contacts_hidden:
            count: int | None = cells[(key, "contacts")]
            if key == ALL and count is not None:
                count -= cells[(UNKNOWN, "contacts")]  # rates are of children of known ethnicity
                if (UNKNOWN, "contacts") in hidden:
                    count = None
            if count is not None:
                rate = rate_estimate_per_10k(count, group_population)
        ratio = NO_ESTIMATE
        if (
            key not in (UNKNOWN, ALL)
            and not reference_hidden
            and (key, "early_help") not in hidden
            and (key, "referral") not in hidden
        ):
            ratio = odds_ratio(cells[(key, "early_help")], cells[(key, "referral")], ref_eh,
                               ref_referral)  # fmt: skip
        rows.append(
            FrontDoorRow(
                key=key,
                label=label,
                contacts=cells[(key, "contacts")],
                contacts_hidden=contacts_hidden,
                outcome_counts={o: cells[(key, o)] for o in OUTCOMES},
                outcome_hidden={o: (key, o) in hidden for o in OUTCOMES},
                rate=rate,
                early_help=shown_share(key, "early_help", "contacts"),
                referral=shown_share(key, "referral", "contacts"),
                decision_ratio=ratio,
                repeats=shown_share(key, "repeat", "contacts"),
                early_help_starts=cells[(key, "eh_starts")],
                early_help_starts_hidden=(key, "eh_starts") in hidden,
                step_up=shown_share(key, "stepped_up", "eh_closed"),
            )
        )
    return FrontDoorTable(rows, reference, reference_hidden, bool(population))
