"""The workforce counts, asked of Postgres: every function here is one or two GROUP BY queries
and returns plain dicts keyed by (..., major ethnic group).

Conventions: a member of staff is in post on a date when they started on or before it and have
not left before it (leaving_date is their last day). Someone is "employed during" a period when
they were in post on any day of it. Unknown ethnicity (REFU, NOBT) is its own group, "Unknown".
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)

from arp_portal.core.ethnicity import MAJOR_GROUP_OF
from arp_portal.core.models import (
    DEMO_IMPORT_KIND,
    ImportRun,
    Locality,
    ServiceArea,
    StaffMember,
)
from dashboards.children import selectors as children_selectors
from dashboards.models import (
    TrainingTarget,
    WorkforceEvent,
    WorkforceEventKind,
    WorkingAgePopulation,
)

GROUP = "ethnicity__major_group"


class Median(Aggregate):
    """percentile_cont(0.5): the median as Postgres computes it (the mean of the middle two)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class WorkforceScope:
    """Which staff a page is about: all, or one locality and/or service area (by their team)."""

    locality: Locality | None = None
    service_area: str | None = None

    @property
    def is_filtered(self) -> bool:
        return self.locality is not None or bool(self.service_area)

    def describe(self) -> str:
        parts = []
        if self.locality is not None:
            parts.append(f"{self.locality.name} locality")
        if self.service_area:
            parts.append(ServiceArea(self.service_area).label.lower())
        return ", ".join(parts) if parts else "the whole workforce"

    def staff(self) -> QuerySet[StaffMember]:
        staff = StaffMember.objects.all()
        if self.locality is not None:
            staff = staff.filter(team__locality=self.locality)
        if self.service_area:
            staff = staff.filter(team__service_area=self.service_area)
        return staff


WHOLE_WORKFORCE = WorkforceScope()


def in_post_on(date: dt.date) -> Q:
    return Q(start_date__lte=date) & (Q(leaving_date__isnull=True) | Q(leaving_date__gte=date))


def employed_during(first: dt.date, last: dt.date) -> Q:
    return Q(start_date__lte=last) & (Q(leaving_date__isnull=True) | Q(leaving_date__gte=first))


def _by_group(rows, *keys: str, value: str = "n") -> dict:
    result = {}
    for row in rows:
        key = tuple(row[name] for name in keys)
        result[key if len(key) > 1 else key[0]] = row[value]
    return result


def staff_by_grade_and_group(scope: WorkforceScope, date: dt.date) -> dict[tuple[str, str], int]:
    rows = (
        scope.staff()
        .filter(in_post_on(date))
        .values("grade_band", GROUP)
        .annotate(n=Count("id"))
        .order_by()
    )
    return _by_group(rows, "grade_band", GROUP)


def working_age_population_by_group(year: int) -> tuple[dict[str, int], str, int | None]:
    """The latest estimate for the year or before it (else the earliest there is):
    ({group: count}, source, year of the estimate)."""
    estimates = WorkingAgePopulation.objects.values("year", "source")
    latest = (
        estimates.filter(year__lte=year).order_by("-year", "source").first()
        or estimates.order_by("year", "source").first()
    )
    if latest is None:
        return {}, "", None
    rows = (
        WorkingAgePopulation.objects.filter(year=latest["year"], source=latest["source"])
        .values(GROUP)
        .annotate(n=Sum("count"))
        .order_by()
    )
    return _by_group(rows, GROUP), latest["source"], latest["year"]


def children_in_need_by_group(date: dt.date) -> dict[str, int]:
    """The ethnic mix of the children the service works with: the children's dashboard's own
    cohort of children in need on the date (dashboards.children.selectors: aged 0 to 17 on it
    by exact age, a death ending membership), by major group."""
    counts = children_selectors.cohort_counts(
        children_selectors.ChildFilters(cohort="cin", reference_date=date)
    )
    by_group: dict[str, int] = {}
    for code, children in counts.items():
        group = MAJOR_GROUP_OF[code]
        by_group[group] = by_group.get(group, 0) + children
    return by_group


def _people_with_event(
    scope: WorkforceScope, kind: str, first: dt.date, last: dt.date
) -> QuerySet[StaffMember]:
    return scope.staff().filter(
        pk__in=WorkforceEvent.objects.of_kind(kind).between(first, last).values("staff_id")
    )


def likelihood_counts(
    scope: WorkforceScope, kind: str, first: dt.date, last: dt.date
) -> dict[str, tuple[int, int]]:
    """{group: (people with the event, people at risk)} for one period.

    Disciplinary: staff employed during the period, and those of them for whom a formal process
    was opened in it (WRES indicator 3). Appointment: staff shortlisted in the period, and those
    of them appointed in it (WRES indicator 2).
    """
    if kind == WorkforceEventKind.DISCIPLINARY_OPENED:
        at_risk = scope.staff().filter(employed_during(first, last))
        with_event = at_risk.filter(
            pk__in=WorkforceEvent.objects.of_kind(kind).between(first, last).values("staff_id")
        )
    elif kind == WorkforceEventKind.APPOINTED:
        at_risk = _people_with_event(scope, WorkforceEventKind.SHORTLISTED, first, last)
        with_event = at_risk.filter(
            pk__in=WorkforceEvent.objects.of_kind(kind).between(first, last).values("staff_id")
        )
    else:
        raise ValueError(f"no likelihood measure for {kind}")
    denominators = _by_group(at_risk.values(GROUP).annotate(n=Count("id")).order_by(), GROUP)
    numerators = _by_group(with_event.values(GROUP).annotate(n=Count("id")).order_by(), GROUP)
    return {
        group: (numerators.get(group, 0), denominator)
        for group, denominator in denominators.items()
    }


