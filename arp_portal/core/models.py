"""The shared model: the authority's structure, its workforce and children's case cohorts.

Everything here is pseudonymised: staff and children are known by a reference, never a name.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from arp_portal.core.ethnicity import MajorGroup


class PortalAccess(models.Model):
    """Holds the portal's own permissions; roles (auth groups) are made of these.

    No table: it exists so the permissions have a content type to hang from.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_dashboards", "Read the disproportionality and workforce dashboards"),
            ("view_survey_results", "Read aggregate survey results"),
            ("manage_surveys", "Create, open, close and moderate surveys"),
            ("import_data", "Import case, population and workforce data"),
            ("view_action_plan", "Read the action plan"),
            ("edit_action_plan", "Edit the action plan and post progress updates"),
            ("manage_users", "Manage portal users and reference data"),
            ("manage_audits", "Edit audit templates and draw audit rounds"),
            ("conduct_audits", "Record and moderate practice audits"),
        ]

    def __str__(self) -> str:
        return "Portal access"


class Locality(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"

    def __str__(self) -> str:
        return self.name


class ServiceArea(models.TextChoices):
    FRONT_DOOR = "front_door", "Front door and assessment"
    CHILDREN_IN_NEED = "children_in_need", "Children in need and child protection"
    CHILDREN_IN_CARE = "children_in_care", "Children in care and care leavers"
    EARLY_HELP = "early_help", "Early help"
    DISABLED_CHILDREN = "disabled_children", "Disabled children"
    FOSTERING_ADOPTION = "fostering_adoption", "Fostering and adoption"
    QUALITY = "quality", "Quality assurance and business support"


class Team(models.Model):
    name = models.CharField(max_length=150, unique=True)
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="teams")
    service_area = models.CharField(max_length=30, choices=ServiceArea.choices)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["locality", "service_area"])]

    def __str__(self) -> str:
        return self.name


class Ethnicity(models.Model):
    """One of the 20 DfE codes. The code is fixed; the label is the authority's own wording."""

    code = models.CharField(max_length=4, primary_key=True)
    major_group = models.CharField(max_length=10, choices=MajorGroup.choices)
    label = models.CharField(max_length=100)
    default_label = models.CharField(max_length=100, editable=False)
    sort_order = models.PositiveSmallIntegerField(editable=False)

    class Meta:
        ordering = ["sort_order"]
        verbose_name_plural = "ethnicities"

    def __str__(self) -> str:
        return f"{self.label} ({self.code})"

    @property
    def is_unknown(self) -> bool:
        return self.major_group == MajorGroup.UNKNOWN


class GradeBand(models.TextChoices):
    """Grade bands from entry level to the top of the service, in order."""

    SUPPORT = "1_support", "Support and administrative"
    PRACTITIONER = "2_practitioner", "Practitioner"
    SENIOR_PRACTITIONER = "3_senior_practitioner", "Senior practitioner"
    TEAM_MANAGER = "4_team_manager", "Team manager"
    SERVICE_MANAGER = "5_service_manager", "Service manager"
    SENIOR_LEADER = "6_senior_leader", "Head of service and director"


class StaffRole(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    FAMILY_SUPPORT = "family_support", "Family support worker"
    PERSONAL_ADVISER = "personal_adviser", "Personal adviser"
    RESIDENTIAL = "residential", "Residential care worker"
    MANAGER = "manager", "Manager"
    BUSINESS_SUPPORT = "business_support", "Business support"
    OTHER = "other", "Other role"


class StaffMember(models.Model):
    """A pseudonymised staff record. staff_ref is a keyed hash of the HR id; no name is held."""

    staff_ref = models.CharField(max_length=64, unique=True)
    ethnicity = models.ForeignKey(Ethnicity, on_delete=models.PROTECT, related_name="+")
    grade_band = models.CharField(max_length=30, choices=GradeBand.choices)
    role = models.CharField(max_length=30, choices=StaffRole.choices)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff"
    )
    fte = models.DecimalField(max_digits=4, decimal_places=2)
    start_date = models.DateField()
    leaving_date = models.DateField(null=True, blank=True)
    hourly_pay = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["ethnicity", "grade_band"]),
            models.Index(fields=["start_date", "leaving_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(leaving_date__isnull=True)
                | Q(leaving_date__gte=models.F("start_date")),
                name="staff_leaves_after_starting",
            ),
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=1.5), name="staff_fte_range"
            ),
        ]

    def __str__(self) -> str:
        return self.staff_ref[:12]


class Sex(models.IntegerChoices):
    # As coded in the CIN census and SSDA903.
    MALE = 1, "Male"
    FEMALE = 2, "Female"
    NOT_KNOWN = 9, "Not known"


