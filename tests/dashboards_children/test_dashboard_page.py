"""The service manager's page: the numbers, the sentences, suppression and the filters."""

import csv as csv_module
import datetime as dt
import io
import math

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from scipy import stats

from arp_portal.core.models import CohortSnapshotBuild, PopulationEstimate
from dashboards.children import disclosure, snapshots, views
from dashboards.children.models import ChildrenDisclosureDecision
from dashboards.children.presenters import trend_dates
from tests.conftest import DATABASE_TASKS
from tests.dashboards_children.conftest import MARCH_31, SOURCE, add_children

URL = reverse("dashboards:children")


def get(client, **params):
    return client.get(URL, {"date": MARCH_31.isoformat(), **params})


def test_in_care_in_the_north_black_caribbean_children_are_over_represented(
    service_manager_client, children_in_care
):
    # Two more in the South, so the South's Black Caribbean children are not 1 to 5 (were they,
    # the North's 30 or the authority's 34 would be hidden too: either gives them away).
    add_children("BCRB", 2, team=children_in_care["teams"]["south"], prefix="more")
    response = get(service_manager_client, cohort="cic", locality="North", detail="detailed")
    assert response.status_code == 200
    table = {row.key: row for row in response.context["rows"]}
    # BCRB: 30 / 1,500 x 10,000 = 200.0; WBRI: 60 / 30,000 x 10,000 = 20.0; RRI = 10.
    assert table["BCRB"].count == "30"
    assert table["BCRB"].rate == "200.0"
    assert table["BCRB"].rri == "10.00"
    spread = stats.norm.ppf(0.975) * math.sqrt(1 / 30 + 1 / 60)
    assert table["BCRB"].rri_interval == (
        f"{10 * math.exp(-spread):.2f} to {10 * math.exp(spread):.2f}"
    )
    assert table["BCRB"].flag == "Over-represented"
    sentences = response.context["sentences"]
    assert sentences[0].startswith(
        "Black Caribbean children were 10.0 times as likely as White British children to be in "
        "care on 31 March 2025 (95% CI"
    )
    page = response.content.decode()
    assert SOURCE in page and "mid-2024" in page


def test_small_counts_show_c_and_no_rate(service_manager_client, children_in_care):
    response = get(service_manager_client, cohort="cic", locality="North", detail="detailed")
    table = {row.key: row for row in response.context["rows"]}
    assert table["AIND"].count == "c"
    assert table["AIND"].rate == "" and table["AIND"].rri == ""
    # The unknown cell (REFU 5) is small too; with AIND hidden, no secondary cell is needed
    # beyond those two, so WOTH (10) shows.
    assert response.context["unknown"] == "c"
    assert table["WOTH"].count == "10"
    assert ">c<" in response.content.decode()


def test_major_groups_and_the_whole_authority(service_manager_client, children_in_care):
    response = get(service_manager_client, cohort="cic")
    table = {row.key: row for row in response.context["rows"]}
    # Black: 30 + 12 + 4 + 9 = 55 children of 5,000; White British 150 of 60,000.
    assert table["Black"].count == "55"
    assert table["Black"].rate == "110.0"
    assert table["Black"].rri == f"{(55 / 5_000) / (150 / 60_000):.2f}"
    # 241 children, but the 5 of unknown ethnicity (all in the North) are hidden, and the
    # shares of cohort reveal the 236 of known ethnicity: the headline would give the 5 away.
    assert response.context["total"] == "c"


def test_a_team_filter_counts_its_episodes_against_its_locality(
    service_manager_client, children_in_care
):
    response = get(service_manager_client, cohort="cic", team="South care", detail="detailed")
    table = {row.key: row for row in response.context["rows"]}
    assert table["WBRI"].count == "90"
    assert response.context["population"].area == "South"


def test_a_view_combining_filters_outside_the_release_publishes_no_count(
    service_manager_client, children_in_care
):
    """A sex, or an age band of a locality or team: its siblings add up to the views it lies
    in, so its counts are withheld (ADR 054, "Combined views"), with the way to those shown."""
    for params in (
        {"sex": "1"},
        {"sex": "2", "locality": "North"},
        {"age_band": "10-15", "team": "North care"},
    ):
        response = get(service_manager_client, cohort="cic", detail="detailed", **params)
        rows = response.context["rows"]
        assert rows and all(row.count == "c" and row.rri == "" for row in rows), params
        assert response.context["total"] == "c"
        page = response.content.decode()
        assert "Counts are not shown for" in page
        assert "would let counts hidden there be worked out by subtraction" in page
        csv = service_manager_client.get(
            reverse("dashboards:children_csv"),
            {"date": MARCH_31.isoformat(), "cohort": "cic", "detail": "detailed", **params},
        ).content.decode()
        data = list(csv_module.DictReader(io.StringIO(csv)))
        assert data and all(row["count"] in ("c", "") for row in data), params
    # The views the release decides are shown: an area at all ages, the authority in a band.
    for params in ({"locality": "North"}, {"age_band": "10-15"}):
        response = get(service_manager_client, cohort="cic", detail="detailed", **params)
        assert "Counts are not shown for" not in response.content.decode()
    assert response.context["total"] != "c"
    north = get(service_manager_client, cohort="cic", detail="detailed", locality="North")
    assert any(row.count not in ("c", "0") for row in north.context["rows"])


