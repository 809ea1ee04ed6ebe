"""The workforce counts, from the staff records fetched once a request (selectors.workforce_data):
pure functions of plain data, so the measures and the page's presenters run without a database
and the page costs the same few queries for one year as for six.

The definitions are the ones the queries used (docs/workforce.md): a member of staff is in post
on a date when they started on or before it and have not left before it (leaving_date is their
last day); "employed during" a period means in post on any day of it; an event is in a period
when its date is on or between the period's first and last days. Unknown ethnicity (REFU, NOBT)
is its own group, "Unknown". A workforce is some 1,500 people, so counting them here is a few
milliseconds; what cost the time was the 75 to 138 queries of a page that asked Postgres once a
year and measure (docs/adr/053-the-workforce-page-in-one-shape-and-the-caches-that-stay.md).
"""

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Staff:
    """One member of staff as the measures read them (no identifier, no name)."""

    start_date: dt.date
    leaving_date: dt.date | None
    grade_band: str
    group: str  # major ethnic group
    team: str | None = None
    locality: str | None = None  # the team's locality's name
    locality_id: int | None = None
    service_area: str | None = None
    hourly_pay: Decimal | None = None
    # Event dates by kind (WorkforceEventKind values), each kind's oldest first.
    events: Mapping[str, tuple[dt.date, ...]] = field(default_factory=dict)

    def in_post_on(self, date: dt.date) -> bool:
        return self.start_date <= date and (self.leaving_date is None or self.leaving_date >= date)

    def employed_during(self, first: dt.date, last: dt.date) -> bool:
        return self.start_date <= last and (self.leaving_date is None or self.leaving_date >= first)

    def had(self, kind: str, first: dt.date, last: dt.date) -> bool:
        dates = self.events.get(kind, ())
        index = bisect.bisect_left(dates, first)
        return index < len(dates) and dates[index] <= last

    def had_by(self, kind: str, date: dt.date) -> bool:
        dates = self.events.get(kind, ())
        return bool(dates) and dates[0] <= date


def staff_by_grade_and_group(staff: Iterable[Staff], date: dt.date) -> dict[tuple[str, str], int]:
    return dict(Counter((s.grade_band, s.group) for s in staff if s.in_post_on(date)))


def likelihood_counts(
    staff: Iterable[Staff], kind: str, at_risk_kind: str | None, first: dt.date, last: dt.date
) -> dict[str, tuple[int, int]]:
    """{group: (people with the event, people at risk)} for one period. At risk: staff with an
    at_risk_kind event in the period (shortlisted, for appointments), or, with none, staff
    employed during it (disciplinaries)."""
    denominators: Counter[str] = Counter()
    numerators: Counter[str] = Counter()
    for s in staff:
        at_risk = (
            s.had(at_risk_kind, first, last) if at_risk_kind else s.employed_during(first, last)
        )
        if at_risk:
            denominators[s.group] += 1
            if s.had(kind, first, last):
                numerators[s.group] += 1
    return {group: (numerators[group], n) for group, n in denominators.items()}


def leaver_counts(staff: Iterable[Staff], first: dt.date, last: dt.date) -> dict[str, tuple]:
    """{group: (leavers in the period, staff employed during it)}."""
    employed: Counter[str] = Counter()
    left: Counter[str] = Counter()
    for s in staff:
        if s.employed_during(first, last):
            employed[s.group] += 1
            if s.leaving_date is not None and first <= s.leaving_date <= last:
                left[s.group] += 1
    return {group: (left[group], n) for group, n in employed.items()}


NO_TEAM = "No team recorded"


def training_by(
    staff: Iterable[Staff], kind: str, date: dt.date, dimension: str
) -> dict[str, tuple[int, int]]:
    """{team, locality or ethnic group: (trained by the date, in post on it)}; dimension is
    "team", "locality" or "group". Staff with no team count under NO_TEAM."""
    in_post: Counter = Counter()
    trained: Counter = Counter()
    for s in staff:
        if s.in_post_on(date):
            key = getattr(s, dimension)
            in_post[key] += 1
            if s.had_by(kind, date):
                trained[key] += 1
    return {key or NO_TEAM: (trained[key], n) for key, n in in_post.items()}


def training_over_time(
    staff: Iterable[Staff], kind: str, dates: list[dt.date]
) -> dict[dt.date, tuple[int, int]]:
    """{date: (trained by the date, in post on it)} for each date."""
    staff = list(staff)
    result = {}
    for date in dates:
        in_post = [s for s in staff if s.in_post_on(date)]
        result[date] = (sum(1 for s in in_post if s.had_by(kind, date)), len(in_post))
    return result


def event_span(staff: Iterable[Staff], kind: str) -> tuple[dt.date, dt.date] | None:
    """First and last event of the kind on record."""
    found = [date for s in staff for date in s.events.get(kind, ())]
    return (min(found), max(found)) if found else None


def median(values: list[float]) -> float:
    """The median as Postgres's percentile_cont(0.5) works it out: the mean of the middle two,
    interpolated as low + 0.5 * (high - low)."""
    ordered = sorted(values)
    middle = (len(ordered) - 1) / 2
    low, high = ordered[int(middle)], ordered[int(middle + 0.5)]
    return low + (high - low) * 0.5


def _pay_stats(pays: list[Decimal]) -> dict:
    if not pays:
        return {"n": 0, "mean": None, "median": None}
    return {
        "n": len(pays),
        "mean": float(sum(pays) / len(pays)),
        "median": median([float(pay) for pay in pays]),
    }


def pay_by_group(
    staff: Iterable[Staff], date: dt.date, not_minority: Iterable[str]
) -> dict[str, dict]:
    """{group: {n, mean, median}} of hourly pay for staff in post with pay recorded, with every
    group but the not_minority ones (White, Unknown) together under "BAME" (a median cannot be
    summed)."""
    by_group: dict[str, list[Decimal]] = {}
    for s in staff:
        if s.hourly_pay is not None and s.in_post_on(date):
            by_group.setdefault(s.group, []).append(s.hourly_pay)
    result = {group: _pay_stats(pays) for group, pays in by_group.items()}
    others = set(not_minority)
    pooled = [pay for group, pays in by_group.items() if group not in others for pay in pays]
    if pooled:
        result["BAME"] = _pay_stats(pooled)
    return result


def disclosure_counts(staff: Iterable[Staff], date: dt.date, unknown: str) -> tuple[int, int]:
    """(staff in post with a known ethnicity, staff in post)."""
    in_post = [s for s in staff if s.in_post_on(date)]
    return sum(1 for s in in_post if s.group != unknown), len(in_post)
