"""Practice-audit results by ethnic group: each question's answers and the overall grades, with
Wilson intervals for the shares, and small groups hidden.

Pure Python, no Django. The unit is an audited case. A group with 1 to 5 audited cases is shown
as "c" whole (and another group with it, as the round's total is shown), because answers inside
it would describe one or two children's cases; within a group that is shown, every answer is
shown, as survey tools do (docs/domain.md), since the share answering "no" is the very
figure the audit exists to find.
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from arp_portal.statistics.intervals import Estimate, wilson_interval
from arp_portal.statistics.small_cells import THRESHOLD, cells_to_hide

ALL_GROUPS = "All"


@dataclass(frozen=True)
class Share:
    count: int
    total: int
    estimate: Estimate  # as a percentage, with its 95% Wilson interval


def share(count: int, total: int) -> Share:
    if not total:
        return Share(count, total, Estimate(None, None, None))
    low, high = wilson_interval(count, total)
    assert low is not None and high is not None  # a total above 0 has an interval
    return Share(count, total, Estimate(count / total * 100, low * 100, high * 100))


@dataclass(frozen=True)
class GroupResult:
    group: str
    cases: int
    suppressed: bool
    answers: dict[str, dict[str, Share]] = field(
        default_factory=dict
    )  # question -> answer -> share
    grades: dict[str, Share] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseResult:
    """One audited case, as the statistics need it."""

    group: str
    answers: Mapping[str, str]  # question key -> "yes" | "partly" | "no"
    grade: str


def round_results(
    cases: Sequence[CaseResult],
    *,
    groups: Sequence[str],
    questions: Sequence[str],
    answer_values: Sequence[str] = ("yes", "partly", "no"),
    grade_values: Sequence[str],
    threshold: int = THRESHOLD,
) -> list[GroupResult]:
    """One row per group (in the order given) and a last row for all groups together.

    A question's shares are of the cases in which it was answered, so a question added to the
    template after some audits were recorded is not counted as "no" for them.
    """
    by_group: dict[str, list[CaseResult]] = {group: [] for group in groups}
    for case in cases:
        by_group.setdefault(case.group, []).append(case)
    sizes: dict[Hashable, int] = {group: len(by_group.get(group, [])) for group in groups}
    hidden = cells_to_hide(sizes, threshold=threshold)
    results = []
    for group in [*groups, ALL_GROUPS]:
        members = list(cases) if group == ALL_GROUPS else by_group.get(group, [])
        suppressed = group in hidden or (group == ALL_GROUPS and 0 < len(members) < threshold)
        if suppressed:
            results.append(GroupResult(group, len(members), True))
            continue
        answers = {}
        for question in questions:
            answered = [case.answers[question] for case in members if question in case.answers]
            answers[question] = {
                value: share(answered.count(value), len(answered)) for value in answer_values
            }
        graded = [case.grade for case in members if case.grade]
        grades = {value: share(graded.count(value), len(graded)) for value in grade_values}
        results.append(GroupResult(group, len(members), False, answers, grades))
    return results
