"""The portal's one chart module: what a reader of any chart notices (tick labels, text size,
colours, legends, empty charts), checked on the figures the pages actually send."""

import colorsys

import plotly.graph_objects as go
import pytest

from arp_portal.core import charts


def relative_luminance(colour: str) -> float:
    # WCAG 2.2 definition of relative luminance.
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


def font_sizes(node) -> list[float]:
    """Every font size set anywhere in a figure's layout or traces."""
    sizes = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "font" and isinstance(value, dict) and "size" in value:
                sizes.append(value["size"])
            sizes += font_sizes(value)
    elif isinstance(node, list):
        for item in node:
            sizes += font_sizes(item)
    return sizes


def test_a_log_axis_of_ratios_is_labelled_at_doublings_not_digits():
    axis = charts.log_axis([0.4, 0.55, 0.9], "RRI")
    assert axis["ticktext"] == ["0.25", "0.5", "1"]
    assert axis["tickvals"] == [0.25, 0.5, 1]
    assert axis["tickmode"] == "array"


def test_a_log_axis_reaches_a_labelled_doubling_beyond_every_point():
    axis = charts.log_axis([0.3, 3.1], "RRI")
    assert axis["ticktext"] == ["0.25", "0.5", "1", "2", "4"]
    low, high = (10**end for end in axis["range"])
    assert low < 0.25 and high > 4


def test_a_log_axis_with_no_values_still_shows_parity_between_two_ticks():
    assert charts.log_axis([None], "RRI")["ticktext"] == ["0.5", "1", "2"]


def test_every_palette_colour_keeps_3_to_1_contrast_against_white():
    for colour in (*charts.PALETTE, *charts.GROUP_COLOURS.values()):
        assert contrast_with_white(colour) >= 3, colour


def test_the_palette_never_puts_a_pure_red_beside_a_pure_green():
    def hue(colour):
        red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return colorsys.rgb_to_hls(red, green, blue)[0] * 360

    # Okabe and Ito's vermillion (about 24 degrees) and bluish green (about 164) are the pair
    # designed to stay apart for deuteranopes; a true red (0 +/- 15) with a true green
    # (120 +/- 20) is what colour-blind readers cannot tell apart.
    reds = [c for c in charts.PALETTE if hue(c) < 15 or hue(c) > 345]
    greens = [c for c in charts.PALETTE if 100 <= hue(c) <= 140]
    assert not (reds and greens)


def test_each_series_differs_by_marker_and_dash_as_well_as_colour():
    styles = [charts.series_style(index) for index in range(len(charts.PALETTE))]
    assert len({s.colour for s in styles}) == len(styles)
    assert len({s.symbol for s in styles}) == len(styles)
    assert len({s.dash for s in styles}) == len(styles)


def test_chart_text_is_at_least_14_px_and_the_legend_sits_above_the_plot():
    figure = charts.figure(
        [go.Scatter(x=[1, 2], y=[1, 2], name="a"), go.Scatter(x=[1, 2], y=[2, 1], name="b")],
        empty="nothing",
        annotations=[{"x": 1, "y": 1, "text": "note", "font": {"size": 10}}],
    )
    sizes = font_sizes(figure["layout"])
    assert sizes and min(sizes) >= 14
    legend = figure["layout"]["legend"]
    assert legend["y"] >= 1 and legend["yanchor"] == "bottom"
    assert "title" not in figure["layout"]


def test_a_chart_with_nothing_to_draw_is_a_sentence_not_a_frame():
    figure = charts.figure([go.Bar(x=["a", "b"], y=[None, None])], empty="Nothing to draw yet.")
    assert figure == {"data": [], "layout": {}, "empty": "Nothing to draw yet."}


def test_a_figure_is_plain_json_for_plotly_js():
    figure = charts.figure([go.Bar(x=["a"], y=[2])], empty="none")
    assert figure["data"][0]["type"] == "bar"
    assert figure["data"][0]["y"] == [2]
    assert figure["config"]["displayModeBar"] is False
    assert figure["empty"] == ""


@pytest.mark.parametrize("index", range(12))
def test_bar_segments_past_the_palette_are_hatched_so_none_repeat(index):
    styles = [charts.category_style(i) for i in range(12)]
    assert styles.count(styles[index]) == 1


def test_eighteen_detailed_groups_are_drawn_as_small_multiples_not_reused_colours():
    import datetime as dt

    from dashboards.children.presenters import TrendSeries, trend_figure

    dates = [dt.date(year, 3, 31) for year in range(2022, 2027)]
    series = [
        TrendSeries(f"G{n}", f"Group {n}", ["1.00"] * 5, None, [1.0 + n / 10] * 5)
        for n in range(18)
    ]
    figure = trend_figure(series, dates, "White British")
    titles = [a["text"] for a in figure["layout"]["annotations"]]
    assert titles == [f"Group {n}" for n in range(18)]
    assert len(figure["data"]) == 18
    assert {trace["showlegend"] for trace in figure["data"]} == {False}