class ChildQuerySet(models.QuerySet):
    def in_cohort_on(self, kind: str, date: dt.date) -> "ChildQuerySet":
        """Children with an episode of the cohort open on a date, of any age. CIN includes
        children on a plan and in care (DfE). The dashboards count through
        dashboards.children.selectors, which also takes exact age (0 to 17) into account."""
        episodes = Episode.objects.open_on(date)
        if kind != EpisodeKind.CHILD_IN_NEED:
            episodes = episodes.of_kind(kind)
        return self.filter(pk__in=episodes.values("child_id"))


class Child(models.Model):
    """A pseudonymised child: case-system reference, date of birth, sex and ethnicity.

    The full date of birth is held so that age on a date is exact (a child born on 15 September
    is 17 until 14 September of their 18th year). Where sources disagree about a child, the
    return with the latest reference date wins (attributes_reference_date, attributes_source)
    and the import reports the disagreement; see docs/children-dashboard.md.
    """

    # Unique by a constraint rather than unique=True, which would add a second (LIKE) index
    # that nothing uses and every import of a million children would pay for.
    child_ref = models.CharField(max_length=64)
    birth_year = models.PositiveSmallIntegerField()
    birth_month = models.PositiveSmallIntegerField()
    # 1 for rows written before full dates of birth were kept (their age is then counted from the
    # first of the birth month, as it was).
    birth_day = models.PositiveSmallIntegerField(default=1, db_default=1)
    sex = models.PositiveSmallIntegerField(choices=Sex.choices)
    # PersonDeathDate (CIN census): ends every cohort membership on that day.
    death_date = models.DateField(null=True, blank=True)
    # Which return or export gave the birth date, sex and ethnicity held, and its reference date:
    # a source with a later reference date replaces them, an earlier one does not. A child the
    # latest case-system export gave ("cases") takes that export's day (CaseExportDate), which
    # the date stored here may trail: an export's unchanged children are not rewritten.
    attributes_source = models.CharField(max_length=30, blank=True, default="", db_default="")
    attributes_reference_date = models.DateField(null=True, blank=True)
    # Not a database foreign key: the 20 DfE codes are fixed rows (migration 0002) and every
    # importer checks codes against them, while a per-row key check locks one of those 20 rows
    # for each of a million children, which trebles an import's time (ADR 020).
    ethnicity = models.ForeignKey(
        Ethnicity,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,  # counts go through the episodes' copy of the code (ADR 020)
    )

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "children"
        constraints = [
            models.UniqueConstraint(fields=["child_ref"], name="child_ref_unique"),
            models.CheckConstraint(
                condition=Q(birth_month__gte=1) & Q(birth_month__lte=12), name="child_birth_month"
            ),
            models.CheckConstraint(
                condition=Q(birth_day__gte=1) & Q(birth_day__lte=31), name="child_birth_day"
            ),
        ]

    def __str__(self) -> str:
        return self.child_ref

    @property
    def birth_date(self) -> dt.date:
        return dt.date(self.birth_year, self.birth_month, self.birth_day)

    def age_on(self, date: dt.date) -> int:
        """Age in whole years on the date, from the full date of birth (as the cohort SQL:
        (YYYYMMDD of the date - YYYYMMDD of birth) // 10000)."""
        return age_on(self.birth_date, date)


def birth_number(date: dt.date) -> int:
    """A date as the number YYYYMMDD. Ages compare as these numbers do: a child is aged at
    least n on a date exactly when their birth number is at most the date's minus n * 10000
    (a 29 February birthday falls on 1 March in other years, as in English law)."""
    return date.year * 10000 + date.month * 100 + date.day


def age_on(birth: dt.date, date: dt.date) -> int:
    """Whole years from birth to the date."""
    return (birth_number(date) - birth_number(birth)) // 10000


class EpisodeKind(models.TextChoices):
    CHILD_IN_NEED = "CIN", "Child in need"
    # A child in need plan (CIN census CINPlanDates): a stage of the pathway between referral
    # and a protection plan. Flat case exports and SSDA903 do not carry it.
    CIN_PLAN = "CINP", "Child in need plan"
    CHILD_PROTECTION = "CP", "Child protection plan"
    IN_CARE = "CIC", "In care"


class EpisodeQuerySet(models.QuerySet):
    def open_on(self, date: dt.date) -> "EpisodeQuerySet":
        return self.filter(start_date__lte=date).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=date)
        )

    def of_kind(self, kind: str) -> "EpisodeQuerySet":
        return self.filter(kind=kind)


