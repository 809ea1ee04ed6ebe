"""Practice audits with a racial lens: templates of questions, rounds of sampled cases, and each
case's audit and its moderation. Imported by dashboards/models.py, so they belong to the
dashboards app.

A case is known by the child's pseudonymised reference; audits hold answers and grades, never a
name. A round keeps the seed and sizes it was drawn with, so the same sample can be drawn again.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from arp_portal.core.models import Child


class AuditAnswer(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class AuditGrade(models.TextChoices):
    # The four grades of councils' quality assurance frameworks, best first.
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class AuditTemplate(models.Model):
    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "dashboards"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AuditQuestion(models.Model):
    """A question answered yes, partly or no. `key` names it in linked-measure keys."""

    template = models.ForeignKey(AuditTemplate, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=50)
    text = models.CharField(max_length=300)
    racial_lens = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        app_label = "dashboards"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="audit_question_key_unique")
        ]

    def __str__(self) -> str:
        return self.text


class AuditRound(models.Model):
    """A sample of cases open on a date, drawn per ethnic group with a recorded seed."""

    template = models.ForeignKey(AuditTemplate, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=150, unique=True)
    open_on = models.DateField()
    seed = models.PositiveIntegerField()
    sizes = models.JSONField(default=dict)  # ethnic group -> cases asked for
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "dashboards"
        ordering = ["-open_on", "-id"]

    def __str__(self) -> str:
        return self.name


class AuditCase(models.Model):
    """One sampled case: who audits it, their answers and grade, and any moderation."""

    round = models.ForeignKey(AuditRound, on_delete=models.CASCADE, related_name="cases")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    # The child's ethnicity and group when sampled: results stay as drawn if a later import
    # corrects the child's record.
    ethnicity = models.CharField(max_length=4)
    ethnic_group = models.CharField(max_length=10)
    position = models.PositiveIntegerField()
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_cases",
    )
    grade = models.CharField(max_length=25, choices=AuditGrade.choices, blank=True)
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_grade = models.CharField(max_length=25, choices=AuditGrade.choices, blank=True)
    moderation_note = models.TextField(blank=True)

    class Meta:
        app_label = "dashboards"
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "child"], name="audit_case_child_unique"),
            models.CheckConstraint(
                condition=Q(recorded_at__isnull=True) | ~Q(grade=""),
                name="audit_case_recorded_with_grade",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.child}"

    @property
    def recorded(self) -> bool:
        return self.recorded_at is not None

    @property
    def moderated(self) -> bool:
        return self.moderated_at is not None

    @property
    def final_grade(self) -> str:
        """The moderator's grade where there is one: results count the moderated view."""
        return self.moderated_grade or self.grade


class AuditCaseAnswer(models.Model):
    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="answers")
    # A question with answers cannot be deleted, or rounds already done would change.
    question = models.ForeignKey(AuditQuestion, on_delete=models.PROTECT, related_name="answers")
    answer = models.CharField(max_length=6, choices=AuditAnswer.choices)

    class Meta:
        app_label = "dashboards"
        constraints = [
            models.UniqueConstraint(fields=["case", "question"], name="audit_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.question_id}: {self.answer}"
