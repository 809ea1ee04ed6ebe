"""Demoshire's practice audits: two rounds of the racial-lens thematic audit, synthetic and
deterministic, on the demo children open on each date.

The story follows the action plan: the Race, Ethnicity, Culture and Religion thinking tool was
built into the assessment template in November 2025, so between the autumn 2025 round and the
spring 2026 round more assessments consider race, culture, religion and language. Exploring the
family's experience of racism is still the weakest answer, lowest in Black and Mixed heritage
children's cases, which is where the children's dashboard shows over-representation.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from arp_portal.core.demo import DEMO_PASSWORD
from arp_portal.core.roles import AUDITOR
from dashboards.audits import services
from dashboards.audits.models import AuditGrade, AuditRound

SEED = 20251001
AUDITORS = {"practice.auditor": ("Grace", "Adeyemi"), "second.auditor": ("Tom", "Whitfield")}
ROUNDS = [
    # name, cases open on, seed, {question key: {group: chance of yes}}
    (
        "Racial lens audit, autumn 2025",
        dt.date(2025, 9, 30),
        2025,
        {
            "ethnicity_recorded": {"default": 0.72, "Mixed": 0.55, "Other": 0.6},
            "identity_in_assessment": {"default": 0.45, "Black": 0.38, "Mixed": 0.35},
            "racism_explored": {"default": 0.25, "Black": 0.2, "Mixed": 0.18, "White": 0.3},
            "identity_needs_met": {"default": 0.5, "Mixed": 0.4},
        },
    ),
    (
        "Racial lens audit, spring 2026",
        dt.date(2026, 3, 31),
        2026,
        {
            "ethnicity_recorded": {"default": 0.82, "Mixed": 0.7, "Other": 0.72},
            "identity_in_assessment": {"default": 0.68, "Black": 0.62, "Mixed": 0.58},
            "racism_explored": {"default": 0.38, "Black": 0.3, "Mixed": 0.28, "White": 0.42},
            "identity_needs_met": {"default": 0.6, "Mixed": 0.5},
        },
    ),
]
CASES_PER_GROUP = {"White": 14, "Mixed": 12, "Asian": 12, "Black": 14, "Other": 8}


def _auditors() -> list:
    User = get_user_model()
    group = Group.objects.get(name=AUDITOR)
    users = []
    for username, (first, last) in AUDITORS.items():
        user, _ = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@demoshire.example"}
        )
        user.first_name, user.last_name, user.is_active = first, last, True
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([group])
        users.append(user)
    return users


def _grade(yes_count: int, questions: int, rng: random.Random) -> str:
    score = yes_count / questions + rng.uniform(-0.2, 0.2)
    if score >= 0.85:
        return AuditGrade.OUTSTANDING
    if score >= 0.55:
        return AuditGrade.GOOD
    if score >= 0.25:
        return AuditGrade.REQUIRES_IMPROVEMENT
    return AuditGrade.INADEQUATE


def load_demo_data(*, log) -> dict:
    rng = random.Random(SEED)
    template = services.racial_lens_template_ensure()
    AuditRound.objects.filter(name__in=[name for name, *_ in ROUNDS]).delete()
    auditors = _auditors()
    User = get_user_model()
    moderator = User.objects.filter(username="data.manager").first()
    questions = list(template.questions.all())
    recorded = 0
    for name, open_on, seed, chances in ROUNDS:
        audit_round = services.audit_round_draw(
            template=template, name=name, open_on=open_on, seed=seed, sizes=CASES_PER_GROUP,
            auditors=auditors, by=moderator,
        )  # fmt: skip
        cases = list(audit_round.cases.select_related("auditor"))
        # Exact shares a group, shuffled over its cases, so the small samples tell the story
        # the chances describe rather than the noise of a few dice.
        planned: dict[tuple[int, int], str] = {}
        for group in CASES_PER_GROUP:
            members = [case for case in cases if case.ethnic_group == group]
            for question in questions:
                odds = chances.get(question.key, {})
                chance = odds.get(group, odds.get("default", 0.5))
                yes = round(chance * len(members))
                partly = min(len(members) - yes, round(0.3 * len(members)))
                drawn = ["yes"] * yes + ["partly"] * partly
                drawn += ["no"] * (len(members) - len(drawn))
                rng.shuffle(drawn)
                for case, answer in zip(members, drawn, strict=True):
                    planned[(case.pk, question.pk)] = answer
        for case in cases:
            answers = {question.pk: planned[(case.pk, question.pk)] for question in questions}
            yes = sum(1 for answer in answers.values() if answer == "yes")
            services.audit_record(
                case=case, answers=answers, grade=_grade(yes, len(questions), rng), summary="",
                by=case.auditor,
            )  # fmt: skip
            recorded += 1
            if moderator is not None and rng.random() < 0.25:
                case.refresh_from_db()
                lower = rng.random() < 0.3 and case.grade != AuditGrade.INADEQUATE
                grade = AuditGrade.values[AuditGrade.values.index(case.grade) + 1] if lower \
                    else case.grade  # fmt: skip
                services.audit_moderate(
                    case=case, grade=grade,
                    note="Identity needs not addressed in the plan." if lower else "",
                    by=moderator,
                )  # fmt: skip
    log(f"  practice audits: {len(ROUNDS)} rounds, {recorded} cases audited; auditors "
        f"{', '.join(AUDITORS)}")  # fmt: skip
    return {"audit_rounds": len(ROUNDS), "audited_cases": recorded}
