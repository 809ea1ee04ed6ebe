# ruff: noqa: E501 -- problem messages are quoted whole, as a data manager reads them.
"""Population estimates: the denominator, by area, year, source, age band and ethnicity."""

import datetime as dt

import pytest

from arp_portal.core.importing import ImportRejected, UploadedData, run_import
from arp_portal.core.models import Locality, PopulationEstimate
from dashboards.children.importers import import_population
from dashboards.children.selectors import population_for

HEADER = "area,year,source,age_band,ethnicity,count\n"
ONS = "ONS mid-2024 (Census 2021 base)"


def run(text):
    return run_import(
        kind="population",
        files=[UploadedData("pop.csv", text.encode())],
        importer=import_population,
    )


def test_it_imports_bands_for_an_area_and_the_authority(db):
    north = Locality.objects.create(name="North")
    census_caribbean = '"Black, Black British, Black Welsh, Caribbean or African: Caribbean"'
    run(
        HEADER
        + f"all,2024,{ONS},0-17,WBRI,98230\n"
        + f"North,2024,{ONS},under1,BCRB,41\n"
        + f"North,2024,{ONS},1-4,BCRB,159\n"
        + f"North,2024,{ONS},5-9,{census_caribbean},1\n"
    )
    assert PopulationEstimate.objects.get(locality=None).count == 98230
    selection = population_for(area=north, date=dt.date(2025, 3, 31))
    assert selection.counts == {"BCRB": 201}  # bands added up, the Census label mapped
    assert selection.source == ONS and selection.year == 2024


def test_reimport_changes_nothing_and_a_corrected_file_replaces_its_vintage(db):
    text = HEADER + f"all,2024,{ONS},0-17,WBRI,98230\nall,2024,{ONS},0-17,BCRB,900\n"
    run(text)
    again = run(text)
    assert again.counts["rows_added"] == 0 and again.counts["rows_removed"] == 0
    corrected = run(HEADER + f"all,2024,{ONS},0-17,WBRI,98000\n")
    assert corrected.counts["rows_removed"] == 2 and corrected.counts["rows_added"] == 1
    assert list(PopulationEstimate.objects.values_list("ethnicity_id", "count")) == [
        ("WBRI", 98000)
    ]


def test_the_latest_estimate_at_or_before_the_date_is_used(db):
    run(HEADER + f"all,2023,{ONS},0-17,WBRI,100\nall,2024,{ONS},0-17,WBRI,200\n")
    assert population_for(area=None, date=dt.date(2024, 6, 29)).year == 2023
    assert population_for(area=None, date=dt.date(2024, 6, 30)).year == 2024
    earliest = population_for(area=None, date=dt.date(2020, 3, 31))
    assert earliest.year == 2023 and "earliest" in earliest.note


def test_problems_are_reported_and_nothing_written(db):
    Locality.objects.create(name="North")
    with pytest.raises(ImportRejected) as rejected:
        run(
            HEADER
            + f"Nrth,2024,{ONS},0-17,WBRI,1\n"
            + f"north,24,{ONS},0-4,wbri,ten\n"
            + "all,2024,,0-17,REFU,5\n"
        )
    assert [str(p) for p in rejected.value.problems] == [
        "pop.csv, line 2, area: the portal has no locality called 'Nrth'",
        "pop.csv, line 3, area: the portal has no locality called 'north' (did you mean 'North'?)",
        "pop.csv, line 3, year: '24' is not a year such as 2024",
        "pop.csv, line 3, age_band: '0-4' is not an age band: use under1, 1-4, 5-9, 10-15, 16-17 or 0-17",
        "pop.csv, line 3, ethnicity: ethnicity codes are upper case: 'wbri' should be written 'WBRI'",
        "pop.csv, line 3, count: 'ten' is not a whole number",
        "pop.csv, line 4, source: name the estimate and its vintage",
        "pop.csv, line 4, ethnicity: 'REFU' is not an ethnic group of a population",
    ]
    assert not PopulationEstimate.objects.exists()
