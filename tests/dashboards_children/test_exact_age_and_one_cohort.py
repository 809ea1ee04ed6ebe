"""One cohort, counted one way everywhere: exact age from the full date of birth, a death
ending membership, and the same children for the dashboard, its prepared snapshots and the
workforce dashboard's "children in need" comparator; the page says where the data ends."""

import datetime as dt
from pathlib import Path

from django.urls import reverse

from arp_portal.core.importing import UploadedData, run_import
from arp_portal.core.models import Child, Episode, age_on
from dashboards.children import selectors, snapshots
from dashboards.children.importers import import_cases, import_cin_census
from dashboards.workforce.selectors import children_in_need_on

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cin_census"


def _child(ref: str, born: dt.date, code="WBRI") -> Child:
    return Child.objects.create(
        child_ref=ref,
        birth_year=born.year,
        birth_month=born.month,
        birth_day=born.day,
        sex=1,
        ethnicity_id=code,
    )


def _counted(date: dt.date, age_band="0-17", cohort="cin") -> int:
    filters = selectors.ChildFilters(cohort=cohort, reference_date=date, age_band=age_band)
    return sum(selectors.live_trend_counts(filters, [date])[date].values())


def _prepared(date: dt.date, age_band="0-17") -> int:
    snapshots.build(date, snapshots.ON_DATE)
    filters = selectors.ChildFilters(cohort="cin", reference_date=date, age_band=age_band)
    return sum(selectors.cohort_counts(filters).values())


def test_a_child_born_on_15_september_is_17_on_14_september_of_their_18th_year(db):
    child = _child("A", dt.date(2007, 9, 15))
    Episode.objects.create(child=child, kind="CIN", start_date=dt.date(2024, 1, 1))
    assert child.age_on(dt.date(2025, 9, 14)) == 17
    assert child.age_on(dt.date(2025, 9, 15)) == 18
    assert _counted(dt.date(2025, 9, 14)) == 1 and _prepared(dt.date(2025, 9, 14)) == 1
    # Counted by birth month alone (as before), they would have left on 1 September.
    assert _counted(dt.date(2025, 9, 1)) == 1
    assert _counted(dt.date(2025, 9, 15)) == 0 and _prepared(dt.date(2025, 9, 15)) == 0


def test_age_bands_turn_on_the_birthday(db):
    child = _child("B", dt.date(2009, 9, 15))
    Episode.objects.create(child=child, kind="CIN", start_date=dt.date(2024, 1, 1))
    before, on = dt.date(2025, 9, 14), dt.date(2025, 9, 15)
    assert (_counted(before, "10-15"), _counted(before, "16-17")) == (1, 0)
    assert (_counted(on, "10-15"), _counted(on, "16-17")) == (0, 1)
    assert (_prepared(on, "10-15"), _prepared(on, "16-17")) == (0, 1)


def test_a_29_february_birthday_falls_on_1_march_in_other_years():
    born = dt.date(2008, 2, 29)
    assert age_on(born, dt.date(2026, 2, 28)) == 17
    assert age_on(born, dt.date(2026, 3, 1)) == 18


def test_the_workforce_comparator_counts_the_childrens_dashboards_cohort(db):
    # Two children of 10, and two of 18 or more whose episodes were left open: the comparator
    # counted all four people (143 against 117 in the issue); children are under 18.
    for ref, born, code in (
        ("C1", dt.date(2015, 1, 1), "BCRB"),
        ("C2", dt.date(2015, 1, 1), "WBRI"),
        ("C3", dt.date(2006, 3, 31), "BCRB"),
        ("C4", dt.date(2000, 1, 1), "WBRI"),
    ):
        Episode.objects.create(
            child=_child(ref, born, code), kind="CIN", start_date=dt.date(2020, 1, 1)
        )
    date = dt.date(2025, 3, 31)
    assert children_in_need_on([date])[date] == {"Black": 1, "White": 1}
    assert sum(children_in_need_on([date])[date].values()) == _counted(date) == 2


def test_a_death_date_ends_episodes_from_every_source(db):
    run_import(
        kind="cin_census",
        files=[UploadedData("cin-2025.xml", (FIXTURES / "cin-2025.xml").read_bytes())],
        importer=import_cin_census,
    )
    # A case-system export still has C6 (who died on 15 January 2025) in care.
    cases = (
        "child_id,date_of_birth,sex,ethnicity,episode_type,start_date,end_date,team\n"
        "C6,2019-04-04,2,WBRI,CIC,2024-11-01,,\n"
    )
    result = run_import(
        kind="cases", files=[UploadedData("cases.csv", cases.encode())], importer=import_cases
    )
    assert result.counts["episodes_ended_at_death"] == 1
    care = Episode.objects.get(child__child_ref="C6", kind="CIC")
    assert (care.end_date, care.end_rule, care.recorded_end_date) == (
        dt.date(2025, 1, 15),
        "DEATH",
        None,
    )
    assert _counted(dt.date(2025, 2, 1), cohort="cic") == 0


def test_the_page_says_where_the_data_ends_and_does_not_default_past_it(db, service_manager_client):
    run_import(
        kind="cin_census",
        files=[UploadedData("cin-2025.xml", (FIXTURES / "cin-2025.xml").read_bytes())],
        importer=import_cin_census,
    )
    assert selectors.data_ends_on() == dt.date(2025, 3, 31)
    url = reverse("dashboards:children")
    page = service_manager_client.get(url)
    assert page.context["filters"].reference_date == dt.date(2025, 3, 31)
    assert "31 March 2025: the latest return" in page.content.decode()
    assert not page.context["after_data_end"]
    later = service_manager_client.get(url, {"date": "2026-03-31"})
    assert later.context["after_data_end"]
    assert "The data ends on 31 March 2025." in later.content.decode()
