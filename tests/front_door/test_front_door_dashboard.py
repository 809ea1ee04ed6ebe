"""A service manager reads which families reach early help rather than a referral, by group."""

import datetime as dt

import pytest

from arp_portal.core.models import AgeBand, PopulationEstimate
from tests.front_door.helpers import add_contacts, add_early_help

pytestmark = pytest.mark.django_db


def _population():
    for code, count in {"WBRI": 60_000, "BCRB": 2_000, "AIND": 5_000}.items():
        PopulationEstimate.objects.create(year=2024, source="ONS mid-2024", age_band=AgeBand.ALL,
                                          ethnicity_id=code, count=count)  # fmt: skip


def _contacts():
    add_contacts("WBRI", "early_help", 200)
    add_contacts("WBRI", "referral", 150)
    add_contacts("WBRI", "nfa", 150)
    add_contacts("BCRB", "early_help", 20)
    add_contacts("BCRB", "referral", 50)
    add_contacts("BCRB", "nfa", 20, repeat=True)
    add_contacts("AIND", "nfa", 3)
    add_contacts("REFU", "nfa", 8)
    add_contacts("WBRI", "referral", 7, date=dt.date(2024, 6, 1), source="6")
    add_early_help("BCRB", 10, end=dt.date(2025, 10, 1), closure="stepped_up")
    add_early_help("BCRB", 10, end=dt.date(2025, 11, 1), closure="needs_met")


def test_the_page_shows_each_groups_decisions_and_the_ratio(service_manager_client):
    _population()
    _contacts()
    page = service_manager_client.get("/dashboards/front-door/?year=2026&detail=detailed")
    html = page.content.decode()
    assert page.status_code == 200
    # Black Caribbean: 90 contacts per 2,000 children = 450.0 per 10,000.
    assert "450.0 (" in html
    # Early help 20 of 90 = 22.2%; ratio (20/50)/(200/150) = 0.30.
    assert "22.2% (" in html
    assert "0.30 (" in html
    assert "less often guided to early help" in html
    assert "In 2025-26 the front door had 601 contacts" in html
    # Indian: 3 contacts hidden, and the smallest other count with them.
    assert ">c<" in html
    # Stepped up: 10 of 20 closed.
    assert "50.0% (" in html


def test_the_download_has_every_measure_with_hidden_counts_blank(service_manager_client):
    _population()
    _contacts()
    csv = service_manager_client.get("/dashboards/front-door.csv?year=2026&detail=detailed")
    text = csv.content.decode()
    assert csv["Content-Disposition"] == 'attachment; filename="front-door-2025-26.csv"'
    assert "share_early_help,2025-26,Caribbean,20,90,22.2," in text
    assert "contacts,2025-26,Indian,,,,,,true" in text
    assert "share_early_help_stepped_up,2025-26,Caribbean,10,20,50.0," in text
    xlsx = service_manager_client.get("/dashboards/front-door.xlsx?year=2026")
    assert xlsx["Content-Type"].startswith("application/vnd.openxml")


def test_filters_choose_the_year_and_source(service_manager_client):
    _contacts()
    html = service_manager_client.get("/dashboards/front-door/?year=2025&source=6").content
    assert "In 2024-25 the front door had 7 contacts" in html.decode()
    bad = service_manager_client.get("/dashboards/front-door/?year=1990").content.decode()
    assert "Select a year from the list" in bad


def test_with_no_contacts_the_page_says_so(service_manager_client):
    html = service_manager_client.get("/dashboards/front-door/").content.decode()
    assert "There are no contacts yet." in html


def test_the_decision_ratio_reads_as_a_linked_measure():
    from arp_portal.core.measures import measure_status

    _population()
    _contacts()
    add_contacts("BCRB", "early_help", 10, date=dt.date(2024, 6, 1))
    add_contacts("BCRB", "referral", 40, date=dt.date(2024, 6, 1))
    add_contacts("WBRI", "early_help", 100, date=dt.date(2024, 6, 1))
    reading = measure_status("front_door:ratio:BCRB").reading
    assert reading.as_of == "2025-26"
    assert reading.display_value == "0.30"
    # 2024-25: (10/40) / (100/7) = 0.0175
    assert [point.period for point in reading.trend] == ["2024-25", "2025-26"]
    assert reading.trend[0].value == pytest.approx(round((10 / 40) / (100 / 7), 2))
    assert reading.verdict == "improving"
    share = measure_status("front_door:early_help:all").reading
    assert share.display_value == f"{220 / 601 * 100:.1f}%"


def test_the_page_reads_in_a_fixed_number_of_queries(
    service_manager_client, django_assert_max_num_queries
):
    """Whatever the filters: the monthly counts, two early help counts, the pathway's stages,
    the population and the form's choices; 20 at most, session and permissions included."""
    _population()
    _contacts()
    for query in ("year=2026&detail=detailed", "year=2025&source=6&reference=all", "year=2026"):
        with django_assert_max_num_queries(20):
            assert service_manager_client.get(f"/dashboards/front-door/?{query}").status_code == 200
        for download in ("front-door.csv", "front-door.xlsx"):
            with django_assert_max_num_queries(20):
                response = service_manager_client.get(f"/dashboards/{download}?{query}")
            assert response.status_code == 200


def test_the_counts_and_the_pathway_come_from_one_read_of_the_contacts(service_manager_client):
    """The pathway counts every source's contacts, the counts only the chosen source's: both
    from one query of the monthly counts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _population()
    _contacts()
    add_contacts("BCRB", "referral", 12, date=dt.date(2025, 6, 1), source="6")
    pages = {}
    for query in ("year=2026", "year=2026&source=6"):
        with CaptureQueriesContext(connection) as queries:
            pages[query] = service_manager_client.get(f"/dashboards/front-door/?{query}")
        reads = [q for q in queries.captured_queries if "dashboards_contactmonth" in q["sql"]]
        assert len(reads) == 1, query
    every, one = pages["year=2026"], pages["year=2026&source=6"]
    assert one.context["stages"] == every.context["stages"]
    assert "In 2025-26 the front door had 12 contacts" in one.content.decode()
    assert "In 2025-26 the front door had 613 contacts" in every.content.decode()
