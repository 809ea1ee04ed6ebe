"""The snapshots the page reads agree with a count straight from the episodes, expire the moment
the episodes change, and a date without one is counted live."""

import datetime as dt
import random

import pytest

from arp_portal.core.models import Child, CohortSnapshotBuild, Episode
from dashboards.children import selectors, snapshots
from dashboards.children.selectors import ChildFilters
from tests.dashboards_children.conftest import MARCH_31

CODES = ["WBRI", "BCRB", "BAFR", "AIND", "WOTH", "REFU"]


@pytest.fixture
def varied_children(authority):
    """Children of every age (and unborn), sex and kind, some in two teams at once."""
    rng = random.Random(4)
    teams = list(authority["teams"].values())
    for number in range(400):
        birth = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(365 * 21))
        child = Child.objects.create(
            child_ref=f"V{number}",
            birth_year=birth.year,
            birth_month=birth.month,
            sex=rng.choice([1, 2, 9]),
            ethnicity_id=rng.choice(CODES),
        )
        for _ in range(rng.randint(1, 3)):
            start = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(1400))
            end = None if rng.random() < 0.4 else start + dt.timedelta(days=rng.randrange(700))
            Episode.objects.create(
                child=child,
                kind=rng.choice(["CIN", "CINP", "CP", "CIC"]),
                start_date=start,
                end_date=end,
                team=rng.choice(teams + [None]),
            )
    return authority


FILTERS = [
    {},
    {"cohort": "cin"},
    {"cohort": "cp", "measure": "starts"},
    {"cohort": "cin", "measure": "starts", "age_band": "10-15"},
    {"cohort": "cic", "age_band": "under1"},
    {"cohort": "cin", "sex": 2},
    {"cohort": "cin", "area": "north"},
    {"cohort": "cin", "team": "south", "age_band": "16-17"},
]


DATES = [dt.date(2023, 3, 31), MARCH_31, dt.date(2025, 10, 2)]


def filters_for(authority, options) -> ChildFilters:
    options = dict(options)
    area = options.pop("area", None)
    team = options.pop("team", None)
    return ChildFilters(
        reference_date=MARCH_31,
        locality=authority[area] if area else None,
        team=authority["teams"][team] if team else None,
        **options,
    )


@pytest.mark.parametrize("options", FILTERS, ids=str)
def test_snapshot_counts_equal_live_counts(varied_children, options):
    filters = filters_for(varied_children, options)
    snapshots.prepare([(date, measure) for date in DATES for measure in snapshots.MEASURES])
    unprepared: selectors.Unprepared = set()
    trend = selectors.trend_counts(filters, DATES, unprepared)
    pathway = selectors.pathway_counts(filters, unprepared)
    assert unprepared == set()  # read from the snapshots, not counted live
    assert trend == selectors.live_trend_counts(filters, DATES)
    assert pathway == selectors.live_pathway_counts(filters)


@pytest.mark.parametrize("options", FILTERS, ids=str)
def test_dates_without_a_snapshot_are_counted_live_and_listed(varied_children, options):
    filters = filters_for(varied_children, options)
    snapshots.prepare([(MARCH_31, filters.measure)])  # one of the three built
    unprepared: selectors.Unprepared = set()
    trend = selectors.trend_counts(filters, DATES, unprepared)
    pathway = selectors.pathway_counts(filters, unprepared)
    assert trend == selectors.live_trend_counts(filters, DATES)
    assert pathway == selectors.live_pathway_counts(filters)
    missing = {(date, filters.measure) for date in DATES if date != MARCH_31}
    if filters.measure == "on_date":
        missing.add((MARCH_31, "starts"))
    assert unprepared == missing
    # Reading builds nothing: only the one prepared above.
    assert CohortSnapshotBuild.objects.count() == 1


def test_any_change_to_episodes_expires_the_snapshots(varied_children):
    filters = ChildFilters(cohort="cic", reference_date=MARCH_31)
    snapshots.prepare([(MARCH_31, "on_date")])
    before = selectors.cohort_counts(filters)
    assert CohortSnapshotBuild.objects.exists()
    child = Child.objects.create(
        child_ref="NEW", birth_year=2015, birth_month=1, sex=1, ethnicity_id="BCRB"
    )
    assert not CohortSnapshotBuild.objects.exists()
    Episode.objects.create(child=child, kind="CIC", start_date=dt.date(2025, 1, 1))
    # Counted live until built again, then read from the new snapshot: the same either way.
    assert selectors.cohort_counts(filters)["BCRB"] == before.get("BCRB", 0) + 1
    snapshots.prepare([(MARCH_31, "on_date")])
    unprepared: selectors.Unprepared = set()
    after = selectors.trend_counts(filters, [MARCH_31], unprepared)[MARCH_31]
    assert not unprepared and after["BCRB"] == before.get("BCRB", 0) + 1


def test_an_empty_snapshot_is_read_as_built(authority):
    """A date before any data has a build but no rows: it reads as no children, not as missing."""
    early = dt.date(2019, 3, 31)
    snapshots.prepare([(early, "on_date")])
    unprepared: selectors.Unprepared = set()
    filters = ChildFilters(cohort="cin", reference_date=early)
    assert selectors.trend_counts(filters, [early], unprepared) == {early: {}}
    assert unprepared == set()


def test_preparing_a_built_date_again_builds_nothing(varied_children):
    assert snapshots.prepare([(MARCH_31, "on_date"), (MARCH_31, "starts")]) == 2
    assert snapshots.prepare([(MARCH_31, "on_date"), (MARCH_31, "starts")]) == 0
