"""Reads for practice audits: open cases to sample from, a round's cases, and the results."""

import datetime as dt

from django.db import connection
from django.db.models import Count, Q, QuerySet

from arp_portal.core.ethnicity import MAJOR_GROUP_OF
from arp_portal.statistics.audits import CaseResult
from dashboards.audits.models import AuditCase, AuditCaseAnswer, AuditRound, AuditTemplate


def open_cases_by_group(date: dt.date) -> dict[str, dict[str, tuple[int, str]]]:
    """Children with any episode open on the date, by major group: {group: {ref: (id, code)}}."""
    sql = (
        "SELECT DISTINCT c.child_ref, c.id, c.ethnicity_id FROM core_episode e"
        " JOIN core_child c ON c.id = e.child_id"
        " WHERE e.start_date <= %s AND (e.end_date IS NULL OR e.end_date >= %s)"
    )
    result: dict[str, dict[str, tuple[int, str]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [date, date])
        for reference, child_id, code in cursor.fetchall():
            group = MAJOR_GROUP_OF.get(code, "Unknown")
            result.setdefault(group, {})[reference] = (child_id, code)
    return result


def rounds() -> QuerySet[AuditRound]:
    return AuditRound.objects.select_related("template").annotate(
        case_count=Count("cases"),
        recorded_count=Count("cases", filter=Q(cases__recorded_at__isnull=False)),
        moderated_count=Count("cases", filter=Q(cases__moderated_at__isnull=False)),
    )


def templates() -> QuerySet[AuditTemplate]:
    return AuditTemplate.objects.annotate(question_count=Count("questions", distinct=True))


def round_cases(audit_round: AuditRound) -> QuerySet[AuditCase]:
    return audit_round.cases.select_related("child", "auditor", "recorded_by", "moderated_by")


def cases_for(user) -> QuerySet[AuditCase]:
    """The cases assigned to someone, newest round first."""
    return (
        AuditCase.objects.filter(auditor=user)
        .select_related("round", "child")
        .order_by("-round__open_on", "round_id", "position")
    )


def cases_to_moderate(user) -> QuerySet[AuditCase]:
    """Recorded audits not yet moderated, by someone else."""
    return (
        AuditCase.objects.filter(recorded_at__isnull=False, moderated_at__isnull=True)
        .exclude(recorded_by=user)
        .select_related("round", "child", "recorded_by")
        .order_by("-round__open_on", "round_id", "position")
    )


def round_case_results(audit_round: AuditRound) -> list[CaseResult]:
    """The recorded audits of a round, with the moderated grade where there is one."""
    answers: dict[int, dict[str, str]] = {}
    for case_id, key, answer in AuditCaseAnswer.objects.filter(
        case__round=audit_round, case__recorded_at__isnull=False
    ).values_list("case_id", "question__key", "answer"):
        answers.setdefault(case_id, {})[key] = answer
    return [
        CaseResult(group, answers.get(pk, {}), moderated or grade)
        for pk, group, grade, moderated in audit_round.cases.filter(
            recorded_at__isnull=False
        ).values_list("pk", "ethnic_group", "grade", "moderated_grade")
    ]


def rounds_of_template(template: AuditTemplate) -> list[AuditRound]:
    """Oldest first, for comparing across rounds."""
    return list(template.rounds.order_by("open_on", "id"))
