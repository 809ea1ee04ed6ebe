"""Plans and actions for the action-plan tests, built through the services so history is real."""

import datetime as dt

from actions import services
from actions.models import Plan, Status
from tests.personas import make_user

_counter = {"n": 0}


def unique(prefix: str) -> str:
    _counter["n"] += 1
    return f"{prefix}{_counter['n']}"


def plan(*, by=None, template=Plan.Template.ARP_STRATEGY, name="ARP strategy 2025-2027"):
    by = by or make_user(unique("plan.maker."), "Steering group")
    return services.plan_create(
        name=name,
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2027, 3, 31),
        governing_board="Children's Services Leadership Board",
        template=template,
        by=by,
    )


def action(*, plan_=None, by=None, owner=None, outcomes=None, **fields):
    plan_ = plan_ or plan(by=by)
    by = by or owner or make_user(unique("action.maker."), "Steering group")
    defaults = {
        "title": "Anti-racist practice training for all staff",
        "owner": owner or by,
        "start_date": dt.date(2025, 4, 1),
        "due_date": dt.date(2026, 3, 31),
        "status": Status.IN_PROGRESS,
        "percent_complete": 10,
    }
    defaults.update(fields)
    return services.action_create(
        plan=plan_,
        outcomes=outcomes if outcomes is not None else list(plan_.outcomes.all()[:1]),
        by=by,
        **defaults,
    )
