"""Writes for practice audits: templates and their questions, drawing a round, recording and
moderating an audit. Each is one transaction and checks what it writes."""

import datetime as dt
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from arp_portal.core.ethnicity import MajorGroup
from arp_portal.statistics.sampling import stratified_sample
from dashboards.audits import selectors
from dashboards.audits.models import (
    AuditAnswer,
    AuditCase,
    AuditCaseAnswer,
    AuditGrade,
    AuditQuestion,
    AuditRound,
    AuditTemplate,
)

RACIAL_LENS_TEMPLATE = "Thematic audit with a racial lens"
# The questions the programme's thematic audit asks (docs/domain.md, "The returns").
RACIAL_LENS_QUESTIONS = [
    ("ethnicity_recorded", "Is the child's ethnicity recorded as the family describes it?"),
    (
        "identity_in_assessment",
        "Are race, culture, religion and language considered in the assessment?",
    ),
    ("racism_explored", "Is the family's experience of racism explored?"),
    ("identity_needs_met", "Does the plan meet the child's identity needs?"),
]
SAMPLE_GROUPS = [str(group) for group in MajorGroup]


@transaction.atomic
def racial_lens_template_ensure() -> AuditTemplate:
    """The racial-lens template with its four questions (made once; edits are kept)."""
    template, created = AuditTemplate.objects.get_or_create(
        name=RACIAL_LENS_TEMPLATE,
        defaults={
            "description": "Whether ethnicity, race, culture, religion and language shape the "
            "assessment and plan, and whether the family's experience of racism is explored "
            "(the Race, Ethnicity, Culture and Religion thinking tool)."
        },
    )
    if created:
        for position, (key, text) in enumerate(RACIAL_LENS_QUESTIONS, start=1):
            AuditQuestion.objects.create(
                template=template, key=key, text=text, racial_lens=True, position=position
            )
    return template


@transaction.atomic
def audit_template_save(
    *, template: AuditTemplate | None = None, name: str, description: str
) -> AuditTemplate:
    template = template or AuditTemplate()
    template.name = name.strip()
    template.description = description.strip()
    template.full_clean()
    template.save()
    return template


def _unique_key(template: AuditTemplate, text: str, exclude: int | None) -> str:
    base = (slugify(text)[:40].strip("-") or "question").replace("-", "_")
    taken = set(
        template.questions.exclude(pk=exclude).values_list("key", flat=True)
        if exclude
        else template.questions.values_list("key", flat=True)
    )
    key, number = base, 2
    while key in taken:
        key = f"{base}_{number}"
        number += 1
    return key


@transaction.atomic
def audit_question_save(
    *,
    template: AuditTemplate,
    question: AuditQuestion | None = None,
    text: str,
    racial_lens: bool,
) -> AuditQuestion:
    """Add a question (at the end) or reword one. A reworded question keeps its key, so its
    linked measure and the rounds already answered stay joined to it."""
    if question is None:
        last = template.questions.order_by("-position").first()
        question = AuditQuestion(
            template=template,
            key=_unique_key(template, text, None),
            position=(last.position + 1) if last else 1,
        )
    question.text = text.strip()
    question.racial_lens = racial_lens
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def audit_question_delete(*, question: AuditQuestion) -> None:
    if question.answers.exists():
        raise ValidationError(
            "This question has been answered in an audit, so it cannot be deleted: results "
            "already recorded would change. Reword it instead."
        )
    question.delete()


@transaction.atomic
def audit_round_draw(
    *,
    template: AuditTemplate,
    name: str,
    open_on: dt.date,
    seed: int,
    sizes: Mapping[str, int],
    auditors: Sequence,
    by,
) -> AuditRound:
    """Sample cases open on a date, per ethnic group, and share them among the auditors in turn.

    Raises ValidationError when nothing could be sampled or the name is taken.
    """
    sizes = {group: int(size) for group, size in sizes.items() if int(size) > 0}
    if not sizes:
        raise ValidationError("Enter how many cases to sample from at least one ethnic group")
    unknown = set(sizes) - set(SAMPLE_GROUPS)
    if unknown:
        raise ValidationError(f"Not an ethnic group: {', '.join(sorted(unknown))}")
    if not template.questions.exists():
        raise ValidationError("The template has no questions: add some before drawing a round")
    open_cases = selectors.open_cases_by_group(open_on)
    drawn = stratified_sample(
        {group: list(cases) for group, cases in open_cases.items()}, sizes, seed
    )
    if not any(drawn.values()):
        raise ValidationError(f"No cases were open on {open_on:%-d %B %Y} in the groups chosen")
    audit_round = AuditRound(
        template=template, name=name.strip(), open_on=open_on, seed=seed, sizes=sizes,
        created_by=by,
    )  # fmt: skip
    audit_round.full_clean()
    audit_round.save()
    auditors = list(auditors)
    rows, position = [], 0
    for group in SAMPLE_GROUPS:
        for reference in drawn.get(group, []):
            child_id, code = open_cases[group][reference]
            rows.append(
                AuditCase(
                    round=audit_round,
                    child_id=child_id,
                    ethnicity=code,
                    ethnic_group=group,
                    position=position + 1,
                    auditor=auditors[position % len(auditors)] if auditors else None,
                )
            )
            position += 1
    AuditCase.objects.bulk_create(rows)
    return audit_round


@transaction.atomic
def audit_record(
    *, case: AuditCase, answers: Mapping[int, str], grade: str, summary: str, by
) -> AuditCase:
    """Record (or correct, before moderation) the audit of one case: every question answered."""
    if case.moderated:
        raise ValidationError("This audit has been moderated, so it can no longer be changed")
    questions = list(case.round.template.questions.all())
    missing = [q.text for q in questions if answers.get(q.pk) not in AuditAnswer.values]
    if missing:
        raise ValidationError(f"Answer every question: {'; '.join(missing)}")
    if grade not in AuditGrade.values:
        raise ValidationError("Select the overall grade")
    AuditCaseAnswer.objects.filter(case=case).delete()
    AuditCaseAnswer.objects.bulk_create(
        AuditCaseAnswer(case=case, question=question, answer=answers[question.pk])
        for question in questions
    )
    case.grade = grade
    case.summary = summary.strip()
    case.recorded_by = by
    case.recorded_at = timezone.now()
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def audit_moderate(*, case: AuditCase, grade: str, note: str, by) -> AuditCase:
    """A second person's view of a recorded audit: they agree the grade or change it."""
    if not case.recorded:
        raise ValidationError("This case has not been audited yet, so there is nothing to moderate")
    if case.recorded_by_id == by.pk:
        raise ValidationError("An audit is moderated by someone other than the person who did it")
    if grade not in AuditGrade.values:
        raise ValidationError("Select the moderated grade")
    if grade != case.grade and not note.strip():
        raise ValidationError("Say why the grade has changed")
    case.moderated_grade = grade
    case.moderation_note = note.strip()
    case.moderated_by = by
    case.moderated_at = timezone.now()
    case.full_clean()
    case.save()
    return case
