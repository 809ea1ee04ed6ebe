"""The front door: contacts (the decision at first contact) and early help episodes, from the
case system's own exports. Imported by dashboards/models.py, so they belong to the dashboards app.

Children are known by the case system's pseudonymised reference. A contact often concerns a
child the portal does not hold (most contacts never become a referral), so the child's
ethnicity is kept on the row: from the child already held, or the file's `ethnicity` column.
A trigger on core_child keeps it in step when a held child's ethnicity is added or corrected
(migration 0005).
"""

from django.db import models
from django.db.models import Q

from arp_portal.core.models import Team

# A contact is a repeat when the child had a contact on an earlier day this many days before.
REPEAT_WINDOW_DAYS = 365


class ContactOutcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    INFORMATION_AND_ADVICE = "advice", "Information and advice"
    EARLY_HELP = "early_help", "Early help"
    REFERRAL = "referral", "Referral to children's social care"


# CIN census referral source codes (DfE CIN census guide, ReferralSource).
CONTACT_SOURCES: dict[str, str] = {
    "1A": "Individual",
    "1B": "Individual: family member, relative or carer",
    "1C": "Individual: acquaintance (including neighbours and child minders)",
    "1D": "Individual: self",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "Health services: GP",
    "3B": "Health services: health visitor",
    "3C": "Health services: school nurse",
    "3D": "Health services: other primary health services",
    "3E": "Health services: A&E (emergency department)",
    "3F": "Health services: other",
    "4": "Housing",
    "5A": "Local authority services: social care",
    "5B": "Local authority services: other internal",
    "5C": "Local authority services: external",
    "5D": "Local authority services: early help",
    "6": "Police",
    "7": "Other legal agency",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}


class EarlyHelpClosure(models.TextChoices):
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
    NEEDS_MET = "needs_met", "Needs met"
    STEPPED_DOWN = "stepped_down", "Stepped down to universal services"
    DECLINED = "declined", "Family declined or withdrew consent"
    MOVED_AWAY = "moved_away", "Moved out of the area"
    OTHER = "other", "Other"


class Contact(models.Model):
    """One contact with the front door and what was decided."""

    child_ref = models.CharField(max_length=64)
    contact_date = models.DateField()
    source = models.CharField(max_length=3)
    outcome = models.CharField(max_length=10, choices=ContactOutcome.choices)
    ethnicity = models.CharField(max_length=4)
    # Another contact for the same child in the 12 months before (not the same day): worked
    # out on import for the contacts it writes and those after them.
    repeat_within_12_months = models.BooleanField(default=False)

    class Meta:
        app_label = "dashboards"
        indexes = [
            models.Index(fields=["child_ref", "contact_date"], name="contact_child_date"),
            # The dashboard's counts: an index-only scan of a period.
            models.Index(
                fields=["contact_date"],
                include=["ethnicity", "outcome", "source", "repeat_within_12_months"],
                name="contact_period_covering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_ref} {self.contact_date} {self.outcome}"


class EarlyHelpEpisode(models.Model):
    child_ref = models.CharField(max_length=64)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closure_reason = models.CharField(max_length=15, choices=EarlyHelpClosure.choices, blank=True)
    ethnicity = models.CharField(max_length=4)

    class Meta:
        app_label = "dashboards"
        constraints = [
            models.UniqueConstraint(
                fields=["child_ref", "start_date"], name="early_help_child_start_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="early_help_ends_after_starting",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=False) | Q(closure_reason=""),
                name="early_help_closure_needs_end",
            ),
        ]
        # The dashboard's counts of a year's starts and ends by ethnicity (and team): index-only
        # scans of a period, no visit to the table.
        indexes = [
            models.Index(
                fields=["start_date"], include=["ethnicity", "team"], name="early_help_starts"
            ),
            models.Index(
                fields=["end_date"],
                include=["ethnicity", "team", "closure_reason"],
                name="early_help_ends",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_ref} early help {self.start_date}"


class ContactMonth(models.Model):
    """Contacts counted by month, ethnicity, source, outcome and repeat: what the dashboard
    reads for whole months, so a national year is a few thousand rows, not a million.
    Rebuilt for the months an import touches (services.contact_months_rebuild)."""

    month = models.DateField()  # the first day of the month
    ethnicity = models.CharField(max_length=4)
    source = models.CharField(max_length=3)
    outcome = models.CharField(max_length=10)
    repeat_within_12_months = models.BooleanField()
    contacts = models.PositiveIntegerField()

    class Meta:
        app_label = "dashboards"
        indexes = [models.Index(fields=["month"], name="contact_month_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.ethnicity} {self.outcome}: {self.contacts}"
