"""Audit rounds and cases for tests, on children with open episodes."""

import datetime as dt

from arp_portal.core.models import Child, Episode, EpisodeKind
from dashboards.audits import services
from dashboards.audits.models import AuditCase, AuditRound
from tests.personas import make_user

OPEN_ON = dt.date(2026, 3, 31)


def an_open_case(reference: str, code: str, *, start=dt.date(2025, 6, 1), end=None) -> Child:
    child = Child.objects.create(
        child_ref=reference, birth_year=2015, birth_month=5, sex=1, ethnicity_id=code
    )
    Episode.objects.create(
        child=child, kind=EpisodeKind.CHILD_IN_NEED, start_date=start, end_date=end
    )
    return child


def open_cases(counts: dict[str, int], prefix: str = "C") -> list[Child]:
    """counts: DfE code -> how many children with an open episode."""
    children = []
    for code, count in counts.items():
        for number in range(count):
            children.append(an_open_case(f"{prefix}{code}{number:03d}", code))
    return children


def a_round(*, sizes=None, auditors=(), seed=7, name=None) -> AuditRound:
    number = AuditRound.objects.count() + 1
    open_cases({"WBRI": 8, "BCRB": 8}, prefix=f"R{number}-")
    return services.audit_round_draw(
        template=services.racial_lens_template_ensure(),
        name=name or f"Round {number}",
        open_on=OPEN_ON,
        seed=seed,
        sizes=sizes or {"White": 3, "Black": 3},
        auditors=list(auditors),
        by=None,
    )


def record(case: AuditCase, answer: str = "yes", grade: str = "good", *, by=None, **answers):
    """Record a case with every question answered `answer`, or as given by question key."""
    questions = case.round.template.questions.all()
    return services.audit_record(
        case=case,
        answers={q.pk: answers.get(q.key, answer) for q in questions},
        grade=grade,
        summary="",
        by=by or make_user(f"auditor-{case.pk}"),
    )


def a_recorded_case() -> AuditCase:
    return record(a_round().cases.first())
