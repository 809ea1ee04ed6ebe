"""Rows for the action list, worked out in Python once per action so the template only prints
them (a page of 50 rows is the list's main cost after the database)."""

import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.safestring import SafeString

from actions.models import Status
from actions.templatetags.action_plan import person, rag_tag, status_tag

_MONTHS = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_CLOSED = (Status.COMPLETE, Status.DEFERRED)


def short_date(value: dt.date) -> str:
    """'3 Sep 2026', as the "j M Y" date filter prints it."""
    return f"{value.day} {_MONTHS[value.month]} {value.year}"


@dataclasses.dataclass(frozen=True)
class ActionRow:
    pk: int
    url: str
    update_url: str
    reference: str
    title: str
    area: str
    owner: str
    outcomes: str
    due: str
    overdue: bool
    status: SafeString
    rag: SafeString
    percent: int
    last_update: str


def action_rows(actions: Iterable, *, today: dt.date, url_prefix: str) -> list[ActionRow]:
    rows = []
    for action in actions:
        outcomes = ", ".join(str(outcome.number) for outcome in action.outcomes.all())
        rows.append(
            ActionRow(
                pk=action.pk,
                url=f"{url_prefix}{action.pk}/",
                update_url=f"{url_prefix}{action.pk}/update/",
                reference=action.reference,
                title=action.title,
                area=action.area.name if action.area_id else "",
                owner=person(action.owner),
                outcomes=outcomes or "None",
                due=short_date(action.due_date),
                overdue=action.status not in _CLOSED and action.due_date < today,
                status=status_tag(action.status),
                rag=rag_tag(action.rag, bool(action.rag_override)),
                percent=action.percent_complete,
                last_update=short_date(timezone.localtime(action.last_update_at).date())
                if action.last_update_at
                else "None yet",
            )
        )
    return rows