def leaver_counts(scope: WorkforceScope, first: dt.date, last: dt.date) -> dict[str, tuple]:
    """{group: (leavers in the period, staff employed during it)}."""
    rows = (
        scope.staff()
        .filter(employed_during(first, last))
        .values(GROUP)
        .annotate(
            n=Count("id"),
            leavers=Count("id", filter=Q(leaving_date__gte=first, leaving_date__lte=last)),
        )
        .order_by()
    )
    return {row[GROUP]: (row["leavers"], row["n"]) for row in rows}


def training_by(scope: WorkforceScope, date: dt.date, dimension: str) -> dict[str, tuple]:
    """{team, locality or ethnic group: (trained by the date, in post on it)}.

    dimension is "team__name", "team__locality__name" or the ethnic group; staff with no team
    count under "No team recorded".
    """
    rows = scope.staff().filter(in_post_on(date)).values(dimension).annotate(n=Count("id"))
    rows = rows.order_by()
    in_post = {row[dimension]: row["n"] for row in rows}
    trained_rows = (
        scope.staff()
        .filter(in_post_on(date))
        .filter(
            pk__in=WorkforceEvent.objects.of_kind(WorkforceEventKind.TRAINING_COMPLETED)
            .filter(date__lte=date)
            .values("staff_id")
        )
        .values(dimension)
        .annotate(n=Count("id"))
        .order_by()
    )
    trained = {row[dimension]: row["n"] for row in trained_rows}
    return {key or "No team recorded": (trained.get(key, 0), n) for key, n in in_post.items()}


def training_over_time(scope: WorkforceScope, dates: list[dt.date]) -> dict[dt.date, tuple]:
    """{date: (trained by the date, in post on it)} for each date, in one query."""
    if not dates:
        return {}
    first_training = (
        WorkforceEvent.objects.of_kind(WorkforceEventKind.TRAINING_COMPLETED)
        .filter(staff_id=OuterRef("pk"))
        .order_by("date")
        .values("date")[:1]
    )
    staff = scope.staff().annotate(trained_on=Subquery(first_training))
    aggregates = {}
    for index, date in enumerate(dates):
        aggregates[f"in_post_{index}"] = Count("id", filter=in_post_on(date))
        aggregates[f"trained_{index}"] = Count(
            "id", filter=in_post_on(date) & Q(trained_on__lte=date)
        )
    totals = staff.aggregate(**aggregates)
    return {
        date: (totals[f"trained_{index}"], totals[f"in_post_{index}"])
        for index, date in enumerate(dates)
    }


def training_period() -> tuple[dt.date, dt.date] | None:
    """First and last training completion on record."""
    span = WorkforceEvent.objects.of_kind(WorkforceEventKind.TRAINING_COMPLETED).aggregate(
        first=Min("date"), last=Max("date")
    )
    return (span["first"], span["last"]) if span["first"] else None


def training_target() -> TrainingTarget | None:
    return TrainingTarget.objects.first()


def pay_by_group(scope: WorkforceScope, date: dt.date) -> dict[str, dict]:
    """{group: {n, mean, median}} of hourly pay for staff in post with pay recorded, with the
    Black, Asian and minority ethnic groups together under "BAME" (a median cannot be summed)."""
    staff = scope.staff().filter(in_post_on(date), hourly_pay__isnull=False)
    stats = {
        "n": Count("id"),
        "mean": Avg("hourly_pay", output_field=FloatField()),
        "median": Median("hourly_pay"),
    }
    result = {
        row[GROUP]: {key: row[key] for key in stats}
        for row in staff.values(GROUP).annotate(**stats).order_by()
    }
    minority = staff.exclude(**{f"{GROUP}__in": ["White", "Unknown"]}).aggregate(**stats)
    if minority["n"]:
        result["BAME"] = minority
    return result


def disclosure_counts(scope: WorkforceScope, date: dt.date) -> tuple[int, int]:
    """(staff in post with a known ethnicity, staff in post)."""
    totals = (
        scope.staff()
        .filter(in_post_on(date))
        .aggregate(n=Count("id"), known=Count("id", filter=~Q(**{GROUP: "Unknown"})))
    )
    return totals["known"], totals["n"]


def data_years() -> list[int]:
    """Calendar years the workforce data covers, oldest first: from the earliest start date (at
    most six years back) to this year."""
    first_start = StaffMember.objects.aggregate(first=Min("start_date"))["first"]
    if first_start is None:
        return []
    this_year = dt.date.today().year
    return list(range(max(first_start.year, this_year - 5), this_year + 1))


# The imports that carry staff records or their events (the population is dated by its year).
WORKFORCE_IMPORT_KINDS = ("workforce_staff", "workforce_events", "csww", DEMO_IMPORT_KIND)


def latest_workforce_import() -> ImportRun | None:
    """The import the page's figures are as at: the latest that succeeded."""
    return (
        ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED, kind__in=WORKFORCE_IMPORT_KINDS)
        .order_by("-finished_at")
        .first()
    )