def test_five_major_groups_share_one_chart_each_with_its_own_colour_and_marker():
    import datetime as dt

    from dashboards.children.presenters import TrendSeries, trend_figure

    dates = [dt.date(year, 3, 31) for year in range(2022, 2027)]
    labels = ["White", "Mixed", "Asian", "Black", "Other"]
    series = [
        TrendSeries(label, label, [""] * 5, None, [0.4, 0.6, 0.8, 1.2, 1.9]) for label in labels
    ]
    figure = trend_figure(series, dates, "White British")
    colours = [trace["line"]["color"] for trace in figure["data"]]
    symbols = [trace["marker"]["symbol"] for trace in figure["data"]]
    assert len(set(colours)) == 5 and len(set(symbols)) == 5
    assert figure["layout"]["yaxis"]["ticktext"] == ["0.25", "0.5", "1", "2"]


def test_a_long_axis_title_is_broken_into_lines_that_fit_a_phone():
    figure = charts.figure(
        [go.Bar(x=[1], y=["a"], orientation="h")],
        empty="none",
        xaxis={"title": {"text": "Children per 10,000 (95% confidence interval) in the cohort"}},
    )
    lines = figure["layout"]["xaxis"]["title"]["text"].split("<br>")
    assert len(lines) > 1 and max(len(line) for line in lines) <= charts.AXIS_TITLE_LINE


def _small_multiples_through_plotly(panels, *, empty, yaxis, shapes_per_panel, columns=3):
    """What charts.small_multiples gave when it drove plotly's figure methods directly
    (make_subplots, add_trace, update_layout, update_xaxes/_yaxes, update_annotations)."""
    import json
    import math

    from plotly.subplots import make_subplots

    rows = math.ceil(len(panels) / columns)
    titles = [charts.wrap_title(title, charts.PANEL_TITLE_LINE) for title, _ in panels]
    top_lines = max(title.count("<br>") for title in titles[:columns])
    fig = make_subplots(
        rows=rows,
        cols=columns,
        shared_xaxes=True,
        shared_yaxes=True,
        subplot_titles=titles,
        vertical_spacing=min(0.25, 0.5 / rows),
        horizontal_spacing=0.04,
    )
    shapes = []
    for index, (_title, traces) in enumerate(panels):
        row, col = divmod(index, columns)
        for trace in traces:
            trace.showlegend = False
            fig.add_trace(trace, row=row + 1, col=col + 1)
        suffix = "" if index == 0 else str(index + 1)
        for shape in shapes_per_panel:
            panel_shape = dict(shape)
            panel_shape["xref"] = f"x{suffix} domain"
            panel_shape["yref"] = panel_shape.get("yref", f"y{suffix}")
            shapes.append(panel_shape)
    extra = charts.TITLE_LINE_HEIGHT * top_lines  # the top row's titles over several lines
    layout = charts._house_layout(
        {"height": 80 + rows * 170 + extra, "showlegend": False, "shapes": shapes,
         "margin": {"l": 10, "r": 20, "t": 20 + extra, "b": 10}}
    )  # fmt: skip
    layout.pop("xaxis")
    layout.pop("yaxis")
    layout["template"] = go.layout.Template()  # replaces plotly's default one
    fig.update_layout(**layout)
    settings = {"automargin": True, "gridcolor": charts.GRID_COLOUR, **yaxis}
    charts._wrap_axis_title(settings)
    fig.update_yaxes(**settings)
    fig.update_xaxes(automargin=True, gridcolor=charts.GRID_COLOUR)
    fig.update_annotations(
        font={"family": charts.FONT_FAMILY, "size": charts.FONT_SIZE, "color": charts.TEXT_COLOUR}
    )
    plain = json.loads(fig.to_json())
    return {"data": plain["data"], "layout": plain["layout"], "config": charts.CONFIG, "empty": ""}


@pytest.mark.parametrize("panels", [1, 4, 7, 18])
def test_small_multiples_give_what_plotlys_figure_methods_gave(panels):
    """The grid from make_subplots, the house style merged into its plain layout: the same JSON
    as the figure methods, in a fraction of the time (ADR 055)."""

    def made():
        return [
            (
                f"Group {n} with a long name" if n % 2 else f"G{n}",
                [
                    go.Scatter(
                        x=["2022", "2023", "2024"],
                        y=[1.0 + n / 10, None, 2.5],
                        mode="lines+markers",
                        marker={"size": 9, "color": charts.PALETTE[0]},
                        error_y=charts.error_bars([1.0, None, 2.5], [0.8, None, 2.0],
                                                  [1.3, None, 3.1]),
                        hovertemplate="%{y:.2f}<extra></extra>",
                    )
                ],
            )
            for n in range(panels)
        ]  # fmt: skip

    yaxis = {**charts.log_axis([0.3, 2.5], "Relative rate index against White British children"),
             "title": None} if panels % 2 else charts.log_axis([0.3, 2.5], "RRI")  # fmt: skip
    shapes = [charts.reference_line(y=1)]
    expected = _small_multiples_through_plotly(made(), empty="", yaxis=yaxis,
                                               shapes_per_panel=shapes)  # fmt: skip
    assert charts.small_multiples(made(), empty="", yaxis=yaxis, shapes_per_panel=shapes) == (
        expected
    )


