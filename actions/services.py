"""Every write to the action plan. Each service is atomic, validates with full_clean() and records
who made the change in the history (simple-history reads `_history_user`).

Plans and actions are protected against lost updates: the form carries the version it was loaded
at, and a save whose version is no longer current is refused with StaleEditError, which lists what
changed meanwhile (from the history) so the person can decide what to do.
"""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from actions import history
from actions.measures import SUGGESTED_LABELS
from actions.models import (
    Action,
    Area,
    MeasureLink,
    Milestone,
    Outcome,
    Plan,
    ProgressUpdate,
    Reflection,
)
from arp_portal.core.measures import MeasureKey

# The six outcomes of one authority's ARP strategy, 2022-2024 (docs/domain.md).
ARP_STRATEGY_OUTCOMES = [
    "A skilled, confident workforce who understand race and culture and their impact on children "
    "and families",
    "A workforce supported in challenging, uncomfortable conversations about racism",
    "Ethnically diverse staff share experiences of racism and get resolution",
    "Ethnically diverse families are guided to early help from first contact",
    "Ethnicity, race and culture are reflected in assessments, interventions and care planning",
    "Over-representation of ethnically diverse children in CIN, CP and CiC is addressed",
]
ARP_STRATEGY_AREAS = ["Governance", "Workforce", "Practice", "Data", "Partners"]

ACTION_FIELDS = (
    "title",
    "description",
    "area",
    "owner",
    "lead_team",
    "partners",
    "start_date",
    "due_date",
    "status",
    "percent_complete",
    "priority",
    "rag_override",
    "rag_override_reason",
)
PLAN_FIELDS = ("name", "period_start", "period_end", "governing_board")


class StaleEditError(Exception):
    """The object changed after the person loaded the form; nothing was saved."""

    def __init__(self, *, current, changes: list["history.Change"]):
        self.current = current
        self.changes = changes
        super().__init__(f"{current} changed since the form was loaded")


def _by(instance, user: User):
    instance._history_user = user
    return instance


def _check_version(current, expected_version: int, records) -> None:
    if current.version != expected_version:
        raise StaleEditError(
            current=current,
            changes=history.changes_since(records, version=expected_version),
        )


# --- Plans -------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    governing_board: str,
    template: str,
    by: User,
) -> Plan:
    plan = Plan(
        name=name.strip(),
        period_start=period_start,
        period_end=period_end,
        governing_board=governing_board.strip(),
        template=template,
    )
    plan.full_clean()
    _by(plan, by).save()
    if template == Plan.Template.ARP_STRATEGY:
        for number, title in enumerate(ARP_STRATEGY_OUTCOMES, start=1):
            _by(Outcome(plan=plan, number=number, title=title), by).save()
        for area_name in ARP_STRATEGY_AREAS:
            _by(Area(plan=plan, name=area_name), by).save()
    return plan


@transaction.atomic
def plan_update(*, plan_id: int, expected_version: int, by: User, **fields) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    _check_version(plan, expected_version, plan.history.all())
    for name in PLAN_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(plan, name, value.strip() if isinstance(value, str) else value)
    plan.full_clean()
    plan.version += 1
    _by(plan, by).save()
    return plan


@transaction.atomic
def outcome_add(*, plan: Plan, title: str, by: User) -> Outcome:
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    number = (plan.outcomes.aggregate(top=Max("number"))["top"] or 0) + 1
    outcome = Outcome(plan=plan, number=number, title=title.strip())
    outcome.full_clean()
    _by(outcome, by).save()
    return outcome


@transaction.atomic
def outcome_update(*, outcome_id: int, expected_version: int, title: str, by: User) -> Outcome:
    outcome = Outcome.objects.select_for_update().get(pk=outcome_id)
    _check_version(outcome, expected_version, outcome.history.all())
    outcome.title = title.strip()
    outcome.full_clean()
    outcome.version += 1
    _by(outcome, by).save()
    return outcome


@transaction.atomic
def area_update(*, area_id: int, expected_version: int, name: str, by: User) -> Area:
    area = Area.objects.select_for_update().get(pk=area_id)
    _check_version(area, expected_version, area.history.all())
    area.name = name.strip()
    area.full_clean()
    area.version += 1
    _by(area, by).save()
    return area


@transaction.atomic
def area_add(*, plan: Plan, name: str, by: User) -> Area:
    area = Area(plan=plan, name=name.strip())
    area.full_clean()
    _by(area, by).save()
    return area


# --- Actions -----------------------------------------------------------------------------------


