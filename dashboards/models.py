"""The workforce dashboard's own data: HR events, the working-age population and the training
target. Staff themselves live in the shared model (core.StaffMember), pseudonymised."""

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from arp_portal.core.models import Ethnicity, StaffMember


class WorkforceEventKind(models.TextChoices):
    DISCIPLINARY_OPENED = "disciplinary_opened", "Formal disciplinary process opened"
    DISCIPLINARY_OUTCOME = "disciplinary_outcome", "Disciplinary outcome"
    SHORTLISTED = "shortlisted", "Shortlisted for a post"
    APPOINTED = "appointed", "Appointed to a post"
    TRAINING_COMPLETED = "training_completed", "Completed anti-racist practice training"


class WorkforceEventQuerySet(models.QuerySet):
    def of_kind(self, kind: str) -> "WorkforceEventQuerySet":
        return self.filter(event=kind)

    def between(self, first: dt.date, last: dt.date) -> "WorkforceEventQuerySet":
        return self.filter(date__gte=first, date__lte=last)


class WorkforceEvent(models.Model):
    """Something that happened to a member of staff, from the HR events file.

    One row per staff member, kind and date: re-importing a file updates the detail rather than
    adding a second event.
    """

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="events")
    event = models.CharField(max_length=30, choices=WorkforceEventKind.choices)
    date = models.DateField()
    detail = models.CharField(max_length=200, blank=True)

    objects = WorkforceEventQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "event", "date"], name="workforce_event_unique"
            )
        ]
        indexes = [models.Index(fields=["event", "date"])]

    def __str__(self) -> str:
        return f"{self.staff} {self.event} {self.date}"


class WorkingAgePopulation(models.Model):
    """The authority's working-age population (16-64) by ethnicity: the local population the
    workforce is compared with. source names the estimate and its vintage."""

    year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=200)
    ethnicity = models.ForeignKey(Ethnicity, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "source", "ethnicity"], name="working_age_population_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.ethnicity_id}: {self.count}"


class TrainingTarget(models.Model):
    """The share of staff in post who should have completed anti-racist practice training by a
    date. The latest target set is the one the dashboard shows."""

    percent = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    due_date = models.DateField()
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-set_at"]
        get_latest_by = "set_at"

    def __str__(self) -> str:
        return f"{self.percent}% by {self.due_date}"


# Each area's models live beside its code; importing them here registers them with the app.
from dashboards.audits.models import (  # noqa: E402, F401
    AuditAnswer,
    AuditCase,
    AuditCaseAnswer,
    AuditGrade,
    AuditQuestion,
    AuditRound,
    AuditTemplate,
)
from dashboards.children.models import ChildrenDisclosureDecision  # noqa: E402, F401
from dashboards.front_door.models import (  # noqa: E402, F401
    Contact,
    ContactMonth,
    ContactOutcome,
    EarlyHelpClosure,
    EarlyHelpEpisode,
)
