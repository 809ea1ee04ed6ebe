"""The children's dashboard's disclosure decisions (dashboards/children/disclosure.py)."""

from django.db import models


class ChildrenDisclosureDecision(models.Model):
    """Which counts are hidden ("c") in every modelled view of one (date, measure, cohort),
    decided by the task worker from the snapshot build `build_id` (a CohortSnapshotBuild's id).
    It stands while that build does: a write to the children's data expires (deletes) the
    build, a rebuild has a new id, and a decision whose build is not the current one is not
    read (the date shows as being prepared)."""

    reference_date = models.DateField()
    measure = models.CharField(max_length=8)
    cohort = models.CharField(max_length=8)
    build_id = models.BigIntegerField()
    # "area|band" -> the nodes hidden in that view (codes, major groups' keys, Unknown, known,
    # total); and the same views' counts by code, which a view combining filters is
    # suppressed against.
    hidden = models.JSONField()
    counts = models.JSONField()
    decided_at = models.DateTimeField(auto_now=True)
    seconds = models.FloatField()  # how long the decision took
    ok = models.BooleanField()  # the exact check passed

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reference_date", "measure", "cohort"],
                name="children_disclosure_decision_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference_date} {self.measure} {self.cohort}"
