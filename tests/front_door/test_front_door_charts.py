"""The front door's charts come from the chart module (house style), without a database."""

from types import SimpleNamespace

from arp_portal.core import charts
from arp_portal.statistics.front_door import share
from arp_portal.statistics.intervals import Estimate
from dashboards.front_door import presenters

NONE = Estimate(None, None, None)


def _row(key, label, early_help, referral, ratio):
    return SimpleNamespace(
        key=key, label=label, early_help=early_help, referral=referral, decision_ratio=ratio
    )


def _table(rows):
    return SimpleNamespace(rows=rows, reference=SimpleNamespace(label="White British"))


def test_shares_are_grouped_bars_with_intervals_in_the_house_style():
    table = _table(
        [
            _row("WBRI", "White British", share(200, 500), share(150, 500), NONE),
            _row("BCRB", "Caribbean", share(20, 90), share(50, 90), Estimate(0.3, 0.17, 0.53)),
        ]
    )
    figure = presenters.shares_figure(table)
    assert figure["empty"] == ""
    assert [trace["name"] for trace in figure["data"]] == ["Led to early help", "Led to a referral"]
    early_help = figure["data"][0]
    assert early_help["x"] == [40.0, 22.2]
    assert early_help["error_x"]["arrayminus"][1] == round(22.2 - share(20, 90).estimate.low, 1)
    assert figure["layout"]["font"]["size"] >= charts.FONT_SIZE
    assert figure["layout"]["legend"]["yanchor"] == "bottom"  # above the plot, not over it


def test_the_ratio_is_on_a_log_axis_ticked_at_doublings_with_parity_marked():
    table = _table([_row("BCRB", "Caribbean", None, None, Estimate(0.3, 0.17, 0.53))])
    figure = presenters.ratio_figure(table)
    axis = figure["layout"]["xaxis"]
    assert axis["type"] == "log"
    assert axis["ticktext"] == ["0.125", "0.25", "0.5", "1"]
    assert figure["layout"]["shapes"][0]["x0"] == 1


def test_nothing_to_draw_gives_a_sentence_and_no_chart_frame():
    table = _table([_row("BCRB", "Caribbean", None, None, NONE)])
    assert presenters.ratio_figure(table)["data"] == []
    assert presenters.ratio_figure(table)["empty"].startswith("There is no ratio")
    assert presenters.shares_figure(table)["empty"].startswith("There is nothing to draw")
