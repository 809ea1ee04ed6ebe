"""Reads for the action plan. Postgres counts and sorts (RAG included, see Action.with_rag), and
every page runs a fixed number of queries however many actions and updates there are.
"""

import dataclasses
import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from actions import rag as rag_rules
from actions.models import Action, ActionQuerySet, Outcome, Plan, ProgressUpdate, Status

RAG_ORDER = [rag_rules.RED, rag_rules.AMBER, rag_rules.GREEN, rag_rules.NONE]
RAG_LABELS = {
    rag_rules.RED: "Red",
    rag_rules.AMBER: "Amber",
    rag_rules.GREEN: "Green",
    rag_rules.NONE: "No RAG",
}
DUE_SOON_DAYS = 30
OVERVIEW_LIST_LIMIT = 20


def _latest_update() -> QuerySet:
    return ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by("-created_at", "-id")


def with_last_update(actions: ActionQuerySet) -> ActionQuerySet:
    """The latest update's narrative; its date is Action.last_update_at."""
    return actions.annotate(last_update_text=Subquery(_latest_update().values("narrative")[:1]))


def _rag_rank():
    return Case(
        *[When(rag=value, then=Value(rank)) for rank, value in enumerate(RAG_ORDER)],
        output_field=IntegerField(),
    )


def actions_for_listing(plan: Plan | None = None, today: dt.date | None = None) -> ActionQuerySet:
    """Actions ready for a table: RAG, last update, owner, area and outcomes in fixed queries."""
    actions = Action.objects.all() if plan is None else plan.actions.all()
    return with_last_update(
        actions.with_rag(today)
        .select_related("owner", "area", "plan")
        .prefetch_related(Prefetch("outcomes", queryset=Outcome.objects.order_by("number")))
    )


# --- Filters and sorting -------------------------------------------------------------------------

SORTS = {
    "reference": ("number",),
    "title": ("title", "number"),
    "owner": ("owner__last_name", "owner__first_name", "owner__username", "number"),
    "due": ("due_date", "number"),
    "status": ("status", "number"),
    "rag": ("rag_rank", "due_date", "number"),
    "percent": ("percent_complete", "number"),
    "updated": ("last_update_at", "number"),
}
SORT_LABELS = {
    "reference": "Reference",
    "title": "Title",
    "owner": "Owner",
    "due": "Due date",
    "status": "Status",
    "rag": "RAG",
    "percent": "Percent complete",
    "updated": "Last update",
}


@dataclasses.dataclass(frozen=True)
class ActionFilters:
    owner: int | None = None
    outcome: int | None = None
    area: int | None = None
    status: str = ""
    rag: str = ""
    overdue: bool = False
    sort: str = "reference"
    descending: bool = False

    def is_filtered(self) -> bool:
        return any((self.owner, self.outcome, self.area, self.status, self.rag, self.overdue))


def filter_actions(
    actions: ActionQuerySet, filters: ActionFilters, today: dt.date | None = None
) -> ActionQuerySet:
    today = today or timezone.localdate()
    if filters.owner:
        actions = actions.filter(owner_id=filters.owner)
    if filters.outcome:
        actions = actions.filter(outcomes__id=filters.outcome)
    if filters.area:
        actions = actions.filter(area_id=filters.area)
    if filters.status:
        actions = actions.filter(status=filters.status)
    if filters.rag:
        actions = actions.filter(rag="" if filters.rag == "none" else filters.rag)
    if filters.overdue:
        actions = actions.overdue(today)
    fields = SORTS.get(filters.sort, SORTS["reference"])
    if filters.sort == "rag":
        actions = actions.annotate(rag_rank=_rag_rank())
    if filters.descending:
        first, *rest = fields
        if filters.sort == "updated":
            return actions.order_by(F(first).desc(nulls_last=True), *rest)
        return actions.order_by(f"-{first}", *rest)
    if filters.sort == "updated":
        return actions.order_by(F(fields[0]).asc(nulls_first=True), *fields[1:])
    return actions.order_by(*fields)


def filter_choices(plan: Plan) -> dict:
    """The owners, outcomes and areas a plan's filters offer: three small queries."""
    owner_ids = plan.actions.values("owner_id")
    return {
        "owners": list(get_user_model().objects.filter(pk__in=owner_ids).order_by("username")),
        "outcomes": list(plan.outcomes.all()),
        "areas": list(plan.areas.all()),
    }


# --- Overview ----------------------------------------------------------------------------------


@dataclasses.dataclass
class OutcomeSummary:
    outcome: Outcome | None  # None: actions linked to no outcome
    rag: dict[str, int]
    status: dict[str, int]
    # RAG of the actions not complete: with the complete ones they add up to the total.
    open_rag: dict[str, int] = dataclasses.field(
        default_factory=lambda: {value: 0 for value in RAG_ORDER}
    )

    @property
    def total(self) -> int:
        return sum(self.status.values())

    @property
    def open_without_rag(self) -> int:
        return self.open_rag[rag_rules.NONE]


def _empty_counts():
    return {value: 0 for value in RAG_ORDER}, {value: 0 for value in Status.values}