class Episode(models.Model):
    """A period a child spent in need, on a protection plan or in care.

    DfE counts children on a CP plan or in care as children in need, so the CIN cohort at a date is
    every child with any episode open on that date (see ChildQuerySet.in_cohort_on).
    """

    # Episode is the fact table imports write a million rows into, so its references are
    # checked by the importers (which join on them) and Django's on_delete, not by Postgres:
    # a foreign-key check per row, with its row lock on the child, would triple an import's
    # time (docs/adr/020-denormalised-episode-cohort-columns.md). No index of its own: the
    # (child, kind, start_date) index below serves lookups by child.
    child = models.ForeignKey(
        Child,
        on_delete=models.CASCADE,
        related_name="episodes",
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(max_length=4, choices=EpisodeKind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="episodes",
        db_constraint=False,
        db_index=False,  # teams are rarely changed or removed; imports pay for every index
    )
    # CP: initial category of abuse (NEG, PHY, SAB, EMO, MUL); CIC: legal status (C1, C2, V2 ...).
    plan_category = models.CharField(max_length=10, blank=True)
    legal_status = models.CharField(max_length=10, blank=True)
    # Which return or export the episode came from, so a newer return can replace its period.
    source = models.CharField(max_length=30, blank=True)
    # end_date is what the cohorts count. It is what the file said unless a rule changed it:
    # then end_rule names the rule (RULE_1, RULE_1A, RULE_2 or RULE_4 of the SSDA903 episode
    # cleaning; LATER_RETURN when a later CIN census is the truth for the years after this
    # return's; DEATH for PersonDeathDate) and recorded_end_date keeps what the file said
    # (null: open). docs/children-dashboard.md.
    recorded_end_date = models.DateField(null=True, blank=True)
    end_rule = models.CharField(max_length=30, blank=True, default="", db_default="")

    # The child's ethnicity, birth date (as the number YYYYMMDD), sex and the team's locality,
    # copied onto each episode so a dashboard's cohort count is one GROUP BY over an index of
    # this table (docs/adr/020-denormalised-episode-cohort-columns.md). Database triggers fill
    # them on insert and keep them in step when a child or a team changes (migration 0003):
    # nothing in Python needs to set them.
    child_ethnicity = models.CharField(max_length=4, null=True, editable=False)
    child_birth_ymd = models.IntegerField(null=True, editable=False)
    child_sex = models.PositiveSmallIntegerField(null=True, editable=False)
    locality = models.ForeignKey(
        Locality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["child", "kind", "start_date"]),
            # Covers the dashboard's cohort counts: an index-only scan by kind and start date.
            models.Index(
                fields=["kind", "start_date"],
                include=[
                    "end_date",
                    "child_ethnicity",
                    "child_birth_ymd",
                    "child_sex",
                    "locality",
                    "team",
                    "child",
                ],
                name="episode_cohort_covering",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="episode_ends_after_starting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.kind} {self.start_date}"


class AgeBand(models.TextChoices):
    UNDER_1 = "under1", "Under 1"
    AGE_1_4 = "1-4", "1 to 4"
    AGE_5_9 = "5-9", "5 to 9"
    AGE_10_15 = "10-15", "10 to 15"
    AGE_16_17 = "16-17", "16 to 17"
    ALL = "0-17", "0 to 17"


class PopulationEstimate(models.Model):
    """Children's population (0-17) by ethnicity: the denominator of every rate.

    area is a locality, or null for the whole authority. source names the estimate and its
    vintage (DfE revised rates after the 2021 Census), so a rate can say what it was divided by.
    """

    locality = models.ForeignKey(
        Locality, on_delete=models.CASCADE, null=True, blank=True, related_name="population"
    )
    year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=200)
    age_band = models.CharField(max_length=6, choices=AgeBand.choices)
    ethnicity = models.ForeignKey(Ethnicity, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "year", "source", "age_band", "ethnicity"],
                name="population_estimate_unique",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["year", "locality"])]

    def __str__(self) -> str:
        area = self.locality.name if self.locality is not None else "all"
        return f"{area} {self.year} {self.age_band} {self.ethnicity_id}: {self.count}"


DEMO_IMPORT_KIND = "demo"


class CaseExportDate(models.Model):
    """The day of the latest case-system export imported: one row, or none before the first.

    Every child that export gave (attributes_source "cases") has its details as of that day,
    whatever their stored attributes_reference_date says: a re-import leaves the children whose
    rows are unchanged as they are rather than dating a million rows afresh, and an import of
    another source brings the dates of the children it names up to this day before it weighs
    sources (dashboards.children.services). A child held from the export but left out of a
    later one keeps the day of the last export that gave it, and the source "cases:earlier"
    (ADR 057, second amendment)."""

    exported_on = models.DateField()

    def __str__(self) -> str:
        return f"case-system export of {self.exported_on:%-d %B %Y}"


