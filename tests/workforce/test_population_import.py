"""Importing the working-age population by ethnicity."""

import pytest

from arp_portal.core.importing import ImportRejected, UploadedData, run_import
from dashboards.models import WorkingAgePopulation
from dashboards.workforce.importers import import_working_age_population

pytestmark = pytest.mark.django_db


def _import(text: str):
    return run_import(
        kind="working_age_population",
        files=[UploadedData("pop.csv", text.encode())],
        importer=import_working_age_population,
    )


def test_a_year_and_source_are_replaced_on_reimport():
    text = (
        'year,source,ethnicity,count\n2021,Census 2021,WBRI,"120,000"\n2021,Census 2021,BAFR,9000\n'
    )
    assert _import(text).counts == {"rows": 2, "replaced": 0}
    assert _import(text).counts == {"rows": 2, "replaced": 2}
    assert WorkingAgePopulation.objects.get(ethnicity_id="WBRI").count == 120_000


def test_bad_rows_are_reported_and_nothing_is_written():
    text = "year,source,ethnicity,count\n21,Census 2021,WBRI,10\n2021,,REFU,ten\n"
    with pytest.raises(ImportRejected) as rejected:
        _import(text)
    assert [str(p) for p in rejected.value.problems] == [
        "pop.csv, line 2, year: '21' is not a year such as 2021",
        "pop.csv, line 3, source: is blank: name the estimate and its vintage, e.g. 'Census 2021'",
        "pop.csv, line 3, ethnicity: REFU is an unknown category: population estimates have none",
        "pop.csv, line 3, count: 'ten' is not a whole number",
    ]
    assert WorkingAgePopulation.objects.count() == 0
