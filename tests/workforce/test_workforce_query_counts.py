"""The workforce page and its downloads fetch their data once (selectors.workforce_data): at most
20 queries each, the same for one year of data as for six (issue 14)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.workforce.factories import add_events, make_staff, make_team

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20
PAGES = {
    "dashboard": "/dashboards/workforce/",
    "filtered": "/dashboards/workforce/?locality={locality}&service_area=front_door",
    "csv": "/dashboards/workforce.csv",
    "xlsx": "/dashboards/workforce.xlsx",
}


def _workforce(start: dt.date):
    team = make_team()
    white = make_staff(60, ethnicity="WBRI", team=team, start=start)
    black = make_staff(25, ethnicity="BCRB", team=team, start=start, grade="4_team_manager")
    asian = make_staff(15, ethnicity="AIND", start=start)
    day = dt.date.today().replace(day=1)
    add_events(white[:8] + black[:6], "disciplinary_opened", day)
    add_events(white[:30] + black[:12] + asian[:5], "shortlisted", day)
    add_events(white[:12] + black[:3], "appointed", day)
    add_events(white[:40] + black[:15], "training_completed", day)
    return team


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", PAGES)
def test_each_page_and_download_makes_at_most_20_queries(service_manager_client, page):
    team = _workforce(dt.date(2019, 1, 1))  # six years of data on the page
    url = PAGES[page].format(locality=team.locality_id)
    service_manager_client.get(url)  # the session and the user, as on any later request
    assert _count(service_manager_client, url) <= MAX_QUERIES


@pytest.mark.parametrize("page", ["dashboard", "csv"])
def test_six_years_cost_the_same_queries_as_one(service_manager_client, page):
    team = _workforce(dt.date.today().replace(month=1, day=1))  # this year only
    url = PAGES[page].format(locality=team.locality_id)
    service_manager_client.get(url)
    one_year = _count(service_manager_client, url)
    make_staff(20, ethnicity="WBRI", start=dt.date(2019, 1, 1))  # now six years
    assert _count(service_manager_client, url) == one_year