def test_trend_says_since_when(service_manager_client, authority):
    north = authority["teams"]["north"]
    for year in (2020, 2021, 2022, 2023):
        for row in PopulationEstimate.objects.filter(year=2024):
            row.pk = None
            row.year = year
            row.save()
    # WBRI steady all years; BCRB in care only from 2023 on (start 1 June 2022).
    add_children("WBRI", 60, team=north, start=dt.date(2020, 1, 1))
    add_children("BCRB", 30, team=north, start=dt.date(2022, 6, 1))
    response = get(service_manager_client, cohort="cic", locality="North", detail="detailed")
    series = {line.key: line for line in response.context["trend_series"]}
    assert series["BCRB"].since == "2023"
    assert any("every year since 2023" in s for s in response.context["trend_sentences"])


def test_an_empty_cohort_explains_itself(service_manager_client, authority):
    response = get(service_manager_client, cohort="cp")
    assert response.status_code == 200
    assert "No children match these filters" in response.content.decode()


def test_a_bad_date_is_reported_in_gov_uk_style(service_manager_client, children_in_care):
    response = service_manager_client.get(URL, {"date_0": "30", "date_1": "2", "date_2": "2025"})
    assert response.status_code == 200
    assert "Reference date must be a real date" in response.content.decode()
    assert "day is out of range" not in response.content.decode()


def test_the_date_is_a_gov_uk_date_input_that_a_linked_iso_date_still_fills(
    service_manager_client, children_in_care
):
    response = service_manager_client.get(URL, {"date": "2025-03-31"})
    page = response.content.decode()
    assert 'name="date_0" type="text" value="31"' in page or 'value="31"' in page
    assert response.context["filters"].reference_date == MARCH_31


@pytest.mark.parametrize("year", ["1990", "2030"])
def test_a_date_outside_the_data_is_refused_with_the_range_it_covers(
    service_manager_client, children_in_care, year
):
    response = service_manager_client.get(URL, {"date_0": "31", "date_1": "3", "date_2": year})
    page = response.content.decode()
    assert "Reference date must be between 1 June 2024 and " in page
    # The page still shows the default date's figures, not a page of empty counts.
    assert response.context["filters"].reference_date.year != int(year)


def test_the_page_aggregates_in_a_fixed_number_of_queries(
    service_manager_client, children_in_care, django_assert_max_num_queries, undecided_dates
):
    add_children("BAFR", 50, team=children_in_care["teams"]["north"], prefix="more")
    snapshots.prepare(
        (date, measure) for date in trend_dates(MARCH_31) for measure in snapshots.MEASURES
    )
    assert disclosure.decide_prepared() == 5 * 3 + 5 * 4  # every cohort of every build
    # Prepared dates are read, whatever the filters: no statement per row, group, team or
    # trend year, and the disclosure decisions in two (the trend's dates; the pathway's stages):
    # 20 at most, session and permissions included.
    with django_assert_max_num_queries(20):
        response = get(service_manager_client, cohort="cin", detail="detailed")
    assert not response.context["being_prepared"]
    with django_assert_max_num_queries(20):
        response = get(service_manager_client, cohort="cic", locality="North", sex="1")
    with django_assert_max_num_queries(20):
        get(service_manager_client, cohort="cp", measure="starts", team="North care")
    assert response.status_code == 200
    assert not response.context["being_prepared"]
    # And the downloads of a view, at both levels of detail.
    for download in ("dashboards:children_csv", "dashboards:children_xlsx"):
        for detail in ("major", "detailed"):
            with django_assert_max_num_queries(20):
                response = service_manager_client.get(
                    reverse(download),
                    {"date": MARCH_31.isoformat(), "cohort": "cin", "detail": detail},
                )
            assert response.status_code == 200


def test_a_date_the_worker_has_not_decided_shows_no_figure(
    service_manager_client, children_in_care, undecided_dates
):
    snapshots.prepare((date, "on_date") for date in trend_dates(MARCH_31))
    response = get(service_manager_client, cohort="cic")
    assert response.context["being_prepared"]
    assert response.context["total"] == "c"
    assert all(row.count == "c" for row in response.context["rows"])
    assert "are being prepared" in response.content.decode()
    disclosure.decide_prepared()
    response = get(service_manager_client, cohort="cic")
    assert not response.context["being_prepared"]
    assert {row.key: row.count for row in response.context["rows"]}["White"] == "170"


