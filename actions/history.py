"""Turns simple-history's records into rows a person can read: who changed which field, from
what, to what, and when.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.utils import formats

from actions.models import Action, Area, MeasureLink, Milestone, Outcome

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
    if user is None:
        return "Unknown (a system process)"
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full_name or user.get_username()


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
                    model, model._meta.verbose_name.capitalize(), record, previous, lookups
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
