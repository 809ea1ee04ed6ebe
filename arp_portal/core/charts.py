"""Every chart on the portal, sent as JSON to the vendored plotly.js (static/js/charts.js draws
it). Traces are plain dicts in plotly's schema (`scatter`, `bar`); plotly's Python objects are
accepted too, but building and validating them cost a quarter of a dashboard page's time
(docs/adr/058-charts-as-plain-json.md), so the pages use the dicts and tests/test_charts.py
checks every figure the pages send against plotly's schema instead.

One house style for all of them, so a fix lands everywhere at once:

- chart text at least 14 px (GOV.UK body text is 19 px; 14 px is the floor for axis labels);
- no chart title inside the drawing: the page's heading or caption names the chart, and the
  legend sits above the plot area, where plotly grows the top margin to fit it, so it never
  covers a title or an axis;
- a colour-blind-safe palette (Okabe and Ito's, darkened where needed for 3:1 contrast against
  white) with no red beside green, and each series also gets its own marker symbol and line dash,
  so colour is never the only cue; more series than colours are drawn as small multiples, one
  panel per series, rather than reusing a colour;
- log axes labelled at the doublings 0.25, 0.5, 1, 2, 4 (plotly's own log ticks label 0.4 to
  0.9 as "4 5 6 7 8 9");
- nothing is cut off in a phone's 345 px chart box (plotly never wraps text): long titles,
  names and labels are broken into lines, and charts grow for their legends (_phone_legible);
- nothing to draw means no chart frame at all: the figure carries a sentence instead (`empty`),
  which the template shows in its place. Every chart has a data table beside it on the page.
"""

import functools
import json
import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import plotly.graph_objects as go
import plotly.io as pio
from plotly.basedatatypes import BaseTraceType
from plotly.subplots import make_subplots

FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
FONT_SIZE = 14
TEXT_COLOUR = "#0b0c0c"
GRID_COLOUR = "#e5e5e5"
REFERENCE_COLOUR = "#505a5f"  # parity lines and targets: GOV.UK dark grey

# Okabe and Ito (2008), "Color Universal Design": distinguishable under the common colour vision
# deficiencies. Its yellow, orange and sky blue are too light against white (below 3:1) and are
# left out; bluish green comes last, so it appears only beside five other colours.
PALETTE = ("#0072b2", "#d55e00", "#0b0c0c", "#cc79a7", "#999933", "#009e73")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "triangle-down")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")

# The same group keeps the same colour on every page (survey, children's and workforce
# dashboards), so a reader learns it once.
GROUP_COLOURS = {
    "White": "#505a5f",
    "White British": "#505a5f",
    "Mixed": "#cc79a7",
    "Asian": "#0072b2",
    "Black": "#d55e00",
    "Other": "#999933",
    "Other ethnic group": "#999933",
    "Black, Asian and minority ethnic": "#0b0c0c",
}

# Doublings either side of 1: the ticks a log axis of ratios is labelled at.
LOG_TICKS = (1 / 64, 1 / 32, 1 / 16, 0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64)

CONFIG = {"displayModeBar": False, "responsive": True}


@dataclass(frozen=True)
class SeriesStyle:
    colour: str
    symbol: str
    dash: str


def series_style(index: int, label: str | None = None) -> SeriesStyle:
    """The colour, marker and dash of the index-th series (a known group keeps its colour)."""
    colour = GROUP_COLOURS.get(label or "", PALETTE[index % len(PALETTE)])
    return SeriesStyle(colour, SYMBOLS[index % len(SYMBOLS)], DASHES[index % len(DASHES)])


PATTERNS = ("", "/", ".", "x")