@transaction.atomic
def action_create(*, plan: Plan, outcomes: Iterable[Outcome], by: User, **fields) -> Action:
    # Lock the plan so two actions created at once cannot take the same number.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    top = Action.objects.filter(plan=plan).aggregate(top=Max("number"))["top"] or 0
    action = Action(
        plan=plan, number=top + 1, **{k: v for k, v in fields.items() if k in ACTION_FIELDS}
    )
    _normalise(action)
    action.full_clean()
    _by(action, by).save()
    _set_outcomes(action, outcomes, by)
    return action


def _normalise(action: Action) -> None:
    for name in ("title", "description", "lead_team", "partners", "rag_override_reason"):
        setattr(action, name, (getattr(action, name) or "").strip())
    if not action.rag_override:
        action.rag_override_reason = ""


def _set_outcomes(action: Action, outcomes: Iterable[Outcome], by: User) -> None:
    outcomes = list(outcomes)
    if any(outcome.plan_id != action.plan_id for outcome in outcomes):
        raise ValueError("An action's outcomes must belong to its own plan")
    wanted = {outcome.pk for outcome in outcomes}
    if wanted != set(action.outcomes.values_list("pk", flat=True)):
        _by(action, by)
        action.outcomes.set(outcomes)


@transaction.atomic
def action_update(
    *,
    action_id: int,
    expected_version: int,
    by: User,
    outcomes: Iterable[Outcome] | None = None,
    **fields,
) -> Action:
    action = Action.objects.select_for_update().get(pk=action_id)
    _check_version(action, expected_version, action.history.all())
    for name in ACTION_FIELDS:
        if name in fields:
            setattr(action, name, fields[name])
    _normalise(action)
    action.full_clean()
    action.version += 1
    action.updated_at = timezone.now()
    _by(action, by).save()
    if outcomes is not None:
        _set_outcomes(action, outcomes, by)
    return action


@transaction.atomic
def progress_update_post(
    *,
    action_id: int,
    expected_version: int,
    by: User,
    narrative: str,
    status: str,
    percent_complete: int,
    rag_override: str = "",
    rag_override_reason: str = "",
    when: dt.datetime | None = None,
) -> ProgressUpdate:
    """Post a narrative and move the action's status, percent and RAG, all in one save."""
    action = Action.objects.select_for_update().get(pk=action_id)
    _check_version(action, expected_version, action.history.all())
    action.status = status
    action.percent_complete = percent_complete
    action.rag_override = rag_override
    action.rag_override_reason = rag_override_reason
    _normalise(action)
    action.full_clean()
    action.version += 1
    action.updated_at = when or timezone.now()
    action.last_update_at = max(filter(None, [action.last_update_at, action.updated_at]))
    if when:
        # simple_history's hook for the history row's date; the package has no type stubs.
        action._history_date = when  # type: ignore[attr-defined]
    _by(action, by).save()

    update = ProgressUpdate(
        action=action,
        author=by,
        created_at=when or timezone.now(),
        narrative=narrative.strip(),
        status=action.status,
        percent_complete=action.percent_complete,
        rag=action.rag_override
        or action.computed_rag(timezone.localtime(when).date() if when else None),
        rag_overridden=bool(action.rag_override),
        rag_reason=action.rag_override_reason,
    )
    update.full_clean()
    if when:
        # simple_history's hook for the history row's date; the package has no type stubs.
        update._history_date = when  # type: ignore[attr-defined]
    _by(update, by).save()
    return update


# --- Milestones and measures -------------------------------------------------------------------


@transaction.atomic
def milestone_add(*, action: Action, title: str, due_date: dt.date, by: User) -> Milestone:
    milestone = Milestone(action=action, title=title.strip(), due_date=due_date)
    milestone.full_clean()
    _by(milestone, by).save()
    return milestone


@transaction.atomic
def milestone_set_completed(
    *, milestone: Milestone, completed_on: dt.date | None, by: User
) -> Milestone:
    milestone.completed_on = completed_on
    milestone.full_clean()
    _by(milestone, by).save()
    return milestone


@transaction.atomic
def measure_link_add(*, action: Action, key: str, label: str, by: User) -> MeasureLink:
    key = str(MeasureKey.parse(key))  # raises ValueError with a message for the person
    link = MeasureLink(action=action, key=key, label=label.strip() or SUGGESTED_LABELS.get(key, ""))
    link.full_clean()
    _by(link, by).save()
    return link


@transaction.atomic
def measure_link_remove(*, link: MeasureLink, by: User) -> None:
    _by(link, by).delete()


# --- Reflections -------------------------------------------------------------------------------


@transaction.atomic
def reflection_add(
    *,
    plan: Plan,
    kind: str,
    text: str,
    by: User,
    recorded_on: dt.date | None = None,
) -> Reflection:
    reflection = Reflection(
        plan=plan,
        kind=kind,
        text=text.strip(),
        author=by,
        recorded_on=recorded_on or timezone.localdate(),
    )
    reflection.full_clean()
    _by(reflection, by).save()
    return reflection