def test_a_plain_trace_is_what_plotlys_object_gives():
    """charts.scatter and charts.bar are plotly's traces without building and validating them:
    the same JSON, a property given None left unset as plotly leaves it."""
    properties = {
        "mode": "lines+markers",
        "name": "Black",
        "x": ["2022", "2023"],
        "y": [1.5, None],
        "line": {"color": "#d55e00", "width": 2, "dash": None},
        "marker": {"size": 8, "symbol": "square"},
        "text": None,
        "error_y": charts.error_bars([1.5, None], [1.2, None], [1.9, None]),
    }
    assert charts.scatter(**properties) == go.Scatter(**properties).to_plotly_json()
    del properties["mode"], properties["line"], properties["marker"]
    assert charts.bar(**properties) == go.Bar(**properties).to_plotly_json()


def test_a_figure_is_what_plotlys_figure_gave_but_for_its_empty_template():
    """go.Figure filled the empty template with a scatter entry that draws nothing; the rest is
    the same JSON."""
    import json

    traces = [
        charts.bar(x=["a", "b"], y=[2, None], marker={"color": charts.PALETTE[0]}, name="one"),
        charts.scatter(x=["a", "b"], y=[1, 3], mode="markers", name="two"),
    ]
    layout = {"barmode": "group", "yaxis": charts.log_axis([0.5, 3], "A ratio with a long title"),
              "shapes": [charts.reference_line(y=1)]}  # fmt: skip
    figure = charts.figure(traces, empty="none", **layout)
    through_plotly = json.loads(
        go.Figure(
            data=traces, layout=charts._house_layout(json.loads(json.dumps(layout)))
        ).to_json()
    )
    assert figure["layout"].pop("template") == {}
    assert through_plotly["layout"].pop("template") == {"data": {"scatter": [{"type": "scatter"}]}}
    assert (figure["data"], figure["layout"]) == (through_plotly["data"], through_plotly["layout"])


def test_at_phone_width_long_names_and_titles_break_into_lines_and_the_legend_has_room():
    """Issue 12: plotly cuts text off at the chart's edge; in a phone's 345 px box long series
    names, group names and axis titles are broken into lines, the x-axis title to fit the plot
    beside the longest group name, and a legend of one series a line gets its height."""
    groups = ["Ethnic group not given", "Any other White background", "White British"]
    names = [f"Made me consider leaving this organisation {n}" for n in range(8)]
    figure = charts.figure(
        [charts.bar(orientation="h", y=groups, x=[1, 2, 3], name=name) for name in names],
        empty="none",
        height=200,
        xaxis={"title": {"text": "Percentage of the group"}},
    )
    legend = [trace["name"] for trace in figure["data"]]
    assert all(max(len(line) for line in name.split("<br>")) <= charts.LEGEND_LINE
               for name in legend)  # fmt: skip
    yaxis = figure["layout"]["yaxis"]
    assert yaxis["tickvals"] == groups  # the data keep their names; the labels are broken
    assert yaxis["ticktext"][1] == "Any other White<br>background"
    assert figure["data"][0]["y"] == groups
    title = figure["layout"]["xaxis"]["title"]["text"]
    assert title == "Percentage of the<br>group"
    assert figure["layout"]["height"] >= 8 * 2 * charts.TITLE_LINE_HEIGHT


def test_many_long_categories_along_x_stay_one_line_and_the_chart_grows_for_them():
    categories = [f"Grade {n}" for n in range(8)] + ["Working-age population (whole authority)"]
    figure = charts.figure([charts.bar(x=categories, y=list(range(9)))], empty="none")
    assert "ticktext" not in figure["layout"]["xaxis"]  # turned on end, lines would overlap
    assert figure["layout"]["height"] > 420
    few = charts.figure([charts.bar(x=["Black, Asian and minority ethnic", "Black"], y=[1, 2])],
                        empty="none")  # fmt: skip
    assert few["layout"]["xaxis"]["ticktext"] == ["Black, Asian and<br>minority ethnic", "Black"]


def test_a_label_already_broken_is_broken_again_only_where_too_long():
    assert charts.wrap_title("Made me consider leaving my<br>profession", 24) == (
        "Made me consider leaving<br>my<br>profession"
    )
    assert charts.wrap_title("Short<br>lines", 24) == "Short<br>lines"
