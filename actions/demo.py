"""Demoshire's action plan: the ARP strategy's outcomes, fifteen actions drawn from one authority's
programme (docs/domain.md) with their progress updates, milestones, linked measures
and the programme review's reflections.

Deterministic and idempotent: the demo plan (and its history) is removed and built again, with
fixed dates, so running twice leaves one plan. The RAG you see depends on the day you look.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from actions import services
from actions.models import (
    Action,
    Area,
    MeasureLink,
    Milestone,
    Outcome,
    Plan,
    ProgressUpdate,
    Reflection,
    Status,
)
from arp_portal.core import roles

PLAN_NAME = "Anti-racist practice strategy 2024 to 2027"
PLAN_START = dt.date(2024, 4, 1)
PLAN_END = dt.date(2027, 3, 31)
BOARD = "Children's Services Leadership Board"

# The core demo creates steering.member and data.manager; these give them names, and add three
# more steering group members so owners are spread as in a real programme.
NAMES = {
    "steering.member": ("Sam", "Taylor"),
    "data.manager": ("Jo", "Adeyemi"),
}
EXTRA_STEERING = {
    "amara.okafor": ("Amara", "Okafor"),  # principal social worker
    "james.whitfield": ("James", "Whitfield"),  # head of workforce development
    "priya.shah": ("Priya", "Shah"),  # head of early help
}

IN_PROGRESS, COMPLETE, BLOCKED, DEFERRED, NOT_STARTED = (
    Status.IN_PROGRESS,
    Status.COMPLETE,
    Status.BLOCKED,
    Status.DEFERRED,
    Status.NOT_STARTED,
)


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# title, outcomes, area, owner, lead team, partners, start, due, priority, description,
# updates [(date, narrative, status, percent, rag override, reason)], milestones
# [(title, due, completed_on)], measures [key]
ACTIONS: list[dict[str, Any]] = [
    {
        "title": "Train directors and senior leaders in anti-racist leadership",
        "outcomes": [1],
        "area": "Workforce",
        "owner": "james.whitfield",
        "lead_team": "Workforce development",
        "partners": "Leadership Academy",
        "start": "2024-04-01",
        "due": "2024-09-30",
        "priority": "high",
        "description": "Two-day anti-racist leadership programme for the director, heads of "
        "service and service managers, so the work is led from the top.",
        "updates": [
            (
                "2024-06-14",
                "Directors' cohort complete: every director attended. Heads of service booked "
                "for July.",
                IN_PROGRESS,
                45,
                "",
                "",
            ),
            (
                "2024-09-20",
                "All directors and heads of service trained; every service manager but two "
                "trained, the last two on 26 September.",
                COMPLETE,
                100,
                "",
                "",
            ),
        ],
        "milestones": [("Directors' cohort", "2024-06-30", "2024-06-14")],
        "measures": [],
    },
    {
        "title": "Deliver anti-racist practice training to the whole workforce",
        "outcomes": [1, 2],
        "area": "Workforce",
        "owner": "james.whitfield",
        "lead_team": "Workforce development",
        "partners": "External training provider",
        "start": "2024-03-01",
        "due": "2025-01-31",
        "priority": "high",
        "description": "Training scheduled March 2024 to January 2025 for every member of "
        "children's services, with sessions in each locality.",
        "updates": [
            (
                "2024-05-31",
                "Sessions running in North and South; {training_2024_05} of staff in post "
                "trained so far.",
                IN_PROGRESS,
                25,
                "",
                "",
            ),
            (
                "2024-09-30",
                "{training_2024_09} of staff in post trained. East sessions moved to October "
                "after room problems; still on course for January.",
                IN_PROGRESS,
                55,
                "",
                "",
            ),
            (
                "2025-01-31",
                "Programme finished: {training_2025_01} of staff in post trained, short of the "
                "{training_target} target. Catch-up sessions for new starters now part of "
                "induction.",
                COMPLETE,
                100,
                "",
                "",
            ),
        ],
        "milestones": [
            ("North and South localities trained", "2024-07-31", "2024-07-26"),
            ("East and West localities trained", "2024-12-20", "2025-01-17"),
        ],
        "measures": ["workforce:training:arp:all"],
    },
    {
        "title": "Run reflective learning spaces every six weeks",
        "outcomes": [2, 3],
        "area": "Practice",
        "owner": "amara.okafor",
        "lead_team": "Principal social worker's office",
        "partners": "",
        "start": "2024-06-01",
        "due": "2027-03-31",
        "priority": "medium",
        "description": "Facilitated learning spaces every six weeks where staff can talk about "
        "race, racism and practice, with separate spaces for Black, Asian and Mixed heritage "
        "staff.",
        "updates": [
            (
                "2024-10-15",
                "Three learning spaces held, average 24 attendees. Feedback asks for "
                "smaller groups.",
                IN_PROGRESS,
                15,
                "",
                "",
            ),
            (
                "2025-06-20",
                "Moved to locality groups of up to 12. Eleven sessions held to date.",
                IN_PROGRESS,
                40,
                "",
                "",
            ),
            (
                "2026-10-09",
                "Twenty sessions held; facilitators trained from within the service "
                "so the spaces outlast the programme.",
                IN_PROGRESS,
                80,
                "",
                "",
            ),
        ],
        "milestones": [("Internal facilitators trained", "2026-09-30", "2026-09-25")],
        "measures": ["survey:latest:someone_to_approach:all"],
    },
    {
        "title": "Amend the case system's ethnicity labels",
        "outcomes": [5],
        "area": "Data",
        "owner": "data.manager",
        "lead_team": "Performance and data",
        "partners": "Case system supplier",
        "start": "2024-05-01",
        "due": "2024-12-20",
        "priority": "medium",
        "description": "Relabel the case system's ethnicity categories with families' own words "
        "and make 'not yet obtained' prompt a follow-up, to cut the share recorded as unknown.",
        "updates": [
            (
                "2024-08-30",
                "New labels agreed with the family advisory group; supplier change request raised.",
                IN_PROGRESS,
                50,
                "",
                "",
            ),
            (
                "2024-12-13",
                "Labels live in the case system from 9 December.",
                COMPLETE,
                100,
                "",
                "",
            ),
        ],
        "milestones": [],
        "measures": ["children:ethnicity_unknown:cin", "audit:latest:ethnicity_recorded:all"],
    },
    {
        "title": "Introduce the Race, Ethnicity, Culture and Religion thinking tool",
        "outcomes": [5],
        "area": "Practice",
        "owner": "amara.okafor",
        "lead_team": "Practice development",
        "partners": "",
        "start": "2025-01-06",
        "due": "2026-12-31",
        "priority": "high",
        "description": "A thinking tool that prompts practitioners to consider race, ethnicity, "
        "culture and religion in assessments, interventions and care planning.",
        "updates": [
            (
                "2025-04-11",
                "Tool drafted with practitioners; piloting in two assessment teams.",
                IN_PROGRESS,
                25,
                "",
                "",
            ),
            (
                "2025-11-28",
                "Pilot evaluated; tool built into the assessment template.",
                IN_PROGRESS,
                60,
                "",
                "",
            ),
            (
                "2026-11-06",
                "In use across all teams. Audit of 40 assessments in October found it used in 29.",
                IN_PROGRESS,
                90,
                "",
                "",
            ),
        ],
        "milestones": [
            ("Pilot in two assessment teams", "2025-06-30", "2025-06-27"),
            ("Built into the assessment template", "2025-12-31", "2025-11-21"),
        ],
        "measures": [
            "audit:latest:identity_in_assessment:all",
            "audit:latest:racism_explored:black",
        ],
    },
    {
        "title": "Disproportionality thematic audit of CIN, CP and CiC cases",
        "outcomes": [6],
        "area": "Practice",
        "owner": "steering.member",
        "lead_team": "Quality assurance",
        "partners": "Independent reviewing officers",
        "start": "2025-09-01",
        "due": "2026-12-18",
        "priority": "high",
        "description": "Audit a sample of cases of Black and Mixed White and Black Caribbean "
        "children on plans and in care to understand why they are over-represented.",
        "updates": [
            ("2026-02-13", "Audit tool agreed; sample of 60 cases drawn.", IN_PROGRESS, 20, "", ""),
            (
                "2026-07-10",
                "35 of 60 cases audited. Two auditors off sick; pace slower than planned.",
                IN_PROGRESS,
                55,
                "",
                "",
            ),
            ("2026-11-13", "All cases audited; findings report drafting.", IN_PROGRESS, 80, "", ""),
        ],
        "milestones": [
            ("Sample drawn", "2026-01-31", "2026-02-13"),
            ("All cases audited", "2026-10-31", "2026-11-13"),
            ("Findings to the Leadership Board", "2026-12-18", None),
        ],
        "measures": ["children:cic:rri:Black", "children:cp:rri:Black"],
    },
    {
        "title": "Track disciplinary outcomes by ethnicity",
        "outcomes": [3],
        "area": "Data",
        "owner": "data.manager",
        "lead_team": "HR and performance",
        "partners": "Trade unions",
        "start": "2024-10-01",
        "due": "2026-09-30",
        "priority": "high",
        "description": "Report quarterly on who enters formal disciplinary processes, by "
        "ethnicity, as the NHS Workforce Race Equality Standard does.",
        "updates": [
            (
                "2025-03-14",
                "Tracking begun from HR's case log; first quarter's figures to the steering group.",
                IN_PROGRESS,
                30,
                "",
                "",
            ),
            (
                "2026-06-19",
                "Quarterly report running. Still waiting for HR to add outcomes "
                "(not just entries) to the log.",
                IN_PROGRESS,
                70,
                "",
                "",
            ),
            (
                "2026-10-16",
                "Outcomes field added; historic cases being back-filled.",
                IN_PROGRESS,
                85,
                "",
                "",
            ),
        ],
        "milestones": [("First quarterly report", "2025-03-31", "2025-03-14")],
        "measures": ["workforce:disciplinary:rli:bme"],
    },
    {
        "title": "Amend performance reports to include an anti-racist focus",
        "outcomes": [6],
        "area": "Governance",
        "owner": "data.manager",
        "lead_team": "Performance and data",
        "partners": "",
        "start": "2024-09-01",
        "due": "2025-03-31",
        "priority": "medium",
        "description": "Every monthly performance report shows CIN, CP and CiC rates by "
        "ethnic group with the relative rate index against White British children.",
        "updates": [
            (
                "2025-03-21",
                "Monthly reports now include rates and RRIs by ethnic group.",
                COMPLETE,
                100,
                "",
                "",
            ),
        ],
        "milestones": [],
        "measures": ["children:cin:rri:Black"],
    },
    {
        "title": "Agree a formal anti-racist practice policy",
        "outcomes": [2, 3],
        "area": "Governance",
        "owner": "steering.member",
        "lead_team": "Steering group",
        "partners": "HR, trade unions",
        "start": "2025-04-01",
        "due": "2026-10-31",
        "priority": "high",
        "description": "A policy that sets out how racism is reported, investigated and "
        "resolved, and what staff can expect.",
        "updates": [
            ("2025-09-12", "First draft shared with HR and the unions.", IN_PROGRESS, 30, "", ""),
            (
                "2026-05-22",
                "Blocked: the corporate equality policy is being rewritten and HR "
                "will not sign off a service policy until it is agreed.",
                BLOCKED,
                40,
                "",
                "",
            ),
        ],
        "milestones": [],
        "measures": [],
    },
    {
        "title": "Clarify the governance route to the Leadership Board",
        "outcomes": [1],
        "area": "Governance",
        "owner": "steering.member",
        "lead_team": "Steering group",
        "partners": "",
        "start": "2026-01-05",
        "due": "2027-01-29",
        "priority": "medium",
        "description": "Agree how the steering group reports, who decides, and how risks are "
        "escalated, after the review found the route unclear.",
        "updates": [
            ("2026-04-17", "Terms of reference redrafted.", IN_PROGRESS, 25, "", ""),
            (
                "2026-10-30",
                "Reporting cycle agreed with the Board chair; escalation route still to agree.",
                IN_PROGRESS,
                60,
                "",
                "",
            ),
        ],
        "milestones": [],
        "measures": [],
    },
    {
        "title": "A culturally informed early help offer from first contact",
        "outcomes": [4],
        "area": "Partners",
        "owner": "priya.shah",
        "lead_team": "Early help",
        "partners": "Community and faith organisations",
        "start": "2025-10-01",
        "due": "2027-03-31",
        "priority": "high",
        "description": "Guide ethnically diverse families to early help from their first "
        "contact, with community partners at the front door.",
        "updates": [
            ("2026-03-06", "Mapping of community organisations done.", IN_PROGRESS, 10, "", ""),
            (
                "2026-10-23",
                "Partnership funding agreed in October, six months late.",
                IN_PROGRESS,
                20,
                "amber",
                "Funding is now agreed and the delivery plan catches up by February; red "
                "overstates the risk.",
            ),
        ],
        "milestones": [("Partnership funding agreed", "2026-04-30", "2026-10-16")],
        "measures": ["front_door:ratio:Black", "front_door:early_help:all"],
    },
    {
        "title": "Reverse mentoring and a career progression scheme",
        "outcomes": [3],
        "area": "Workforce",
        "owner": "james.whitfield",
        "lead_team": "Workforce development",
        "partners": "",
        "start": "2027-01-04",
        "due": "2027-03-31",
        "priority": "medium",
        "description": "Reverse mentoring for senior leaders and a progression scheme for Black, "
        "Asian and Mixed heritage staff, where representation falls at senior grades.",
        "updates": [],
        "milestones": [],
        "measures": ["workforce:representation:senior:bme"],
    },
    {
        "title": "Repeat the workforce survey every year",
        "outcomes": [3],
        "area": "Data",
        "owner": "data.manager",
        "lead_team": "Performance and data",
        "partners": "",
        "start": "2026-04-01",
        "due": "2026-12-11",
        "priority": "medium",
        "description": "Run the anonymous survey of experiences of racism at work each year so "
        "change shows, and report it to the steering group.",
        "updates": [
            (
                "2026-07-03",
                "Questionnaire reviewed; the 2026 wave opened on {survey_2026_opened}.",
                IN_PROGRESS,
                40,
                "",
                "",
            ),
            (
                "2026-10-30",
                "The 2025 wave's results went to the steering group: {survey_2025_responses} "
                "responses, {survey_2025_rate} of staff in post. The 2026 wave is still open.",
                IN_PROGRESS,
                75,
                "",
                "",
            ),
        ],
        "milestones": [("2026 wave opens", "2026-06-17", "2026-06-17")],
        "measures": ["survey:latest:organisation_does_enough:black_asian"],
    },
    {
        "title": "Support for staff leading the work",
        "outcomes": [2],
        "area": "Workforce",
        "owner": "amara.okafor",
        "lead_team": "Principal social worker's office",
        "partners": "Occupational health",
        "start": "2025-06-01",
        "due": "2026-06-30",
        "priority": "low",
        "description": "Supervision and wellbeing support for the staff who lead the programme, "
        "recognising the emotional cost of the work.",
        "updates": [
            (
                "2025-11-14",
                "Deferred to the next plan year: no budget for external supervision until April.",
                DEFERRED,
                10,
                "",
                "",
            ),
        ],
        "milestones": [],
        "measures": [],
    },
    {
        "title": "Briefings for police, health and schools",
        "outcomes": [6],
        "area": "Partners",
        "owner": "priya.shah",
        "lead_team": "Safeguarding partnership",
        "partners": "Police, health, schools",
        "start": "2026-09-01",
        "due": "2026-12-15",
        "priority": "medium",
        "description": "Share the disproportionality findings with referring partners, who make "
        "most referrals.",
        "updates": [
            (
                "2026-10-02",
                "Police and health briefed; schools' session set for November.",
                IN_PROGRESS,
                50,
                "",
                "",
            ),
        ],
        "milestones": [],
        "measures": [],
    },
]

REFLECTIONS = [
    (
        "went_well",
        "2025-02-14",
        "Reach: {training_2025_01} of staff in post completed the training in ten months.",
    ),
    (
        "went_well",
        "2025-02-14",
        "Leadership commitment: every director trained first and spoke at the sessions.",
    ),
    (
        "went_well",
        "2025-07-11",
        "Stakeholder engagement: families and community groups shaped the new ethnicity labels.",
    ),
    ("went_well", "2025-07-11", "Momentum: the learning spaces are now run by our own staff."),
    (
        "lesson",
        "2025-02-14",
        "Buy-in has to be organisation-wide, not only in children's social "
        "care: HR and corporate policy hold some of the levers.",
    ),
    (
        "lesson",
        "2025-07-11",
        "The governance route was unclear, so decisions stalled between the "
        "steering group and the Board.",
    ),
    (
        "lesson",
        "2025-07-11",
        "Without a formal policy, staff did not know what would happen when they reported racism.",
    ),
    (
        "lesson",
        "2026-01-16",
        "The benefits take years to show in the data: report progress on "
        "actions as well as on measures.",
    ),
    ("lesson", "2026-01-16", "Resourcing: the work relied on goodwill and people's spare time."),
    (
        "lesson",
        "2026-01-16",
        "Leading this work has an emotional cost for staff, most of all for "
        "Black, Asian and Mixed heritage colleagues; plan support for them.",
    ),
]


class _Figures(dict):
    """The figures other apps' demo data published (the load_demo_data command collects each
    app's `quoted_figures()`); one not published (the plan loaded on its own, as a browser test
    does) reads as not yet measured rather than failing."""

    def __missing__(self, key: str) -> str:
        return "(not yet measured)"


def _at(date: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(_d(date), dt.time(hour, 0)))


def _users() -> dict:
    User = get_user_model()
    steering = Group.objects.get(name=roles.STEERING_GROUP)
    for username, (first, last) in EXTRA_STEERING.items():
        user, _ = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@demoshire.example"}
        )
        user.first_name, user.last_name, user.is_active = first, last, True
        user.set_unusable_password()  # owners of demo actions; they do not sign in
        user.save()
        user.groups.set([steering])
    for username, (first, last) in NAMES.items():
        User.objects.filter(username=username).update(first_name=first, last_name=last)
    usernames = [*NAMES, *EXTRA_STEERING]
    return {user.username: user for user in User.objects.filter(username__in=usernames)}


HistoricalActionOutcomes = Action.history.model.historicalaction_outcomes_set.rel.related_model


def remove_plan_and_history(name: str) -> None:
    """Delete plans of this name and every history row they left (for demo and benchmark data
    only: a real plan's history is never deleted)."""
    plans = list(Plan.objects.filter(name=name).values_list("pk", flat=True))
    if not plans:
        return
    action_ids = list(Action.objects.filter(plan_id__in=plans).values_list("pk", flat=True))
    Action.objects.filter(plan_id__in=plans).delete()  # before the areas they protect
    Plan.objects.filter(pk__in=plans).delete()
    Plan.history.filter(id__in=plans).delete()
    Outcome.history.filter(plan_id__in=plans).delete()
    Area.history.filter(plan_id__in=plans).delete()
    Reflection.history.filter(plan_id__in=plans).delete()
    # The actions' outcome links keep a history table of their own (simple-history's m2m
    # history), joined to the action's history rows without a database constraint, so deleting
    # those rows leaves these behind: delete them first, or every load would add a set.
    outcome_history = HistoricalActionOutcomes.objects
    history_ids = Action.history.filter(plan_id__in=plans).values_list("history_id", flat=True)
    outcome_history.filter(history_id__in=history_ids).delete()
    Action.history.filter(plan_id__in=plans).delete()
    # ...and those an earlier version of this loader left behind, whose action history is gone.
    outcome_history.exclude(history_id__in=Action.history.values("history_id")).delete()
    for model in (Milestone, MeasureLink, ProgressUpdate):
        model.history.filter(action_id__in=action_ids).delete()


def _backdate(action: Action, when: dt.datetime) -> None:
    """Demo actions were created before their first update, not on the day the demo loads."""
    Action.objects.filter(pk=action.pk).update(created_at=when, updated_at=when)
    action.history.update(history_date=when)


@transaction.atomic
def load_demo_data(
    *, log: Callable[[str], object], figures: Mapping[str, str] | None = None
) -> dict:
    """`figures`: what the workforce and survey demo data show, quoted by the updates, so the
    plan never contradicts the dashboards (each app's demo `quoted_figures()`)."""
    users = _users()
    lead = users["steering.member"]
    remove_plan_and_history(PLAN_NAME)  # so a second run doubles nothing
    plan = services.plan_create(
        name=PLAN_NAME,
        period_start=PLAN_START,
        period_end=PLAN_END,
        governing_board=BOARD,
        template=Plan.Template.ARP_STRATEGY,
        by=lead,
    )
    created = _at("2024-03-15")
    Plan.objects.filter(pk=plan.pk).update(created_at=created)
    plan.history.update(history_date=created)
    Outcome.history.filter(plan_id=plan.pk).update(history_date=created)
    Area.history.filter(plan_id=plan.pk).update(history_date=created)

    outcomes = {outcome.number: outcome for outcome in plan.outcomes.all()}
    areas = {area.name: area for area in plan.areas.all()}
    update_count = 0
    quoted = _Figures(figures or {})
    for spec in ACTIONS:
        start = _d(spec["start"])
        action = services.action_create(
            plan=plan,
            outcomes=[outcomes[number] for number in spec["outcomes"]],
            by=lead,
            title=spec["title"],
            description=spec["description"],
            area=areas[spec["area"]],
            owner=users[spec["owner"]],
            lead_team=spec["lead_team"],
            partners=spec["partners"],
            start_date=start,
            due_date=_d(spec["due"]),
            priority=spec["priority"],
            status=NOT_STARTED,
            percent_complete=0,
        )
        _backdate(action, _at(str(start - dt.timedelta(days=14)), 9))
        owner = users[spec["owner"]]
        for title, due, done in spec["milestones"]:
            milestone = services.milestone_add(
                action=action, title=title, due_date=_d(due), by=owner
            )
            if done:
                services.milestone_set_completed(
                    milestone=milestone, completed_on=_d(done), by=owner
                )
            milestone.history.filter(history_type="+").update(history_date=_at(spec["start"], 11))
            if done:
                milestone.history.filter(history_type="~").update(history_date=_at(done, 16))
        for key in spec["measures"]:
            link = services.measure_link_add(action=action, key=key, label="", by=lead)
            link.history.update(history_date=_at(spec["start"], 11))
        for date, narrative, status, percent, override, reason in spec["updates"]:
            action.refresh_from_db(fields=["version"])
            services.progress_update_post(
                action_id=action.pk,
                expected_version=action.version,
                by=owner,
                narrative=narrative.format_map(quoted),
                status=status,
                percent_complete=percent,
                rag_override=override,
                rag_override_reason=reason,
                when=_at(date),
            )
            update_count += 1
    for kind, date, text in REFLECTIONS:
        reflection = services.reflection_add(
            plan=plan, kind=kind, text=text.format_map(quoted), by=lead, recorded_on=_d(date)
        )
        reflection.history.update(history_date=_at(date))
    log(
        f"  action plan “{PLAN_NAME}”: {len(ACTIONS)} actions, {update_count} updates, "
        f"{len(REFLECTIONS)} reflections; owners {', '.join(sorted(users))}"
    )
    return {"plans": 1, "actions": len(ACTIONS), "updates": update_count}
