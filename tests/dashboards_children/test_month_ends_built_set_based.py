"""The month-ends an import prepares are built set-based (one GROUP BY over a generate_series of
month-ends per chunk); each must hold exactly what building that date alone holds."""

import datetime as dt
import random

import pytest
from django.db import connection

from arp_portal.core.models import Child, CohortSnapshot, CohortSnapshotBuild, Episode
from dashboards.children import snapshots


def _rows(measure):
    return sorted(
        CohortSnapshot.objects.filter(measure=measure).values_list(
            "reference_date",
            "cohort",
            "scope",
            "locality_id",
            "team_id",
            "ethnicity",
            "age_band",
            "sex",
            "children",
        ),
        key=repr,
    )


def _random_children(authority, how_many=120, seed=7):
    rng = random.Random(seed)
    teams = [*authority["teams"].values(), None]
    for number in range(how_many):
        child = Child.objects.create(
            child_ref=f"R{number}",
            birth_year=rng.randint(2004, 2024),
            birth_month=rng.randint(1, 12),
            birth_day=rng.randint(1, 28),
            sex=rng.choice([1, 2, 9]),
            ethnicity_id=rng.choice(["WBRI", "BCRB", "BAFR", "AIND", "WOTH"]),
        )
        for _ in range(rng.randint(1, 3)):
            start = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randint(0, 1500))
            # Ends on month-ends, the day before, the day after, or not at all.
            end = rng.choice(
                [
                    None,
                    start + dt.timedelta(days=rng.randint(0, 700)),
                    dt.date(2023, 3, 31),
                    dt.date(2023, 3, 30),
                    dt.date(2023, 4, 1),
                    dt.date(2024, 2, 29),
                ]
            )
            if end is not None and end < start:
                end = None
            Episode.objects.create(
                child=child,
                kind=rng.choice(["CIN", "CINP", "CP", "CIC"]),
                start_date=start,
                end_date=end,
                team=rng.choice(teams),
            )

    # Born on 29 February: their birthday falls on 1 March in a year without one, so a band
    # changes a month-end later then (turning 1 in 2021, 10 in 2022, 5 in 2025), and on the
    # February month-end in a leap year (turning 16 in 2024).
    for number, year in enumerate([2008, 2012, 2020]):
        child = Child.objects.create(
            child_ref=f"L{number}",
            birth_year=year,
            birth_month=2,
            birth_day=29,
            sex=2,
            ethnicity_id="BCRB",
        )
        Episode.objects.create(child=child, kind="CIN", start_date=dt.date(2020, 6, 1))

    # Episodes starting on 29 February 2024: the year to 28 February 2025 starts that day, so
    # the start counts on thirteen month-ends; one child with two overlapping episodes in the
    # same team, one in no team at all, and one turning 18 while open.
    child = Child.objects.create(child_ref="S0", birth_year=2015, birth_month=5, birth_day=3,
                                 sex=1, ethnicity_id="WBRI")  # fmt: skip
    team = authority["teams"]["north"]
    for kind, end in (("CIN", None), ("CP", dt.date(2024, 8, 31)), ("CIC", dt.date(2025, 3, 1))):
        Episode.objects.create(child=child, kind=kind, start_date=dt.date(2024, 2, 29),
                               end_date=end, team=team)  # fmt: skip
    Episode.objects.create(child=child, kind="CIN", start_date=dt.date(2024, 6, 1),
                           end_date=dt.date(2025, 2, 28), team=team)  # fmt: skip
    child = Child.objects.create(child_ref="S1", birth_year=2006, birth_month=7, birth_day=31,
                                 sex=9, ethnicity_id="BAFR")  # fmt: skip
    Episode.objects.create(child=child, kind="CIC", start_date=dt.date(2024, 2, 29))
    # (and data on to mid-2025, so that February 2025 is among the month-ends prepared)
    Episode.objects.create(child=child, kind="CIN", start_date=dt.date(2025, 6, 1))


@pytest.mark.parametrize("seed", [7, 11])
def test_every_month_end_holds_what_a_build_of_that_date_alone_holds(authority, seed):
    _random_children(authority, how_many=150, seed=seed)
    snapshots.refresh_after_import()
    targets = snapshots.month_end_targets()
    assert CohortSnapshotBuild.objects.count() == len(targets)
    set_based = {measure: _rows(measure) for measure in snapshots.MEASURES}
    assert set_based["on_date"] and set_based["starts"]

    CohortSnapshotBuild.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_cohortsnapshot")
    for date, measure in targets:
        assert snapshots.build(date, measure)
    for measure in snapshots.MEASURES:
        assert _rows(measure) == set_based[measure]


def test_progress_counts_month_ends_and_ends_at_the_total(authority):
    _random_children(authority, how_many=10)
    seen = []
    snapshots.refresh_after_import(progress=lambda done, total: seen.append((done, total)))
    total = len({date for date, _ in snapshots.month_end_targets()})
    assert seen[-1] == (total, total)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    preparation = snapshots.preparation()
    assert preparation.complete and preparation.total == total
