"""Turns simple-history's records into rows a person can read: who changed which field, from
what, to what, and when.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.utils import formats, timezone

from actions import rag as rag_rules
from actions.models import Action, Area, MeasureLink, Milestone, Outcome
from arp_portal.core.people import display_name

# Bookkeeping fields that change with every save and mean nothing to a reader.
IGNORED_FIELDS = {"updated_at", "version", "created_at", "number"}
EMPTY = "(blank)"


@dataclasses.dataclass(frozen=True)
class Change:
    when: dt.datetime
    who: str
    subject: str  # what was changed: "Action", "Milestone “Pilot in the North”" ...
    field: str  # the field's label, or "" for a whole-object event
    old: str
    new: str
    event: str = ""  # "Created", "Removed" ... for a whole-object event


def user_label(user) -> str:
    return display_name(user) or "Unknown (a system process)"


class _Lookups:
    """Names for the ids a diff holds, fetched once per page rather than once per row."""

    def __init__(self, records: list):
        user_ids, area_ids, plan_ids = set(), set(), set()
        for record in records:
            if hasattr(record, "owner_id"):
                user_ids.add(record.owner_id)
            if getattr(record, "area_id", None):
                area_ids.add(record.area_id)
            if getattr(record, "plan_id", None):
                plan_ids.add(record.plan_id)
        self.users = {u.pk: user_label(u) for u in get_user_model().objects.filter(pk__in=user_ids)}
        self.areas = dict(Area.objects.filter(pk__in=area_ids).values_list("pk", "name"))
        self.outcomes = dict(
            Outcome.objects.filter(plan_id__in=plan_ids).values_list("pk", "number")
        )

    def outcome_number(self, pk: int) -> str:
        number = self.outcomes.get(pk)
        return f"Outcome {number}" if number else "A deleted outcome"


def _display(model, field_name: str, value, lookups: _Lookups) -> str:
    if value in (None, ""):
        return EMPTY
    if field_name == "owner":
        return lookups.users.get(value, f"User {value}")
    if field_name == "area":
        return lookups.areas.get(value, "A deleted area")
    if field_name == "outcomes":
        numbers = sorted(lookups.outcome_number(row["outcome"]) for row in value)
        return ", ".join(numbers) or EMPTY
    field = model._meta.get_field(field_name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dt.date):
        return formats.date_format(value, "j F Y")
    if field_name == "percent_complete":
        return f"{value}%"
    return str(value)


def _label(model, field_name: str) -> str:
    if field_name == "rag_override":
        return "RAG set by hand"
    if field_name == "rag_override_reason":
        return "Reason for the RAG"
    return str(model._meta.get_field(field_name).verbose_name).capitalize()


def _record_changes(model, subject: str, record, previous, lookups: _Lookups) -> list[Change]:
    who = user_label(record.history_user)
    if record.history_type == "+":
        return [Change(record.history_date, who, subject, "", "", "", event="Created")]
    if record.history_type == "-":
        return [Change(record.history_date, who, subject, "", "", "", event="Removed")]
    if previous is None:
        return []
    delta = record.diff_against(previous)
    rows = []
    for change in delta.changes:
        if change.field in IGNORED_FIELDS:
            continue
        rows.append(
            Change(
                record.history_date,
                who,
                subject,
                _label(model, change.field),
                _display(model, change.field, change.old, lookups),
                _display(model, change.field, change.new, lookups),
            )
        )
    return rows


RAG_WORDS = {rag_rules.GREEN: "Green", rag_rules.AMBER: "Amber", rag_rules.RED: "Red"}


def _rag_on_the_day(record) -> tuple[str, str]:
    """(RAG, how it was reached) for an action's historical record, on the day it was saved:
    the RAG set by hand, or the one the rules gave from its progress and dates that day."""
    if record.rag_override:
        return record.rag_override, "set by hand"
    return (
        rag_rules.computed_rag(
            status=record.status,
            percent_complete=record.percent_complete,
            start_date=record.start_date,
            due_date=record.due_date,
            today=timezone.localtime(record.history_date).date(),
        ),
        "worked out",
    )


def _rag_change(record, previous) -> Change | None:
    """A row for the RAG when a save moved it, whether it was set by hand or worked out (the
    worked-out RAG is not stored, so it is worked out for both records on the day of the save)."""
    if previous is None or record.history_type != "~":
        return None
    (old, old_how), (new, new_how) = _rag_on_the_day(previous), _rag_on_the_day(record)
    if old == new:
        return None
    return Change(
        record.history_date,
        user_label(record.history_user),
        "Action",
        "RAG",
        f"{RAG_WORDS.get(old, 'No RAG')} ({old_how})",
        f"{RAG_WORDS.get(new, 'No RAG')} ({new_how})",
    )


def _pairs(records: Iterable) -> list[tuple]:
    """(record, the record before it) for one object's records, oldest first."""
    ordered = sorted(records, key=lambda r: (r.history_date, r.history_id))
    return list(zip(ordered, [None, *ordered[:-1]], strict=True))


def changes_since(records, *, version: int) -> list[Change]:
    """What changed on a plan or action after the given version: for the stale-edit message."""
    records = list(records.select_related("history_user"))
    lookups = _Lookups(records)
    model = records[0].instance_type if records else Action
    rows: list[Change] = []
    for record, previous in _pairs(records):
        if record.version > version and previous is not None:
            rows.extend(
                _record_changes(
                    model, str(model._meta.verbose_name).capitalize(), record, previous, lookups
                )
            )
    return rows


def action_changes(action: Action) -> list[Change]:
    """The action's full change history, with its milestones and linked measures, newest first."""
    action_records = list(action.history.select_related("history_user"))
    milestone_records = list(
        Milestone.history.filter(action_id=action.pk).select_related("history_user")
    )
    measure_records = list(
        MeasureLink.history.filter(action_id=action.pk).select_related("history_user")
    )
    lookups = _Lookups(action_records)
    rows: list[Change] = []
    for record, previous in _pairs(action_records):
        rows.extend(_record_changes(Action, "Action", record, previous, lookups))
        rag_row = _rag_change(record, previous)
        if rag_row is not None:
            rows.append(rag_row)
    for model, records, noun in (
        (Milestone, milestone_records, "Milestone"),
        (MeasureLink, measure_records, "Linked measure"),
    ):
        by_object: dict[int, list] = {}
        for record in records:
            by_object.setdefault(record.id, []).append(record)
        for object_records in by_object.values():
            for record, previous in _pairs(object_records):
                name = getattr(record, "title", None) or record.label or record.key
                rows.extend(_record_changes(model, f"{noun} “{name}”", record, previous, lookups))
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows
