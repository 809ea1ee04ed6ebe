"""Turns audit results into the page's tables and sentences: pure functions of data already
fetched, so they are tested without a database."""

from collections.abc import Sequence
from dataclasses import dataclass

from arp_portal.statistics.audits import ALL_GROUPS, GroupResult, Share, share
from dashboards.audits.models import AuditAnswer, AuditGrade

SUPPRESSED = "c"
GOOD_OR_BETTER = (AuditGrade.OUTSTANDING, AuditGrade.GOOD)


def percent(share: Share | None) -> str:
    if share is None or share.estimate.value is None:
        return ""
    return f"{share.estimate.value:.1f}%"


def percent_with_interval(share: Share | None) -> str:
    if share is None or share.estimate.value is None:
        return ""
    return f"{share.estimate.value:.1f}% ({share.estimate.low:.1f} to {share.estimate.high:.1f})"


def group_label(group: str) -> str:
    return "All groups" if group == ALL_GROUPS else group


@dataclass
class Table:
    caption: str
    head: list[str]
    rows: list[dict]
    label_head: str = "Ethnic group"


def question_table(question_key: str, question_text: str, results: list[GroupResult]) -> Table:
    rows = []
    for result in results:
        if result.suppressed:
            cells = [SUPPRESSED] * 4
        else:
            answers = result.answers.get(question_key, {})
            cells = [
                f"{result.cases:,}",
                percent_with_interval(answers.get(AuditAnswer.YES)),
                percent(answers.get(AuditAnswer.PARTLY)),
                percent(answers.get(AuditAnswer.NO)),
            ]
        rows.append({"label": group_label(result.group), "cells": cells})
    return Table(
        caption=question_text,
        head=["Cases audited", "Yes (95% CI)", "Partly", "No"],
        rows=rows,
    )


def grade_table(round_name: str, results: list[GroupResult]) -> Table:
    rows = []
    for result in results:
        if result.suppressed:
            cells = [SUPPRESSED] * (len(AuditGrade.values) + 2)
        else:
            good = _good_or_better(result)
            cells = [
                f"{result.cases:,}",
                *[percent(result.grades.get(grade)) for grade in AuditGrade.values],
                percent_with_interval(good),
            ]
        rows.append({"label": group_label(result.group), "cells": cells})
    return Table(
        caption=f"Overall grades, {round_name} (moderated grade where moderated)",
        head=["Cases audited", *AuditGrade.labels, "Good or better (95% CI)"],
        rows=rows,
    )


def _good_or_better(result: GroupResult) -> Share | None:
    if not result.grades:
        return None
    first = next(iter(result.grades.values()))
    count = sum(result.grades[grade].count for grade in GOOD_OR_BETTER if grade in result.grades)
    return share(count, first.total)


def comparison_table(
    question_key: str,
    question_text: str,
    rounds: Sequence[tuple[str, list[GroupResult]]],
) -> Table:
    """One question's "yes" rate by group (rows) and round (columns, oldest first)."""
    groups = [result.group for result in rounds[0][1]] if rounds else []
    rows = []
    for index, group in enumerate(groups):
        cells = []
        for _name, results in rounds:
            result = results[index]
            if result.suppressed:
                cells.append(SUPPRESSED)
            else:
                cells.append(percent_with_interval(result.answers.get(question_key, {}).get("yes")))
        rows.append({"label": group_label(group), "cells": cells})
    return Table(
        caption=f"“{question_text}”: yes, by round",
        head=[name for name, _ in rounds],
        rows=rows,
    )


def summary_sentences(
    questions: Sequence[tuple[str, str]],
    latest: tuple[str, list[GroupResult]],
    previous: tuple[str, list[GroupResult]] | None,
) -> list[str]:
    """For each racial-lens question: the yes rate over all groups, the lowest group shown,
    and the change since the round before."""
    name, results = latest
    overall = next((r for r in results if r.group == ALL_GROUPS), None)
    if overall is None or overall.suppressed or not overall.cases:
        return [f"Too few cases have been audited in {name} to report results."]
    sentences = []
    for key, text in questions:
        yes = overall.answers.get(key, {}).get(AuditAnswer.YES)
        if yes is None or yes.estimate.value is None:
            continue
        sentence = (
            f"“{text}” Yes in {yes.estimate.value:.0f}% of the {yes.total:,} cases audited in "
            f"{name} (95% CI {yes.estimate.low:.0f}% to {yes.estimate.high:.0f}%)."
        )
        shown = [
            (share.estimate.value, r.group, share)
            for r in results
            if r.group != ALL_GROUPS and not r.suppressed and key in r.answers
            for share in [r.answers[key][AuditAnswer.YES]]
            if share.estimate.value is not None
        ]  # fmt: skip
        if len(shown) >= 2:
            _, group, lowest = min(shown, key=lambda item: item[0])
            sentence += (
                f" Lowest for {group} children's cases: {lowest.estimate.value:.0f}% "
                f"({lowest.count:,} of {lowest.total:,})."
            )
        if previous is not None:
            before = next((r for r in previous[1] if r.group == ALL_GROUPS), None)
            if before is not None and not before.suppressed and key in before.answers:
                was = before.answers[key][AuditAnswer.YES].estimate.value
                if was is not None:
                    change = yes.estimate.value - was
                    if abs(change) < 0.5:
                        sentence += f" Unchanged since {previous[0]}."
                    else:
                        direction = "up" if change > 0 else "down"
                        sentence += (
                            f" {direction.capitalize()} {abs(change):.0f} percentage points "
                            f"since {previous[0]} ({was:.0f}%)."
                        )
        sentences.append(sentence)
    return sentences


def export_rows(
    template_name: str,
    questions: Sequence[tuple[str, str]],
    rounds: Sequence[tuple[str, list[GroupResult]]],
) -> list[list]:
    """Rows of the results download: one per round, group, question and answer, and grade."""
    rows = []
    for round_name, results in rounds:
        for result in results:
            group = group_label(result.group)
            if result.suppressed:
                rows.append([template_name, round_name, group, "", "", None, None, None, None,
                             None, True])  # fmt: skip
                continue
            for key, _text in questions:
                for answer, item in result.answers.get(key, {}).items():
                    rows.append(_share_row(template_name, round_name, group, key, answer, item))
            for grade, item in result.grades.items():
                rows.append(_share_row(template_name, round_name, group, "grade", grade, item))
    return rows


def _share_row(template, round_name, group, question, answer, item: Share) -> list:
    value = item.estimate
    return [
        template,
        round_name,
        group,
        question,
        answer,
        item.count,
        item.total,
        None if value.value is None else round(value.value, 1),
        None if value.low is None else round(value.low, 1),
        None if value.high is None else round(value.high, 1),
        False,
    ]


EXPORT_COLUMNS = [
    "template",
    "round",
    "group",
    "question",
    "answer",
    "count",
    "cases_answered",
    "percent",
    "ci_low",
    "ci_high",
    "suppressed",
]
