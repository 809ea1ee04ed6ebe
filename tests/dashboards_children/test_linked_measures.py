"""The children's figures as linked measures on an action: same numbers, same suppression."""

import datetime as dt
import math

from arp_portal.core.measures import measure_status
from tests.dashboards_children.conftest import add_children


def test_an_actions_linked_rri_is_the_dashboards_figure(authority, monkeypatch):
    monkeypatch.setattr(
        "dashboards.measure_providers.default_children_date", lambda: dt.date(2025, 3, 31)
    )
    north = authority["teams"]["north"]
    add_children("WBRI", 30, team=north)
    add_children("BCRB", 8, team=north)
    add_children("BAFR", 9, team=north)
    reading = measure_status("children:cic:rri:Black").reading
    # Black: 17 of 5,000 (BCRB 2,000 + BAFR 3,000); White British: 30 of 60,000 -> RRI 6.8.
    assert reading.display_value == "6.80"
    assert reading.as_of == "31 March 2025"
    spread = 1.959963984540054 * math.sqrt(1 / 17 + 1 / 30)
    assert reading.note == (
        f"95% confidence interval {6.8 * math.exp(-spread):.2f} to {6.8 * math.exp(spread):.2f}"
    )
    assert reading.url.startswith("/dashboards/children/")


def test_a_suppressed_group_reads_c_on_the_action_page(authority, monkeypatch):
    monkeypatch.setattr(
        "dashboards.measure_providers.default_children_date", lambda: dt.date(2025, 3, 31)
    )
    north = authority["teams"]["north"]
    add_children("WBRI", 30, team=north)
    add_children("BCRB", 3, team=north)
    add_children("AIND", 12, team=north)
    reading = measure_status("children:cic:rri:BCRB").reading
    assert reading.display_value == "c"
    assert reading.value is None


def test_an_unknown_key_is_not_yet_available(db):
    assert measure_status("children:cic:odds:Black").message == "Measure not yet available"
