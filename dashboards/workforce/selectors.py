"""What the workforce pages read from Postgres, fetched once a request (workforce_data): the staff
with their events, the teams, the population estimates, the children in need on each date, the
training target. The counts are worked out from these by counts.py, without a database.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Min, Sum

from arp_portal.core.ethnicity import MAJOR_GROUP_OF
from arp_portal.core.models import (
    DEMO_IMPORT_KIND,
    ImportRun,
    Locality,
    ServiceArea,
    StaffMember,
    Team,
)
from dashboards.children import selectors as children_selectors
from dashboards.models import (
    TrainingTarget,
    WorkforceEvent,
    WorkforceEventKind,
    WorkingAgePopulation,
)
from dashboards.workforce.counts import Staff

GROUP = "ethnicity__major_group"


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

    def select(self, staff: Iterable[Staff]) -> list[Staff]:
        """The members of staff in the scope (by their team: staff with no team are only in the
        whole workforce)."""
        locality_id = self.locality.pk if self.locality is not None else None
        area = self.service_area
        return [
            member
            for member in staff
            if (locality_id is None or member.locality_id == locality_id)
            and (not area or member.service_area == area)
        ]


WHOLE_WORKFORCE = WorkforceScope()


@dataclass(frozen=True)
class WorkforceData:
    """Everything the workforce measures read, fetched in a fixed handful of queries whatever
    the number of years: every member of staff with their events (the whole workforce: a
    filtered view is differenced against it), the teams, the working-age population estimates,
    the children in need on each date asked for, and the training target."""

    staff: tuple[Staff, ...]
    teams: tuple[tuple[str, str], ...]  # (team, locality)
    populations: Mapping[tuple[int, str], Mapping[str, int]]  # (year, source) -> by group
    children_in_need: Mapping[dt.date, Mapping[str, int]]  # by date, by major group
    target: TrainingTarget | None

    # The staff of each scope asked for, picked out once (a page asks some thirty times).
    _scoped: dict["WorkforceScope", list[Staff]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def staff_in(self, scope: "WorkforceScope") -> list[Staff]:
        if scope not in self._scoped:
            self._scoped[scope] = scope.select(self.staff)
        return self._scoped[scope]


EVENT_KINDS = (
    WorkforceEventKind.DISCIPLINARY_OPENED,
    WorkforceEventKind.SHORTLISTED,
    WorkforceEventKind.APPOINTED,
    WorkforceEventKind.TRAINING_COMPLETED,
)


def staff_records() -> tuple[Staff, ...]:
    """Every member of staff with their events: two queries."""
    events: dict[int, dict[str, list[dt.date]]] = {}
    for staff_id, kind, date in (
        WorkforceEvent.objects.filter(event__in=EVENT_KINDS)
        .order_by("date")
        .values_list("staff_id", "event", "date")
    ):
        events.setdefault(staff_id, {}).setdefault(kind, []).append(date)
    rows = StaffMember.objects.values_list(
        "pk",
        "start_date",
        "leaving_date",
        "grade_band",
        GROUP,
        "team__name",
        "team__locality__name",
        "team__locality_id",
        "team__service_area",
        "hourly_pay",
    ).order_by("pk")
    return tuple(
        Staff(
            start_date=start,
            leaving_date=leaving,
            grade_band=grade,
            group=group,
            team=team,
            locality=locality,
            locality_id=locality_id,
            service_area=service_area,
            hourly_pay=pay,
            events={kind: tuple(sorted(dates)) for kind, dates in events.get(pk, {}).items()},
        )
        for pk, start, leaving, grade, group, team, locality, locality_id, service_area, pay in rows
    )


def working_age_populations() -> dict[tuple[int, str], dict[str, int]]:
    """Every working-age population estimate: {(year, source): {group: count}}, in one query."""
    result: dict[tuple[int, str], dict[str, int]] = {}
    rows = WorkingAgePopulation.objects.values("year", "source", GROUP).annotate(n=Sum("count"))
    for row in rows.order_by():
        result.setdefault((row["year"], row["source"]), {})[row[GROUP]] = row["n"]
    return result


def children_in_need_on(dates: list[dt.date]) -> dict[dt.date, dict[str, int]]:
    """The ethnic mix of the children the service works with on each date: the children's
    dashboard's own cohort of children in need (dashboards.children.selectors: aged 0 to 17 on
    it by exact age, a death ending membership), by major group; all dates at once."""
    if not dates:
        return {}
    counts = children_selectors.trend_counts(
        children_selectors.ChildFilters(cohort="cin", reference_date=max(dates)), sorted(dates)
    )
    result: dict[dt.date, dict[str, int]] = {}
    for date, by_code in counts.items():
        by_group = result.setdefault(date, {})
        for code, children in by_code.items():
            group = MAJOR_GROUP_OF[code]
            by_group[group] = by_group.get(group, 0) + children
    return result


def workforce_data(children_dates: list[dt.date]) -> WorkforceData:
    """Everything a workforce page or download reads (six or seven queries)."""
    return WorkforceData(
        staff=staff_records(),
        teams=tuple(Team.objects.values_list("name", "locality__name").order_by("pk")),
        populations=working_age_populations(),
        children_in_need=children_in_need_on(children_dates),
        target=training_target(),
    )


def training_target() -> TrainingTarget | None:
    return TrainingTarget.objects.first()


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