class ImportRun(models.Model):
    """A record of every import: who, when, which file (by hash) and what it changed."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", "Imported"
        REJECTED = "rejected", "Rejected: nothing written"

    kind = models.CharField(max_length=40)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["kind", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} {self.status}"


class PendingImport(models.Model):
    """An upload checked but not written: it would remove or change what an earlier import
    wrote, so its uploader sees what it would do and confirms (or cancels) first. The files
    stay in settings.ARP_IMPORT_STAGING_DIR until then, or until it expires and is cleared
    (dashboards.import_services.pending_imports_expire)."""

    id = models.UUIDField(primary_key=True)
    kind = models.CharField(max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    folder = models.CharField(max_length=500)  # the staging folder holding the files
    files = models.JSONField(default=list)  # [{"name": "header.csv", "path": ".../0.csv"}]
    options = models.JSONField(default=dict, blank=True)  # importer options (SSDA903's year)
    file_sha256 = models.CharField(max_length=64)
    counts = models.JSONField(default=dict)  # what the check found the import would do
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.kind} awaiting confirmation until {self.expires_at:%Y-%m-%d %H:%M}"


class CohortSnapshot(models.Model):
    """Children counted on a reference date (or starting in the year to it), by ethnicity, age
    band, sex and area: the children's dashboard reads these instead of scanning every episode.

    Built from Episode one (reference date, measure) at a time by dashboards.children.snapshots,
    for every 31 March after an import and for any other date when first asked for. Any write to
    core_child or core_episode empties CohortSnapshotBuild (a statement trigger, migration 0004),
    so a snapshot is never read after the data under it has changed.

    scope "all" counts each child once; "locality" and "team" count the children with an
    episode in that locality or team (a child in two teams counts in each).
    """

    reference_date = models.DateField()
    measure = models.CharField(max_length=8)  # on_date | starts
    cohort = models.CharField(max_length=4)  # on_date: cin, cp, cic; starts: an EpisodeKind
    scope = models.CharField(max_length=8)  # all | locality | team
    locality_id = models.IntegerField(null=True)
    team_id = models.IntegerField(null=True)
    ethnicity = models.CharField(max_length=4)
    age_band = models.CharField(max_length=6)
    sex = models.PositiveSmallIntegerField()
    children = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["reference_date", "measure", "cohort", "scope"],
                name="cohort_snapshot_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference_date} {self.measure} {self.cohort} {self.scope}: {self.children}"


class CohortSnapshotBuild(models.Model):
    """Which (reference date, measure) snapshots are complete and current."""

    reference_date = models.DateField()
    measure = models.CharField(max_length=8)
    built_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reference_date", "measure"], name="cohort_snapshot_build_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference_date} {self.measure}"


class CareEpisodeRecord(models.Model):
    """An SSDA903 episode as its return gave it, and what the episode cleaning made of it.

    Every return held keeps its rows here, so the cleaning (docs/children-dashboard.md, after
    liia-tools' "episodes fix") can be run again across all of them when a return arrives, and
    anyone can see what the file said beside what is counted. core_episode holds the episodes
    the cleaning kept, with its end date; a removed row (RULE_3, RULE_3A, RESTATED) has none.
    """

    year = models.PositiveSmallIntegerField()  # the collection year, ending 31 March
    la = models.CharField(max_length=10, blank=True)
    child_ref = models.CharField(max_length=64)
    line = models.PositiveIntegerField()
    decom = models.DateField()
    rne = models.CharField(max_length=2, blank=True)
    ls = models.CharField(max_length=10, blank=True)
    cin = models.CharField(max_length=4, blank=True)
    place = models.CharField(max_length=4, blank=True)
    place_provider = models.CharField(max_length=4, blank=True)
    dec = models.DateField(null=True, blank=True)
    rec = models.CharField(max_length=4, blank=True)
    reason_place_change = models.CharField(max_length=10, blank=True)
    pl_post = models.CharField(max_length=10, blank=True)
    urn = models.CharField(max_length=10, blank=True)
    cleaned_dec = models.DateField(null=True, blank=True)
    rule = models.CharField(max_length=20, blank=True)
    removed = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["year"]), models.Index(fields=["child_ref", "decom"])]

    def __str__(self) -> str:
        return f"{self.year} {self.child_ref} {self.decom} {self.rule or 'as filed'}"
