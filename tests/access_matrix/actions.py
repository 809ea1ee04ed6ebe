import datetime as dt

from tests.access_matrix import EDITORS, READERS, Route, statuses

# POST-only endpoints: anonymous people are sent to sign in, service managers refused, editors
# told the method is not allowed.
POST_ONLY = statuses(302, 403, 405, 405)


def _plan():
    from tests.actions import factories

    return factories.plan()


def _action():
    from tests.actions import factories

    return factories.action()


def _milestone():
    from actions import services

    action = _action()
    return services.milestone_add(
        action=action, title="Pilot", due_date=dt.date(2026, 1, 1), by=action.owner
    )


def _measure_link():
    from actions import services

    action = _action()
    return services.measure_link_add(
        action=action, key="children:cic:rri:Black", label="", by=action.owner
    )


def _outcome_kwargs():
    plan = _plan()
    return {"plan_id": plan.pk, "outcome_id": plan.outcomes.first().pk}


def _area_kwargs():
    plan = _plan()
    return {"plan_id": plan.pk, "area_id": plan.areas.first().pk}


ROUTES = [
    Route("actions:index", READERS),
    Route("actions:my_actions", READERS),
    Route("actions:export_csv", READERS, kwargs=lambda: (_plan(), {})[1]),
    Route("actions:export_xlsx", READERS, kwargs=lambda: (_plan(), {})[1]),
    Route("actions:plan_create", EDITORS),
    Route("actions:plan_overview", READERS, kwargs=lambda: {"plan_id": _plan().pk}),
    Route("actions:plan_edit", EDITORS, kwargs=lambda: {"plan_id": _plan().pk}),
    Route("actions:outcome_add", EDITORS, kwargs=lambda: {"plan_id": _plan().pk}),
    Route("actions:area_add", EDITORS, kwargs=lambda: {"plan_id": _plan().pk}),
    Route("actions:outcome_edit", EDITORS, kwargs=lambda: _outcome_kwargs()),
    Route("actions:area_edit", EDITORS, kwargs=lambda: _area_kwargs()),
    Route("actions:action_list", READERS, kwargs=lambda: {"plan_id": _plan().pk}),
    Route("actions:action_create", EDITORS, kwargs=lambda: {"plan_id": _plan().pk}),
    Route("actions:board_report", READERS, kwargs=lambda: {"plan_id": _plan().pk}),
    Route("actions:reflections", READERS, kwargs=lambda: {"plan_id": _plan().pk}),
    Route("actions:reflection_add", EDITORS, kwargs=lambda: {"plan_id": _plan().pk}),
    Route("actions:action_detail", READERS, kwargs=lambda: {"action_id": _action().pk}),
    Route("actions:action_edit", EDITORS, kwargs=lambda: {"action_id": _action().pk}),
    Route("actions:update_create", EDITORS, kwargs=lambda: {"action_id": _action().pk}),
    Route("actions:milestone_add", EDITORS, kwargs=lambda: {"action_id": _action().pk}),
    Route("actions:milestone_toggle", POST_ONLY, kwargs=lambda: {"milestone_id": _milestone().pk}),
    Route("actions:measure_add", EDITORS, kwargs=lambda: {"action_id": _action().pk}),
    Route("actions:measure_remove", POST_ONLY, kwargs=lambda: {"link_id": _measure_link().pk}),
]
