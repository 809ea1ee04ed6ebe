"""The snapshots the page reads agree with a count straight from the episodes, and expire the
moment the episodes change."""

import datetime as dt
import random

import pytest

from arp_portal.core.models import Child, CohortSnapshotBuild, Episode
from dashboards.children import selectors
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


@pytest.mark.parametrize("options", FILTERS, ids=str)
def test_snapshot_counts_equal_live_counts(varied_children, options):
    options = dict(options)
    area = options.pop("area", None)
    team = options.pop("team", None)
    filters = ChildFilters(
        reference_date=MARCH_31,
        locality=varied_children[area] if area else None,
        team=varied_children["teams"][team] if team else None,
        **options,
    )
    dates = [dt.date(2023, 3, 31), MARCH_31, dt.date(2025, 10, 2)]
    assert selectors.trend_counts(filters, dates) == selectors.live_trend_counts(filters, dates)
    assert selectors.pathway_counts(filters) == selectors.live_pathway_counts(filters)


def test_any_change_to_episodes_expires_the_snapshots(varied_children):
    filters = ChildFilters(cohort="cic", reference_date=MARCH_31)
    before = selectors.cohort_counts(filters)
    assert CohortSnapshotBuild.objects.exists()
    child = Child.objects.create(
        child_ref="NEW", birth_year=2015, birth_month=1, sex=1, ethnicity_id="BCRB"
    )
    assert not CohortSnapshotBuild.objects.exists()
    Episode.objects.create(child=child, kind="CIC", start_date=dt.date(2025, 1, 1))
    after = selectors.cohort_counts(filters)
    assert after["BCRB"] == before.get("BCRB", 0) + 1
