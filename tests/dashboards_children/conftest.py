"""A small authority for the children's dashboard tests: two localities, a team in each, a
population by ethnicity and children whose counts the tests can work out by hand."""

import datetime as dt

import pytest

from arp_portal.core.models import Child, Episode, Locality, PopulationEstimate, Team

MARCH_31 = dt.date(2025, 3, 31)
SOURCE = "Test mid-year estimates (Census 2021 base)"


@pytest.fixture
def authority(db):
    north = Locality.objects.create(name="North")
    south = Locality.objects.create(name="South")
    teams = {
        "north": Team.objects.create(
            name="North care", locality=north, service_area="children_in_care"
        ),
        "south": Team.objects.create(
            name="South care", locality=south, service_area="children_in_care"
        ),
    }
    rows = []
    # 2024 population (the latest estimate at or before 31 March 2025), North and South.
    for locality, counts in (
        (north, {"WBRI": 30_000, "BCRB": 1_500, "BAFR": 2_000, "AIND": 1_000, "WOTH": 2_000}),
        (south, {"WBRI": 30_000, "BCRB": 500, "BAFR": 1_000, "AIND": 2_000, "WOTH": 2_000}),
    ):
        for code, count in counts.items():
            rows.append(
                PopulationEstimate(
                    locality=locality,
                    year=2024,
                    source=SOURCE,
                    age_band="0-17",
                    ethnicity_id=code,
                    count=count,
                )
            )
    totals = {"WBRI": 60_000, "BCRB": 2_000, "BAFR": 3_000, "AIND": 3_000, "WOTH": 4_000}
    for code, count in totals.items():
        rows.append(
            PopulationEstimate(
                locality=None,
                year=2024,
                source=SOURCE,
                age_band="0-17",
                ethnicity_id=code,
                count=count,
            )
        )
    PopulationEstimate.objects.bulk_create(rows)
    return {"north": north, "south": south, "teams": teams}


def add_children(
    code,
    how_many,
    *,
    team,
    kind="CIC",
    start=dt.date(2024, 6, 1),
    end=None,
    born=(2015, 6),
    sex=1,
    prefix="",
):
    """how_many children of one ethnicity, each with one episode."""
    for number in range(how_many):
        child = Child.objects.create(
            child_ref=f"{prefix}{code}-{team.name if team else 'none'}-{kind}-{start}-{number}",
            birth_year=born[0],
            birth_month=born[1],
            sex=sex,
            ethnicity_id=code,
        )
        Episode.objects.create(child=child, kind=kind, start_date=start, end_date=end, team=team)


@pytest.fixture
def children_in_care(authority):
    """In care on 31 March 2025: North WBRI 60, BCRB 30, BAFR 12, AIND 3, WOTH 10, REFU 5;
    South WBRI 90, BCRB 4, BAFR 9, AIND 8, WOTH 10."""
    north, south = authority["teams"]["north"], authority["teams"]["south"]
    for code, count in {
        "WBRI": 60,
        "BCRB": 30,
        "BAFR": 12,
        "AIND": 3,
        "WOTH": 10,
        "REFU": 5,
    }.items():
        add_children(code, count, team=north)
    for code, count in {"WBRI": 90, "BCRB": 4, "BAFR": 9, "AIND": 8, "WOTH": 10}.items():
        add_children(code, count, team=south)
    return authority


@pytest.fixture(autouse=True)
def worker_has_prepared_every_date(request, monkeypatch):
    """As if the task worker had built and decided every date before a page reads it: the
    page's read of its decisions (disclosure.releases) first builds the dates' snapshots and
    decides them, as tasks.prepare_dates does. A test of the "being prepared" state asks for
    `undecided_dates` to read only what the worker has really done."""
    if "undecided_dates" in request.fixturenames:
        return
    from dashboards.children import disclosure, snapshots

    read = disclosure.releases

    def prepared_then_read(dates, measure, cohorts):
        for date in dates:
            snapshots.build(date, measure)
        disclosure.decide_prepared()
        return read(dates, measure, cohorts)

    monkeypatch.setattr(disclosure, "releases", prepared_then_read)


@pytest.fixture
def undecided_dates():
    """Pages read only the decisions the worker has stored (see worker_has_prepared_every_date)."""
