"""RAG (red, amber, green) for an action, from its percent complete against a linear target.

The rule one council performance system uses (docs/domain.md): the target rises in a
straight line from 0% on the start date to 100% on the due date; an action is green at 90% of its
target or more, red at 70% or less, amber between. A complete action is green; a deferred one has
no RAG; one past its due date and not complete is red. A person may override the result, with a
reason (handled by the model, not here).

Pure Python, no Django: Action.with_rag() does the same in SQL, and the tests hold them together.
"""

import datetime as dt

GREEN = "green"
AMBER = "amber"
RED = "red"
NONE = ""  # deferred actions carry no RAG

GREEN_AT = 0.9  # share of target at or above which an action is on track
RED_AT = 0.7  # share of target at or below which it is off track


def target_percent(*, start_date: dt.date, due_date: dt.date, today: dt.date) -> float:
    """Where a straight line from 0% at the start to 100% at the due date stands today."""
    if today >= due_date:
        return 100.0
    if today <= start_date:
        return 0.0
    return 100.0 * (today - start_date).days / (due_date - start_date).days


def computed_rag(
    *,
    status: str,
    percent_complete: int,
    start_date: dt.date,
    due_date: dt.date,
    today: dt.date,
) -> str:
    if status == "deferred":
        return NONE
    if status == "complete":
        return GREEN
    if due_date < today:
        return RED
    # Compare in whole numbers (percent x 10 x span against 900 or 700 x elapsed) so the boundary
    # cases come out exactly, and the same as Postgres's integer arithmetic in Action.with_rag().
    if today >= due_date:
        elapsed, span = 1, 1
    elif today <= start_date:
        elapsed, span = 0, 1
    else:
        elapsed, span = (today - start_date).days, (due_date - start_date).days
    scaled = percent_complete * 10 * span
    if scaled >= round(GREEN_AT * 1000) * elapsed:
        return GREEN
    if scaled <= round(RED_AT * 1000) * elapsed:
        return RED
    return AMBER