def outcome_summaries(plan: Plan, today: dt.date | None = None) -> list[OutcomeSummary]:
    """RAG and status counts per outcome; an action serving two outcomes counts under both."""
    outcomes = list(plan.outcomes.all())
    summaries = {outcome.pk: OutcomeSummary(outcome, *_empty_counts()) for outcome in outcomes}
    unlinked = OutcomeSummary(None, *_empty_counts())
    rows = (
        plan.actions.with_rag(today)
        .values("outcomes", "rag", "status")
        .annotate(count=Count("pk", distinct=True))
        .order_by()
    )
    for row in rows:
        summary = summaries.get(row["outcomes"], unlinked)
        summary.rag[row["rag"]] += row["count"]
        summary.status[row["status"]] += row["count"]
    result = list(summaries.values())
    if unlinked.total:
        result.append(unlinked)
    return result


def plan_totals(plan: Plan, today: dt.date | None = None) -> OutcomeSummary:
    total = OutcomeSummary(None, *_empty_counts())
    rows = (
        plan.actions.with_rag(today).values("rag", "status").annotate(count=Count("pk")).order_by()
    )
    for row in rows:
        total.rag[row["rag"]] += row["count"]
        total.status[row["status"]] += row["count"]
    return total


def overdue_actions(plan: Plan, today: dt.date | None = None) -> QuerySet:
    return (
        plan.actions.overdue(today)
        .with_rag(today)
        .select_related("owner")
        .order_by("due_date", "number")
    )


def due_soon_actions(plan: Plan, today: dt.date | None = None) -> QuerySet:
    return (
        plan.actions.due_within(DUE_SOON_DAYS, today)
        .with_rag(today)
        .select_related("owner")
        .order_by("due_date", "number")
    )


def recent_updates(plan: Plan, limit: int = 10) -> QuerySet:
    return (
        ProgressUpdate.objects.filter(action__plan=plan)
        .select_related("action", "author")
        .order_by("-created_at", "-id")[:limit]
    )


def updates_since(plan: Plan, since: dt.date) -> QuerySet:
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    return (
        ProgressUpdate.objects.filter(action__plan=plan, created_at__gte=start)
        .select_related("action", "author")
        .order_by("action__number", "created_at")
    )


def plan_list(today: dt.date | None = None) -> list[tuple[Plan, OutcomeSummary]]:
    """Every plan with its RAG counts, in two queries."""
    plans = list(Plan.objects.all())
    totals = {plan.pk: OutcomeSummary(None, *_empty_counts()) for plan in plans}
    rows = (
        Action.objects.with_rag(today)
        .values("plan_id", "rag", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        totals[row["plan_id"]].rag[row["rag"]] += row["count"]
        totals[row["plan_id"]].status[row["status"]] += row["count"]
        if row["status"] != Status.COMPLETE:
            totals[row["plan_id"]].open_rag[row["rag"]] += row["count"]
    return [(plan, totals[plan.pk]) for plan in plans]


def my_actions(user, today: dt.date | None = None) -> QuerySet:
    """The signed-in person's actions that still need work first, then the rest."""
    open_first = Case(
        When(status__in=[Status.COMPLETE, Status.DEFERRED], then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        actions_for_listing(today=today)
        .filter(owner=user)
        .annotate(closed=open_first)
        .order_by("closed", "due_date", "plan_id", "number")
    )


def reminder_actions(days: int, today: dt.date | None = None) -> QuerySet:
    """Open actions due within `days` or overdue, for every owner, ordered for one email each."""
    today = today or timezone.localdate()
    return (
        Action.objects.open()
        .filter(due_date__lte=today + dt.timedelta(days))
        .with_rag(today)
        .select_related("owner", "plan")
        .order_by("owner_id", "due_date", "plan_id", "number")
    )


# --- Board report --------------------------------------------------------------------------------


@dataclasses.dataclass
class OutcomeActions:
    """One outcome of the board report: its actions (an action serving two outcomes is listed
    under both) and the measures those actions are linked to, each measure once."""

    outcome: Outcome | None
    actions: list = dataclasses.field(default_factory=list)
    measure_links: list = dataclasses.field(default_factory=list)


def actions_by_outcome(plan: Plan, today: dt.date | None = None) -> list[OutcomeActions]:
    """Every action of the plan under each outcome it serves, with its RAG, owner and linked
    measures, in fixed queries (actions, outcomes, measure links)."""
    actions = list(
        actions_for_listing(plan, today).prefetch_related("measure_links").order_by("number")
    )
    groups = {outcome.pk: OutcomeActions(outcome) for outcome in plan.outcomes.order_by("number")}
    unlinked = OutcomeActions(None)
    for action in actions:
        homes = [groups[o.pk] for o in action.outcomes.all() if o.pk in groups] or [unlinked]
        for group in homes:
            group.actions.append(action)
            for link in action.measure_links.all():
                if link.key not in {known.key for known in group.measure_links}:
                    group.measure_links.append(link)
    result = list(groups.values())
    if unlinked.actions:
        result.append(unlinked)
    return result
