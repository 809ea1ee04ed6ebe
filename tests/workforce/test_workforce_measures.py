"""The workforce measures on the page and in the CSV, checked against independent computations
(scipy's relative risk, Python's statistics module) and the disclosure rules."""

import csv
import datetime as dt
import io
import statistics
from decimal import Decimal

import pytest
from scipy.stats.contingency import relative_risk

from arp_portal.core.models import StaffMember
from dashboards.models import TrainingTarget
from tests.workforce.factories import add_events, make_staff, make_team

pytestmark = pytest.mark.django_db

DISCIPLINARY_DAY = dt.date(2025, 3, 3)


def _csv_rows(client, query: str = "") -> list[dict]:
    response = client.get(f"/dashboards/workforce.csv{query}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _row(rows, measure, period, group) -> dict:
    matches = [
        r for r in rows if (r["measure"], r["period"], r["group"]) == (measure, period, group)
    ]
    assert len(matches) == 1, (measure, period, group)
    return matches[0]


@pytest.fixture
def disciplinary_data():
    white = make_staff(100, ethnicity="WBRI")
    black = make_staff(30, ethnicity="BCRB") + make_staff(20, ethnicity="BAFR")
    add_events(white[:10], "disciplinary_opened", DISCIPLINARY_DAY)
    add_events(black[:12], "disciplinary_opened", DISCIPLINARY_DAY)
    return white, black


def test_the_relative_likelihood_of_a_disciplinary_matches_scipy(
    service_manager_client, disciplinary_data
):
    expected = relative_risk(12, 50, 10, 100)
    low, high = expected.confidence_interval()
    page = service_manager_client.get("/dashboards/workforce/?year=2025").content.decode()
    assert (
        "Black staff were 2.40 times as likely as White staff to enter a formal disciplinary "
        "process in 2025 (95% confidence interval 1.11 to 5.17)."
    ) in page
    row = _row(
        _csv_rows(service_manager_client),
        "Disciplinary: relative likelihood against White staff",
        "2025",
        "Black",
    )
    assert float(row["value"]) == pytest.approx(expected.relative_risk, abs=1e-4)
    assert float(row["ci_low"]) == pytest.approx(low, abs=1e-4)
    assert float(row["ci_high"]) == pytest.approx(high, abs=1e-4)
    assert (row["numerator"], row["denominator"], row["suppressed"]) == ("12", "50", "false")


def test_the_appointment_likelihood_compares_appointed_over_shortlisted(service_manager_client):
    white = make_staff(40, ethnicity="WBRI")
    asian = make_staff(30, ethnicity="APKN")
    add_events(white, "shortlisted", dt.date(2025, 5, 1))
    add_events(asian, "shortlisted", dt.date(2025, 5, 1))
    add_events(white[:20], "appointed", dt.date(2025, 5, 20))
    add_events(asian[:10], "appointed", dt.date(2025, 5, 20))
    row = _row(
        _csv_rows(service_manager_client),
        "Appointment: relative likelihood against White staff",
        "2025",
        "Asian",
    )
    expected = relative_risk(10, 30, 20, 40)
    assert float(row["value"]) == pytest.approx(expected.relative_risk, abs=1e-4)  # 0.6667
    assert float(row["ci_low"]) == pytest.approx(expected.confidence_interval().low, abs=1e-4)


def test_the_pay_gap_matches_an_independent_median_and_mean(service_manager_client):
    white_pay = [18, 19, 20, 21, 22, 23, 24, 25, 26, 30, 31, 40]
    black_pay = [17, 18, 18.5, 19, 20, 21, 22, 23, 24, 25, 26]
    for pay in white_pay:
        make_staff(ethnicity="WBRI", pay=f"{pay:.2f}")
    for pay in black_pay:
        make_staff(ethnicity="BAFR", pay=f"{pay:.2f}")
    make_staff(ethnicity="REFU", pay="20.00")  # not disclosed: 23 of 24 have
    median_gap = (statistics.median(white_pay) - statistics.median(black_pay)) / statistics.median(
        white_pay
    )
    mean_gap = (statistics.mean(white_pay) - statistics.mean(black_pay)) / statistics.mean(
        white_pay
    )
    rows = _csv_rows(service_manager_client)
    median_row = _row(rows, "Pay gap: median, against White staff (%)", "2025", "Black")
    mean_row = _row(rows, "Pay gap: mean, against White staff (%)", "2025", "Black")
    assert float(median_row["value"]) == pytest.approx(median_gap * 100, abs=1e-3)  # 12.0%
    assert float(mean_row["value"]) == pytest.approx(mean_gap * 100, abs=1e-3)
    page = service_manager_client.get("/dashboards/workforce/?year=2025").content.decode()
    assert (
        f"the median hourly pay of Black, Asian and minority ethnic staff was "
        f"{median_gap * 100:.1f}% lower than that of White staff"
    ) in page
    # Too few people have not disclosed their ethnicity (1) to show the rate beside it.
    assert _row(rows, "Ethnicity disclosure rate", "2025", "All staff")["suppressed"] == "true"


def test_no_figure_for_fewer_than_10_people_appears_in_the_csv_or_on_the_page(
    service_manager_client, disciplinary_data
):
    make_staff(9, ethnicity="AIND", pay="21.00")  # a group under 10
    make_staff(14, ethnicity="MWBC", pay="22.00")
    make_staff(3, ethnicity="MWBC", grade="6_senior_leader", pay="50.00")
    rows = _csv_rows(service_manager_client)
    for row in rows:
        for column in ("numerator", "denominator"):
            if row[column]:
                value = float(row[column])
                assert value == 0 or value >= 10, row
        counted = row["suppressed"] == "false" and row["numerator"] and row["denominator"]
        if counted and "Pay" not in row["measure"] and "relative" not in row["measure"]:
            rest = float(row["denominator"]) - float(row["numerator"])
            assert rest == 0 or rest >= 10, row
    asian_pay = _row(rows, "Pay: median hourly pay (£)", "2025", "Asian")
    assert asian_pay["suppressed"] == "true" and asian_pay["value"] == ""
    # Secondary suppression: with Asian hidden, the next smallest minority group goes too, or
    # Asian could be had from the Black, Asian and minority ethnic total.
    mixed_pay = _row(rows, "Pay: median hourly pay (£)", "2025", "Mixed")
    assert mixed_pay["suppressed"] == "true"
    bame = _row(rows, "Pay: median hourly pay (£)", "2025", "Black, Asian and minority ethnic")
    assert bame["suppressed"] == "false"
    page = service_manager_client.get("/dashboards/workforce/?year=2025").content.decode()
    assert "£21.00" not in page and "£50.00" not in page


def test_a_filtered_view_hides_what_the_rest_of_the_authority_would_reveal(
    service_manager_client,
):
    north = make_team("North Assessment", "North")
    south = make_team("South Assessment", "South")
    make_staff(40, ethnicity="WBRI", team=north)
    make_staff(12, ethnicity="BAFR", team=north)
    make_staff(30, ethnicity="WBRI", team=south)
    make_staff(4, ethnicity="BAFR", team=south)  # 16 Black staff in all: 12 of them North
    rows = _csv_rows(service_manager_client, f"?locality={north.locality_id}")
    row = _row(rows, "Representation: all staff", "2025", "Black")
    assert row["suppressed"] == "true"
    whole = _row(_csv_rows(service_manager_client), "Representation: all staff", "2025", "Black")
    assert whole["numerator"] == "16"


def test_representation_compares_grades_with_the_population_and_children(
    service_manager_client,
):
    from dashboards.models import WorkingAgePopulation

    make_staff(60, ethnicity="WBRI", grade="2_practitioner")
    make_staff(40, ethnicity="BCRB", grade="2_practitioner")
    make_staff(30, ethnicity="WBRI", grade="4_team_manager")
    make_staff(10, ethnicity="BAFR", grade="4_team_manager")
    WorkingAgePopulation.objects.create(
        year=2021, source="Census 2021", ethnicity_id="WBRI", count=8_000
    )
    WorkingAgePopulation.objects.create(
        year=2021, source="Census 2021", ethnicity_id="BAFR", count=2_000
    )
    rows = _csv_rows(service_manager_client)
    team_managers = _row(rows, "Representation: Team manager", "2025", "Black")
    assert (team_managers["numerator"], team_managers["denominator"]) == ("10", "40")
    assert float(team_managers["value"]) == pytest.approx(25.0)
    population = _row(rows, "Representation: working-age population", "2025", "Black")
    assert float(population["value"]) == pytest.approx(20.0)
    page = service_manager_client.get("/dashboards/workforce/?year=2025").content.decode()
    assert (
        "At the end of 2025, 35.7% of staff whose ethnicity is known were from Black, Asian and "
        "minority ethnic groups, against 25.0% at team manager grade; they are 20.0% of the "
        "working-age population across the authority"
    ) in page


def test_training_completion_by_locality_against_the_target(service_manager_client):
    north = make_team("North Assessment", "North")
    south = make_team("South Assessment", "South")
    north_staff = make_staff(40, team=north)
    south_staff = make_staff(40, team=south)
    add_events(north_staff[:30], "training_completed", dt.date(2024, 6, 1))
    add_events(south_staff[:20], "training_completed", dt.date(2024, 9, 1))
    TrainingTarget.objects.create(percent=Decimal("90"), due_date=dt.date(2025, 1, 31))
    rows = _csv_rows(service_manager_client)
    assert float(_row(rows, "ARP training: completed by locality", "2025", "North")["value"]) == 75
    assert float(_row(rows, "ARP training: completed by locality", "2025", "South")["value"]) == 50
    over_time = _row(rows, "ARP training: completed, over time", "2024-09", "All staff")
    assert (over_time["numerator"], over_time["denominator"]) == ("50", "80")
    page = service_manager_client.get("/dashboards/workforce/?year=2025").content.decode()
    assert (
        "62.5% of staff in post had completed anti-racist practice training, against a "
        "target of 90% by 31 January 2025" in page
    )
    assert "the South locality had the lowest completion, 50.0%" in page


def test_leaver_rate_by_group(service_manager_client):
    make_staff(80, ethnicity="WBRI")
    make_staff(20, ethnicity="WBRI", leaving=dt.date(2025, 6, 30))
    make_staff(50, ethnicity="BAFR")
    make_staff(10, ethnicity="BAFR", leaving=dt.date(2025, 8, 31))
    rows = _csv_rows(service_manager_client)
    assert float(_row(rows, "Leavers: leaver rate", "2025", "White")["value"]) == pytest.approx(20)
    black = _row(rows, "Leavers: leaver rate", "2025", "Black")
    assert float(black["value"]) == pytest.approx(100 * 10 / 60, abs=1e-4)


def test_the_dashboard_asks_postgres_a_bounded_number_of_questions(
    service_manager_client, disciplinary_data, django_assert_max_num_queries
):
    with django_assert_max_num_queries(120):
        response = service_manager_client.get("/dashboards/workforce/")
    assert response.status_code == 200
    assert StaffMember.objects.count() == 150


def test_an_empty_portal_explains_what_the_page_will_show(service_manager_client):
    page = service_manager_client.get("/dashboards/workforce/").content.decode()
    assert "There is no workforce data yet." in page
