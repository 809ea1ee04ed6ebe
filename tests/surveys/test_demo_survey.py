"""The demo survey reproduces the national survey's headline figures (docs/domain.md)."""

import pytest
from django.utils import timezone

from arp_portal.core.models import Locality
from surveys import demo
from surveys.models import Response, Survey
from tests.surveys.test_results_disclosure import csv_rows

pytestmark = pytest.mark.django_db

Q = {
    "service_users": "In the last 12 months, how often have you experienced racism from people "
    "who use our services or their families?",
    "colleagues": "In the last 12 months, how often have you experienced racism from colleagues?",
    "witnessed": "In the last 12 months, how often have you seen a colleague experience racism "
    "from people who use our services or their families?",
    "impact": "In the last 12 months, has racism at work done any of the following?",
    "intervene": "I feel confident to intervene when I see racism at work.",
    "approach": "I have someone at work I can approach for support if I experience racism.",
    "enough": "This organisation is doing enough to tackle racism.",
}


def _percent(rows, question, option, group):
    [row] = [
        r
        for r in rows
        if r["question"] == Q[question] and r["option"] == option and r["group"] == group
    ]
    return float(row["percent"])


def test_the_demo_reproduces_the_headline_figures_and_loads_idempotently(
    service_manager_client,
):
    for name in ("North", "South", "East", "West"):
        Locality.objects.get_or_create(name=name)
    demo.load_demo_data(log=lambda _: None)
    demo.load_demo_data(log=lambda _: None)  # twice: nothing doubles
    closed = Survey.objects.get(slug="experiences-of-racism-2025")
    assert closed.status == "closed"
    assert Response.objects.filter(survey=closed).count() == demo.RESPONSES == 750
    wave = Survey.objects.get(slug="experiences-of-racism-2026")
    assert wave.accepting_responses and wave.previous_wave == closed
    assert wave.opens_on <= timezone.localdate() <= wave.closes_on

    rows = csv_rows(service_manager_client, closed)
    at_least_once = "At least once (total)"
    assert _percent(rows, "service_users", at_least_once, "Black or Asian") == 34.0
    assert _percent(rows, "service_users", at_least_once, "White") == 5.0
    assert 19.5 <= _percent(rows, "witnessed", at_least_once, "All respondents") <= 20.5
    assert 8.5 <= _percent(rows, "colleagues", at_least_once, "All respondents") <= 9.5
    impact = {
        option: _percent(rows, "impact", option, "All respondents")
        for option in (
            "Increased my anxiety",
            "Made my mental health worse",
            "Made me consider leaving this organisation",
            "Made me consider leaving my profession",
        )
    }
    assert 19.0 <= impact["Increased my anxiety"] <= 20.5
    assert 12.5 <= impact["Made my mental health worse"] <= 13.5
    assert 9.5 <= impact["Made me consider leaving this organisation"] <= 10.5
    assert 7.5 <= impact["Made me consider leaving my profession"] <= 8.5
    assert 79.5 <= _percent(rows, "intervene", "Agree (total)", "All respondents") <= 80.5
    assert 75.5 <= _percent(rows, "approach", "Agree (total)", "All respondents") <= 76.5
    assert 39.5 <= _percent(rows, "enough", "Disagree (total)", "Black") <= 40.5
    assert 33.5 <= _percent(rows, "enough", "Disagree (total)", "Asian") <= 34.5
