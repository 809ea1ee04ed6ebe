"""The action plan: plans, their outcomes and areas of focus, actions, milestones, linked measures,
progress updates and reflections.

Every model keeps its history with django-simple-history (ADR 040). Plans and actions carry a
`version` that each save increments, so a save made from a stale form can be refused instead of
silently overwriting someone else's change (optimistic concurrency; see services.py).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actions import rag as rag_rules


class Plan(models.Model):
    class Template(models.TextChoices):
        ARP_STRATEGY = "arp_strategy", "ARP strategy"
        BLANK = "blank", "Blank plan"

    name = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    governing_board = models.CharField(max_length=200)
    template = models.CharField(max_length=20, choices=Template.choices, default=Template.BLANK)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="plan_ends_after_starting",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The period must end on or after its start"})


class Outcome(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    # Bumped by each save, so a save from a stale form is refused (services.outcome_update).
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="outcome_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Area(models.Model):
    """An area of focus: governance, workforce, practice, data, partners ..."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(max_length=100)
    # Bumped by each save, so a save from a stale form is refused (services.area_update).
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "name"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="area_name_unique")]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    DEFERRED = "deferred", "Deferred"
    BLOCKED = "blocked", "Blocked"


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Rag(models.TextChoices):
    GREEN = rag_rules.GREEN, "Green"
    AMBER = rag_rules.AMBER, "Amber"
    RED = rag_rules.RED, "Red"


# What an action's RAG is today, worked out by Postgres so lists can filter, sort and count by it.
# Mirrors actions.rag.computed_rag (tests/actions/test_rag.py checks they agree case by case).
# Whole-number arithmetic (percent x 10 x span against 900 or 700 x days elapsed), as in rag.py.
_ELAPSED_SQL = """(CASE
    WHEN %s >= "actions_action"."due_date" THEN 1
    WHEN %s <= "actions_action"."start_date" THEN 0
    ELSE %s - "actions_action"."start_date" END)"""
_SPAN_SQL = """(CASE
    WHEN %s >= "actions_action"."due_date" OR %s <= "actions_action"."start_date" THEN 1
    ELSE "actions_action"."due_date" - "actions_action"."start_date" END)"""
_RAG_SQL = f"""
CASE
  WHEN "actions_action"."rag_override" <> '' THEN "actions_action"."rag_override"
  WHEN "actions_action"."status" = 'deferred' THEN ''
  WHEN "actions_action"."status" = 'complete' THEN 'green'
  WHEN "actions_action"."due_date" < %s THEN 'red'
  WHEN "actions_action"."percent_complete" * 10 * {_SPAN_SQL} >= 900 * {_ELAPSED_SQL}
    THEN 'green'
  WHEN "actions_action"."percent_complete" * 10 * {_SPAN_SQL} <= 700 * {_ELAPSED_SQL}
    THEN 'red'
  ELSE 'amber'
END
"""


def rag_expression(today: dt.date) -> RawSQL:
    return RawSQL(_RAG_SQL, (today,) * 11, output_field=models.CharField())


class ActionQuerySet(models.QuerySet):
    def with_rag(self, today: dt.date | None = None) -> "ActionQuerySet":
        return self.annotate(rag=rag_expression(today or timezone.localdate()))

    def open(self) -> "ActionQuerySet":
        return self.exclude(status__in=[Status.COMPLETE, Status.DEFERRED])

    def overdue(self, today: dt.date | None = None) -> "ActionQuerySet":
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def due_within(self, days: int, today: dt.date | None = None) -> "ActionQuerySet":
        today = today or timezone.localdate()
        return self.open().filter(due_date__gte=today, due_date__lte=today + dt.timedelta(days))


class Action(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    # The reference is A-<number>, numbered per plan and never reused.
    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    outcomes = models.ManyToManyField(Outcome, related_name="actions")
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_actions"
    )
    lead_team = models.CharField(max_length=150, blank=True)
    partners = models.CharField(max_length=300, blank=True)
    start_date = models.DateField()
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    percent_complete = models.PositiveSmallIntegerField(default=0)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    rag_override = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    rag_override_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the latest progress update was posted (kept by progress_update_post), so lists can
    # sort by it without reading every update.
    last_update_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(m2m_fields=[outcomes])
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="action_number_unique"),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("start_date")),
                name="action_due_after_start",
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__lte=100), name="action_percent_range"
            ),
            models.CheckConstraint(
                condition=Q(rag_override="") | ~Q(rag_override_reason=""),
                name="action_rag_override_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "status", "due_date"]),
            models.Index(fields=["owner", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"A-{self.number}"

    def clean(self):
        errors = {}
        if self.start_date and self.due_date and self.due_date < self.start_date:
            errors["due_date"] = "The due date must be the same as or after the start date"
        if self.percent_complete is not None and self.percent_complete > 100:
            errors["percent_complete"] = "Percent complete must be between 0 and 100"
        if self.status == Status.COMPLETE and self.percent_complete != 100:
            errors["percent_complete"] = (
                "Enter 100 for percent complete, or choose a status other than complete"
            )
        if self.rag_override and not self.rag_override_reason.strip():
            errors["rag_override_reason"] = "Enter why you are setting the RAG by hand"
        if errors:
            raise ValidationError(errors)

    def computed_rag(self, today: dt.date | None = None) -> str:
        """The RAG the rules give, ignoring any override."""
        return rag_rules.computed_rag(
            status=self.status,
            percent_complete=self.percent_complete,
            start_date=self.start_date,
            due_date=self.due_date,
            today=today or timezone.localdate(),
        )

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status not in (Status.COMPLETE, Status.DEFERRED) and self.due_date < (
            today or timezone.localdate()
        )


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


class MeasureLink(models.Model):
    """A measure the action should move, named by a registry key (arp_portal/core/measures.py)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="measure_links")
    key = models.CharField(max_length=200)
    label = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "key"], name="measure_link_unique")
        ]

    def __str__(self) -> str:
        return self.label or self.key


class ProgressUpdate(models.Model):
    """A narrative posted against an action, with the status, percent and RAG it set."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    created_at = models.DateTimeField(default=timezone.now)
    narrative = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices)
    percent_complete = models.PositiveSmallIntegerField()
    # The RAG as it stood once the update was saved, and whether it was set by hand.
    rag = models.CharField(max_length=10, blank=True)
    rag_overridden = models.BooleanField(default=False)
    rag_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["action", "-created_at"]),
            # "Recent updates" and "updates since" read newest first across a plan.
            models.Index(fields=["-created_at"]),
        ]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.action_id} {self.created_at:%Y-%m-%d}"


class Reflection(models.Model):
    """'What went well' and 'lessons learnt' for the plan's programme reviews."""

    class Kind(models.TextChoices):
        WENT_WELL = "went_well", "What went well"
        LESSON = "lesson", "Lesson learnt"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reflections")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField(default=timezone.localdate)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-kind", "-recorded_on", "-id"]  # what went well, then lessons

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"