def test_a_write_expires_the_decision_with_its_build(
    service_manager_client, children_in_care, undecided_dates
):
    snapshots.prepare((date, "on_date") for date in trend_dates(MARCH_31))
    disclosure.decide_prepared()
    add_children("BAFR", 7, team=children_in_care["teams"]["north"], prefix="late")
    CohortSnapshotBuild.objects.all().delete()  # what an import's write does to the builds
    snapshots.prepare((date, "on_date") for date in trend_dates(MARCH_31))
    # Rebuilt, not yet decided: the old decision is not read for the new counts.
    assert get(service_manager_client, cohort="cic").context["being_prepared"]


@pytest.mark.django_db(transaction=True)
def test_a_date_built_but_never_decided_is_queued_once_for_the_worker(
    service_manager_client, children_in_care, settings, undecided_dates
):
    # Built with no decision and nothing queued (a task that stopped between the two): the
    # page asks the worker to decide it, once however often it is viewed, rather than saying
    # "being prepared" for ever.
    settings.TASKS = DATABASE_TASKS
    snapshots.prepare(
        (date, measure) for date in trend_dates(MARCH_31) for measure in snapshots.MEASURES
    )
    assert not DBTaskResult.objects.exists()
    for _ in range(3):
        assert get(service_manager_client, cohort="cic").context["being_prepared"]
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    response = get(service_manager_client, cohort="cic")
    assert not response.context["being_prepared"]
    assert {row.key: row.count for row in response.context["rows"]}["White"] == "170"
    assert DBTaskResult.objects.filter(status="READY").count() == 0


def test_the_worker_decides_year_ends_first_latest_first(children_in_care, undecided_dates):
    # After a first import the default view (the latest 31 March) and its trend (the 31
    # Marches before) are what a user opens: decided before the other month-ends.
    dates = [dt.date(2025, 6, 30), dt.date(2024, 3, 31), dt.date(2025, 3, 31)]
    snapshots.prepare((date, "on_date") for date in dates)
    disclosure.decide_prepared()
    order = ChildrenDisclosureDecision.objects.order_by("pk").values_list(
        "reference_date", flat=True
    )
    assert list(dict.fromkeys(order)) == [dates[2], dates[1], dates[0]]


def _trend_builds():
    trend = [dt.date(year, 10, 17) for year in range(2020, 2025)]
    return {*((date, "on_date") for date in trend), (dt.date(2024, 10, 17), "starts")}


@pytest.mark.django_db(transaction=True)
def test_a_date_not_prepared_is_counted_live_and_built_by_the_task_worker(
    rf, service_manager, children_in_care, django_assert_max_num_queries, settings, undecided_dates
):
    settings.TASKS = DATABASE_TASKS
    request = rf.get(URL, {"date": "2024-10-17", "cohort": "cin"})
    request.user = service_manager
    request.session = {}
    with django_assert_max_num_queries(30):
        response = views.children(request)
    assert response.status_code == 200
    # Nothing is built in the request's thread: a task is queued for the worker.
    assert not CohortSnapshotBuild.objects.exists()
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert set(CohortSnapshotBuild.objects.values_list("reference_date", "measure")) == (
        _trend_builds()
    )
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # ... and decided, after the build, by the same task.
    assert ChildrenDisclosureDecision.objects.filter(reference_date=dt.date(2024, 10, 17)).exists()


def test_with_the_immediate_backend_the_date_is_built_as_the_task_is_queued(
    rf, service_manager, children_in_care
):
    request = rf.get(URL, {"date": "2024-10-17", "cohort": "cin"})
    request.user = service_manager
    request.session = {}
    assert views.children(request).status_code == 200
    assert set(CohortSnapshotBuild.objects.values_list("reference_date", "measure")) == (
        _trend_builds()
    )


@pytest.mark.parametrize("measure", ["on_date", "starts"])
def test_a_date_counted_live_shows_what_its_snapshot_shows(
    service_manager_client, children_in_care, measure
):
    add_children("BCRB", 9, team=None, start=dt.date(2023, 9, 2), prefix="early")
    params = {"date": "2024-10-17", "cohort": "cic", "measure": measure, "detail": "detailed"}
    live = service_manager_client.get(URL, params)  # counted live, then builds
    assert CohortSnapshotBuild.objects.filter(reference_date=dt.date(2024, 10, 17)).exists()
    read = service_manager_client.get(URL, params)
    for key in ("rows", "trend_series", "stage_rows", "trend_sentences", "pathway_sentence"):
        assert live.context[key] == read.context[key], key
    table = {row.key: row for row in read.context["rows"]}
    assert table["BCRB"].count == ("43" if measure == "on_date" else "34")


@pytest.mark.parametrize("reference", ["WBRI", "white", "all"])
def test_each_reference_group_gives_ratios(service_manager_client, children_in_care, reference):
    response = get(service_manager_client, cohort="cic", reference=reference)
    table = {row.key: row for row in response.context["rows"]}
    assert table["Black"].rri
