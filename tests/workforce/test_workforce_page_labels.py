"""What the workforce page says about its own figures: when they are as at, what the
comparators cover, years with no leaver data, and its table headings."""

import datetime as dt
import json
import re

import plotly.graph_objects as go
import pytest
from django.utils import timezone

from arp_portal.core.models import ImportRun
from dashboards.models import WorkingAgePopulation
from dashboards.workforce.measures import BAME, LEAVERS, WHITE, MeasureRow
from dashboards.workforce.presenters import leavers_section, training_section
from tests.workforce.factories import add_events, make_staff, make_team

pytestmark = pytest.mark.django_db


def test_the_page_says_when_its_data_is_as_at(service_manager_client):
    make_staff(30)
    ImportRun.objects.create(
        kind="workforce_staff",
        file_name="hr-extract-november.csv",
        file_sha256="x",
        status=ImportRun.Status.SUCCEEDED,
        finished_at=timezone.make_aware(dt.datetime(2026, 11, 14, 9, 30)),
    )
    page = service_manager_client.get("/dashboards/workforce/").content.decode()
    assert "Data as at 14 November 2026" in page
    assert "hr-extract-november.csv" in page


def test_under_a_locality_filter_the_comparators_are_called_authority_wide(
    service_manager_client,
):
    make_staff(30, team=make_team("North Assessment", "North"))
    WorkingAgePopulation.objects.create(
        year=2021, source="Census 2021", ethnicity_id="BAFR", count=2_000
    )
    page = service_manager_client.get("/dashboards/workforce/?locality=North").content.decode()
    assert "Working-age population (whole authority)" in page
    assert "local working-age population" not in page


def row(year, group, leavers, employed):
    value = None if not employed else leavers / employed * 100
    return MeasureRow(LEAVERS, str(year), group, leavers, employed, value, value, value, False)


def test_years_before_the_first_recorded_leaver_show_no_data_not_zero():
    trend = {
        2022: [row(2022, WHITE, 0, 50), row(2022, BAME, 0, 40)],
        2023: [row(2023, WHITE, 0, 55), row(2023, BAME, 0, 45)],
        2024: [row(2024, WHITE, 5, 60), row(2024, BAME, 4, 50)],
        2025: [row(2025, WHITE, 0, 60), row(2025, BAME, 3, 50)],
    }
    section = leavers_section(trend[2023], 2023, trend)
    white_cells = next(r["cells"] for r in section["table"]["rows"] if r["label"] == "White")
    assert white_cells == ["no data", "no data", "8.3%", "0.0%"]
    assert "No leavers are recorded for 2023" in section["summary"]
    white_line = next(t for t in section["figure"]["data"] if t["name"] == "White")
    assert white_line["y"][:2] == [None, None]


def test_the_monthly_training_table_is_headed_month():
    result = {"target": None, "over_time": [], "by": {}, "date": dt.date(2026, 3, 31)}
    result["by"] = {"team__locality__name": [], "team__name": [], "ethnicity__major_group": []}
    section = training_section(result, 2026)
    assert section["over_time_table"]["label_head"] == "Month"
    assert section["figure"]["empty"] == "No anti-racist practice training has been recorded yet."


def test_every_figure_on_the_page_is_valid_for_plotly(service_manager_client):
    """The charts are built as plain JSON, unvalidated (arp_portal/core/charts.py): plotly's own
    schema still accepts every figure the page sends (a misspelt property would raise)."""
    white = make_staff(60, ethnicity="WBRI", start=dt.date(2020, 1, 1))
    black = make_staff(25, ethnicity="BCRB", start=dt.date(2020, 1, 1), grade="4_team_manager")
    day = dt.date.today().replace(day=1)
    add_events(white[:8] + black[:6], "disciplinary_opened", day)
    add_events(white[:30] + black[:12], "shortlisted", day)
    add_events(white[:12] + black[:3], "appointed", day)
    add_events(white[:40] + black[:15], "training_completed", day)
    page = service_manager_client.get("/dashboards/workforce/").content.decode()
    scripts = r'<script id="chart-[^"]+" type="application/json">(.*?)</script>'
    figures = [json.loads(payload) for payload in re.findall(scripts, page, re.S)]
    drawn = [figure for figure in figures if not figure["empty"]]
    assert len(drawn) >= 4
    for figure in drawn:
        go.Figure(data=figure["data"], layout=figure["layout"])  # raises on what plotly rejects