def category_style(index: int) -> tuple[str, str]:
    """The colour and fill pattern of the index-th bar segment: past the palette's six colours
    the colours repeat with a hatching, so no two segments of one bar look alike."""
    return PALETTE[index % len(PALETTE)], PATTERNS[(index // len(PALETTE)) % len(PATTERNS)]


def tick_label(value: float) -> str:
    """0.25 -> "0.25", 2.0 -> "2", 1/64 -> "0.016"."""
    if value >= 1:
        return f"{value:g}"
    return f"{value:.3g}"


def log_axis(values: Iterable[float | None], title: str) -> dict:
    """A log axis over the values (and 1, the parity line), ticked at the doublings around them.

    The range runs from the doubling at or below the smallest value to the one at or above the
    largest, so there is always a labelled tick on each side of every point."""
    shown = [v for v in values if v is not None and v > 0]
    low = min([1.0, *shown])
    high = max([1.0, *shown])
    below = [t for t in LOG_TICKS if t <= low] or [LOG_TICKS[0]]
    above = [t for t in LOG_TICKS if t >= high] or [LOG_TICKS[-1]]
    start, end = below[-1], above[0]
    if start == end == 1:
        start, end = 0.5, 2
    ticks = [t for t in LOG_TICKS if start <= t <= end]
    return {
        "type": "log",
        "title": {"text": title},
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": [tick_label(t) for t in ticks],
        # plotly takes a log axis's range in log10 units; a margin of 4% keeps end points clear.
        "range": [math.log10(start) - 0.04, math.log10(end) + 0.04],
        "gridcolor": GRID_COLOUR,
        "zeroline": False,
    }


def reference_line(*, y: float | None = None, x: float | None = None) -> dict:
    """A dashed line across the plot at y (or x): parity at 1, or a target."""
    line = {"color": REFERENCE_COLOUR, "dash": "dash", "width": 2}
    if y is not None:
        return {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": y, "y1": y, "line": line}
    return {"type": "line", "yref": "paper", "y0": 0, "y1": 1, "x0": x, "x1": x, "line": line}


# Plotly never wraps text: it cuts it off at the chart's edge. At 375 px a chart's box is 345 px
# wide, and an axis title is centred on the plot area, which long group names push to the right,
# so a title longer than about 190 px (24 characters of 14 px text) ran off the box.
AXIS_TITLE_LINE = 24  # characters
LABEL_LINE = 22  # a category's tick label (rotated on a phone, its length is the plot's loss)
LEGEND_LINE = 24  # a series' name in the legend
PANEL_TITLE_LINE = 14  # a small multiple's title: three panels share 345 px on a phone
TITLE_LINE_HEIGHT = 18  # px: one more line of 14 px text
CHARACTER_WIDTH = 8  # px: a character of 14 px text, at most on average
PHONE_CHART_WIDTH = 345  # px: a chart's box on a 375 px screen
MIN_PLOT_HEIGHT = 200  # px: the plot and its axes below a legend of one series a line
MAX_WRAPPED_COLUMNS = 6  # categories along x whose names are wrapped (more are turned on end)


def wrap_title(text: str, width: int = AXIS_TITLE_LINE) -> str:
    """Break a long title or label into lines of at most width characters (lines already broken
    with <br> are kept, and each broken again if still too long)."""
    lines = text.split("<br>")
    if all(len(line) <= width for line in lines):
        return text
    return "<br>".join(part for line in lines for part in (textwrap.wrap(line, width) or [""]))


def _wrap_axis_title(axis: dict) -> None:
    title = axis.get("title")
    if isinstance(title, dict) and isinstance(title.get("text"), str):
        axis["title"] = {**title, "text": wrap_title(title["text"])}


def _wrap_categories(axis: dict, values: list) -> None:
    """Long category names on the axis shown over several lines (ticktext), the data unchanged."""
    shown = [value for value in values if value is not None]
    if axis.get("type") in ("log", "date", "linear") or "tickvals" in axis:
        return
    if not shown or not all(isinstance(value, str) for value in shown):
        return  # numbers or dates: not categories
    categories = list(dict.fromkeys(shown))
    if all(len(category) <= LABEL_LINE for category in categories):
        return
    axis["tickmode"] = "array"
    axis["tickvals"] = categories
    axis["ticktext"] = [wrap_title(category, LABEL_LINE) for category in categories]


def _lines(text: str) -> int:
    return text.count("<br>") + 1


def _phone_legible(data: list[dict], layout: dict) -> None:
    """Long series names and category names over several lines, the x-axis title narrow enough
    for the plot beside long group names, and room for a legend of one series a line, so nothing
    is cut off in a phone's 345 px chart box."""
    legend = 0
    for trace in data:
        name = trace.get("name")
        if isinstance(name, str) and trace.get("showlegend") is not False:
            trace["name"] = wrap_title(name, LEGEND_LINE)
            legend += TITLE_LINE_HEIGHT * _lines(trace["name"]) + 4
    if layout.get("showlegend") is not False and len(data) > 1:
        layout["height"] = max(layout["height"], legend + MIN_PLOT_HEIGHT)
    names = [value for trace in data for value in (trace.get("y") or []) if value is not None]
    if names and all(isinstance(name, str) for name in names):
        # The x-axis title is centred on the plot, which starts after the longest group name.
        longest = max(
            len(line) for name in names for line in wrap_title(name, LABEL_LINE).split("<br>")
        )
        plot = PHONE_CHART_WIDTH - CHARACTER_WIDTH * longest - 30
        width = max(12, min(AXIS_TITLE_LINE, (plot + 40) // CHARACTER_WIDTH))
        title = layout.get("xaxis", {}).get("title")
        if isinstance(title, dict) and isinstance(title.get("text"), str):
            plain = title["text"].replace("<br>", " ")
            layout["xaxis"]["title"] = {**title, "text": wrap_title(plain, width)}
    for letter in ("x", "y"):
        values = [v for trace in data for v in (trace.get(letter) or [])]
        axis = layout.setdefault(f"{letter}axis", {})
        # Along x, more categories than fit a phone's width side by side are drawn turned on
        # end, where lines stacked side by side overlap their neighbours: those stay one line.
        if letter == "y" or len(set(values)) <= MAX_WRAPPED_COLUMNS:
            _wrap_categories(axis, values)
        elif all(isinstance(value, str) for value in values if value is not None):
            # Turned on end, the longest name's length is taken from the plot's height: the
            # chart grows by it, so a phone still has a plot to read.
            longest = max((len(value) for value in values if value is not None), default=0)
            if longest > LABEL_LINE:
                layout["height"] = layout["height"] + CHARACTER_WIDTH * (longest - LABEL_LINE)


def _house_layout(layout: dict) -> dict:
    font = {"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT_COLOUR}
    base = {
        # An empty template: plotly's default one adds about 6 KB to every figure, and the
        # house style below replaces all of it.
        "template": {},
        "font": font,
        "hoverlabel": {"font": font},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 10, "r": 20, "t": 20, "b": 10},
        "legend": {
            # Above the plot area, left-aligned: plotly grows the top margin to fit it, so it
            # never lies over the plot, an axis title or the page heading above the chart.
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.02,
            "yanchor": "bottom",
            "font": font,
        },
        "hovermode": "closest",
        "height": 420,
    }
    merged = {**base, **layout}
    for axis in ("xaxis", "yaxis"):
        merged[axis] = {"automargin": True, "gridcolor": GRID_COLOUR, **layout.get(axis, {})}
        _wrap_axis_title(merged[axis])
    for annotation in merged.get("annotations", []):
        annotation.setdefault("font", {})
        annotation["font"] = {**font, **annotation["font"]}
        annotation["font"]["size"] = max(FONT_SIZE, annotation["font"].get("size", FONT_SIZE))
    return merged


def _points(plain: dict) -> bool:
    """Whether a trace (as plain JSON) has a point to draw: a value on its numeric axis."""
    values = []
    for attribute in ("x", "y"):
        value = plain.get(attribute)
        if value is not None:
            values.append([v for v in value if v is not None])
    numeric = values[-1] if values else []
    if plain.get("orientation") == "h" and values:
        numeric = values[0]
    return bool(numeric)


Trace: TypeAlias = dict | BaseTraceType


def _set(properties: dict) -> dict:
    """The properties given a value: None leaves a property unset, as in plotly's objects."""
    return {
        key: _set(value) if isinstance(value, dict) else value
        for key, value in properties.items()
        if value is not None
    }


def scatter(**properties) -> dict:
    """A scatter trace (points or lines) as plotly.js takes it: go.Scatter's properties, with
    nested ones as dicts (marker={"size": 8}, not marker_size=8), unvalidated."""
    return {"type": "scatter", **_set(properties)}


def bar(**properties) -> dict:
    """A bar trace as plotly.js takes it (see scatter)."""
    return {"type": "bar", **_set(properties)}


def _trace(trace: Trace) -> dict:
    return trace if isinstance(trace, dict) else trace.to_plotly_json()


def _plain(value: dict) -> dict:
    """JSON-ready dicts, as plotly encodes them (lists for tuples and arrays, ISO dates)."""
    return json.loads(pio.to_json(value, validate=False))


def figure(traces: Sequence[Trace], *, empty: str, **layout) -> dict:
    """A chart in the house style: traces (scatter, bar), layout overrides as keyword arguments
    (xaxis=..., barmode=..., shapes=...); {"empty": sentence} when no trace has a point to draw
    (then the page shows the sentence and no chart frame)."""
    data = [dict(_trace(trace)) for trace in traces]
    if not any(_points(trace) for trace in data):
        return {"data": [], "layout": {}, "empty": empty}
    house = _house_layout(layout)
    _phone_legible(data, house)
    plain = _plain({"data": data, "layout": house})
    return {"data": plain["data"], "layout": plain["layout"], "config": CONFIG, "empty": ""}


@functools.cache
def _grid(rows: int, columns: int, panels: int) -> str:
    """The layout of a grid of panels sharing their axes (make_subplots: each panel's axes and
    domain, its title's place), as JSON: made once per shape, since make_subplots and the
    update_*axes calls over its panels took most of a dashboard page's time
    (docs/adr/055-month-ends-counted-in-numpy.md)."""
    fig = make_subplots(
        rows=rows,
        cols=columns,
        shared_xaxes=True,
        shared_yaxes=True,
        subplot_titles=[str(index) for index in range(panels)],
        vertical_spacing=min(0.25, 0.5 / rows),
        horizontal_spacing=0.04,
        figure=go.Figure(layout={"template": go.layout.Template()}),
    )
    return fig.layout.to_json()


# Properties that are objects in plotly's schema: set to None, plotly leaves them empty.
_OBJECTS = frozenset({"title", "font", "tickfont", "line", "marker", "legend", "margin"})


def _merge(target: dict, update: dict) -> None:
    """update into target as plotly's update_layout does: nested dicts merge, the rest replace,
    None clears."""
    for key, value in update.items():
        if value is None:
            if key in _OBJECTS:
                target[key] = {}
            else:
                target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def small_multiples(
    panels: Sequence[tuple[str, Sequence[Trace]]],
    *,
    empty: str,
    columns: int = 3,
    panel_height: int = 170,
    yaxis: dict | None = None,
    xaxis: dict | None = None,
    shapes_per_panel: Sequence[dict] = (),
) -> dict:
    """One small panel per series, sharing axes, instead of one chart with too many colours.

    The grid comes from make_subplots (once per shape, _grid) and the
    house style is merged into its plain layout, which gives what make_subplots, add_trace and
    update_layout/update_xaxes/update_yaxes/update_annotations gave, in a fraction of the time
    (tests/test_charts.py holds the two equal)."""
    drawn = [
        (title, plain)
        for title, plain in (
            (title, [_trace(trace) for trace in traces]) for title, traces in panels
        )
        if any(_points(trace) for trace in plain)
    ]
    if not drawn:
        return {"data": [], "layout": {}, "empty": empty}
    rows = math.ceil(len(drawn) / columns)
    layout = json.loads(_grid(rows, columns, len(drawn)))
    data = []
    shapes = []
    for index, (title, traces) in enumerate(drawn):
        suffix = "" if index == 0 else str(index + 1)
        layout["annotations"][index]["text"] = wrap_title(title, PANEL_TITLE_LINE)
        for trace in traces:
            data.append(
                {**trace, "showlegend": False, "xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
            )
        for shape in shapes_per_panel:
            panel_shape = dict(shape)
            if panel_shape.get("xref") == "paper":
                panel_shape["xref"] = f"x{suffix} domain"
            if panel_shape.get("yref") == "paper":
                panel_shape["yref"] = f"y{suffix} domain"
            panel_shape["xref"] = panel_shape.get("xref", f"x{suffix}")
            panel_shape["yref"] = panel_shape.get("yref", f"y{suffix}")
            shapes.append(panel_shape)
    # The top row's titles stand above the plot: room for as many lines as the longest has.
    top_lines = max(
        layout["annotations"][i]["text"].count("<br>") for i in range(min(columns, len(drawn)))
    )
    house = _house_layout(
        {
            "height": 80 + rows * panel_height + TITLE_LINE_HEIGHT * top_lines,
            "showlegend": False,
            "shapes": shapes,
            "margin": {"l": 10, "r": 20, "t": 20 + TITLE_LINE_HEIGHT * top_lines, "b": 10},
        }
    )
    house.pop("xaxis")
    house.pop("yaxis")
    _merge(layout, house)
    for axis, prefix in ((yaxis, "yaxis"), (xaxis, "xaxis")):
        settings = {"automargin": True, "gridcolor": GRID_COLOUR, **(axis or {})}
        _wrap_axis_title(settings)
        for name in [name for name in layout if name.startswith(prefix)]:
            _merge(layout[name], json.loads(json.dumps(settings)))
    for annotation in layout["annotations"]:
        _merge(
            annotation, {"font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT_COLOUR}}
        )
    plain = _plain({"data": data, "layout": layout})
    return {"data": plain["data"], "layout": plain["layout"], "config": CONFIG, "empty": ""}


def error_bars(values, lows, highs, *, places: int = 2) -> dict:
    """Asymmetric 95% interval bars (none where a value or its interval is missing)."""

    def gap(a, b):
        return None if a is None or b is None else round(a - b, places)

    return {
        "type": "data",
        "symmetric": False,
        "array": [gap(h, v) for v, h in zip(values, highs, strict=True)],
        "arrayminus": [gap(v, lo) for v, lo in zip(values, lows, strict=True)],
        "color": TEXT_COLOUR,
        "thickness": 1.5,
    }


def ratio_figure(
    labels: Sequence[str],
    values: Sequence[float],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    *,
    name: str,
    axis_title: str,
    empty: str,
    marker: dict,
    height: int,
    annotations: Sequence[dict] = (),
) -> dict:
    """One point per group on a log axis ticked at doublings, with its 95% interval and parity
    (1) dashed: the children's relative rate index and the front door's decision-point ratio."""
    points = scatter(
        mode="markers",
        y=list(labels),
        x=list(values),
        marker=marker,
        error_x=error_bars(values, lows, highs),
        hovertemplate="%{y}: %{x}<extra></extra>",
        name=name,
    )
    return figure(
        [points],
        empty=empty,
        height=height,
        xaxis=log_axis([*values, *lows, *highs], axis_title),
        yaxis={"autorange": "reversed"},
        shapes=[reference_line(x=1)],
        **({"annotations": list(annotations)} if annotations else {}),
        showlegend=False,
    )
