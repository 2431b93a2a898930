"""A figure's side legend as a key in the page, so the picture keeps its width.

The figures put their legend beside the plot, which leaves a sliver of plot on a
laptop beside the event card and nothing on a phone. In a dashboard the side legend
is hidden (:func:`key_outside`) and the same entries are listed under the figure as
HTML (:func:`figure_key`): group titles, and a swatch (the trace's colour, its line
style) before each name. Legends other than the side one (the timeline's kinds below
the plot) stay in the figure.

>>> import plotly.graph_objects as go
>>> fig = go.Figure([go.Scatter(x=[1], y=[1], mode="lines", name="Hand-off <b>late</b>",
...                             line={"color": "#E69F00", "dash": "dash"},
...                             legendgrouptitle={"text": "Hand-offs"})])
>>> html = key_outside(fig)
>>> fig.data[0].showlegend, "Hand-offs" in html, "&lt;b&gt;" not in html, "late" in html
(False, True, True, True)
"""

from __future__ import annotations

import math
import re

import pandas as pd
import plotly.graph_objects as go

from workbench.apps._html import FIGURE_MIN_PX, esc
from workbench.timeline import AXIS_PX, KEY_COLUMNS, KEY_ENTRY_PX, KEY_ROW_PX
from workbench.views.figure_text import text_width
from workbench.views.timeline_captions import place_captions, place_risk_words, plot_width

__all__ = ["figure_key", "fit_network", "fit_timeline", "key_outside"]

_TAG = re.compile(r"<[^>]+>")
_DASH = {"dash": "dashed", "dot": "dotted", "longdash": "dashed", "dashdot": "dashed",
         "longdashdot": "dashed"}


def _plain(text: str | None) -> str:
    """Legend text without plotly's markup (already escaped for plotly: undo that)."""
    words = _TAG.sub("", text or "")
    return (words.replace("&lt;", "<").replace("&gt;", ">").replace("&#36;", "$")
            .replace("&amp;", "&"))


def _swatch(trace) -> str:
    colour, style = "#888888", "solid"
    mode = getattr(trace, "mode", None) or ""
    line = getattr(trace, "line", None)
    marker = getattr(trace, "marker", None)
    if line is not None and "lines" in mode and isinstance(line.color, str):
        colour, style = line.color, _DASH.get(line.dash or "", "solid")
        return (f'<span class="wb-swatch wb-line" aria-hidden="true" style="border-top-color:'
                f'{esc(colour)};border-top-style:{style}"></span>')
    if trace.type in ("scatter", "scattergl") and "text" in mode and "markers" not in mode:
        font = getattr(trace, "textfont", None)
        colour = font.color if font is not None and isinstance(font.color, str) else colour
    elif marker is not None and isinstance(marker.color, str):
        colour = marker.color
    elif getattr(trace, "fillcolor", None):
        colour = trace.fillcolor
    return (f'<span class="wb-swatch" aria-hidden="true" style="background:{esc(colour)}">'
            "</span>")


def _in_side_legend(trace) -> bool:
    return trace.showlegend is not False and (getattr(trace, "legend", None) or "legend") \
        == "legend" and bool(trace.name)


def figure_key(fig: go.Figure) -> str:
    """The entries of the figure's side legend, grouped under their titles, as HTML."""
    groups: dict[str, list[str]] = {}
    titles: dict[str, str] = {}           # legend group -> its title (on its first trace)
    for trace in fig.data:
        if not _in_side_legend(trace):
            continue
        title = trace.legendgrouptitle.text if trace.legendgrouptitle else None
        if title and trace.legendgroup:
            titles[trace.legendgroup] = _plain(title)
        group = _plain(title) if title else titles.get(trace.legendgroup or "", "")
        groups.setdefault(group, []).append(
            f'<span class="wb-key-item">{_swatch(trace)}{esc(_plain(trace.name))}</span>')
    if not groups:
        return ""
    parts = [f'<span class="wb-key-group">{"<b>" + esc(g) + ":</b> " if g else ""}'
             + " ".join(items) + "</span>" for g, items in groups.items()]
    return '<div class="wb-key"><b>Key</b> · ' + " ".join(parts) + "</div>"


def key_outside(fig: go.Figure) -> str:
    """Hide the figure's side legend (the plot takes its width) and return it as HTML."""
    html = figure_key(fig)
    for trace in fig.data:
        if _in_side_legend(trace):
            trace.showlegend = False
    return html


#: pixels kept clear between a timeline's date axis and the bottom of the window
_FOLD_PAD_PX = 12
#: the least room (pixels from the figure's top to the window's bottom) in which a
#: timeline too tall for it scrolls in a box of its own (the review's, beside the step
#: controls: 677 px at 1366×768); with less, a box too short to read a case in (a phone's
#: figure under the event card, a workshop console's under its controls), the page
#: scrolls instead
SCROLL_ROOM_PX = 480
#: a timeline's date axis below the lanes (its tick labels, its title and the gaps about
#: them), in lines of its text (Chromium draws them 60 px tall at 18 px text)
_AXIS_LINES = 3.4
#: pixels plotly.js gives a legend entry besides its text: its swatch and the gaps
_KEY_SWATCH_PX = 40
#: a date axis whose ticks are days or hours writes the year (the date) under its first
#: tick: its tick labels take two lines, the axis this many more lines of its text (in
#: Chromium 63 px at 13 px text, not 44)
_HEAD_LINES = 1.5
#: plotly.js' automatic ticks on a date axis: one for each 80 px of its length, 5 to 10
#: of them, a day apart or less where twice the span a tick is at most an average month
_TICK_PX, _AVG_MONTH = 80, pd.Timedelta(milliseconds=2_629_800_000)
#: a lane's name in Chromium: its first line this many of its font's pixels tall, each
#: line more (smaller words, plotly.js spacing lines 1.3 of its font apart) this many more
#: (three lines: 48 px at 13 px text, 66 px at 18.2 px)
_FIRST_LINE, _LINE_SPACING = 1.1, 1.3


def fit_timeline(fig: go.Figure, width: int, font_scale: float = 1.0,
                 room: float | None = None) -> int | None:
    """A timeline's episode captions and risk words placed for the width its box has on
    the page (a phone's box scrolls a wider figure sideways) and the size its text has
    been scaled to (``font_scale``). Text scaled up takes more room: the title, the date
    axis and the kinds' key below the lanes grow as much, the kinds' key as much wider.
    The lanes grow as much too, but no further than lets the date axis end ``room``
    pixels below the figure's top (the window's bottom: every lane and the date axis on
    screen with the step controls and the event card beside); where even the lanes as
    built would end below it (a laptop), they are drawn shorter, down to the least that
    keeps their names clear of each other, if that brings the date axis on screen. Lanes
    too many for that (a case whose many agencies all wrote in the review period) are
    drawn that short all the same, and the figure scrolls in a box of its own as tall as
    the room (returned: the pixels of it to show at once; else None), so the step
    controls and the event card stay beside it; a window with less than
    :data:`SCROLL_ROOM_PX` below the figure's top (a phone's, whose figure is below the
    event card) keeps the lanes as built and the page scrolls. See :func:`_fit_height`."""
    width = max(width, FIGURE_MIN_PX)
    place_captions(fig, width, font_scale)
    place_risk_words(fig, width, font_scale)
    if font_scale == 1.0 and not room:
        return None
    view = _fit_height(fig, width, font_scale, room) if fig.layout.height else None
    below = fig.layout.legend2
    if font_scale != 1.0 and below.entrywidth and below.entrywidthmode == "pixels":
        below.entrywidth = round(below.entrywidth * font_scale)
    return view


def _key_rows(fig: go.Figure, layout: dict, data: list[dict], width: int,
              font_scale: float) -> tuple[int, int]:
    """The rows of kinds in a timeline's key as built (:data:`KEY_COLUMNS` a row) and as
    plotly.js writes them in a figure ``width`` wide with its text ``font_scale`` times
    larger (as many entries a row as fit beside each other from the plot's left);
    ``layout`` and ``data`` are the figure's, as plain values."""
    kinds = sum(1 for t in fig.data if t.legend == "legend2" and t.showlegend is not False)
    across = plot_width(layout, data, width, font_scale) + (fig.layout.margin.r or 0)
    columns = min(max(int(across // (KEY_ENTRY_PX * font_scale + _KEY_SWATCH_PX)), 1),
                  KEY_COLUMNS)
    return math.ceil(kinds / KEY_COLUMNS), math.ceil(kinds / columns)


def _day_ticks(layout: dict, data: list[dict], width: int) -> bool:
    """Whether plotly.js will tick the date axis of a figure ``width`` wide by days (or
    hours), writing its tick labels on two lines. The axis is taken as long as it can be
    (the figure less its margins): more ticks, finer, the two lines sooner than later."""
    window = (layout.get("xaxis") or {}).get("range")
    xs = list(window) if window else [
        x for t in data if t.get("xaxis", "x") == "x" and t.get("x") is not None
        for x in t["x"] if isinstance(x, str)]
    when = pd.to_datetime(pd.Series(xs, dtype=object), errors="coerce").dropna()
    if when.empty:
        return False
    span = (when.max() - when.min()) * (1 if window else 1.1)    # an autorange is padded
    margin = layout.get("margin") or {}
    lo, hi = ((layout.get("xaxis") or {}).get("domain") or [0, 1])[:2]
    length = (width - margin.get("l", 80) - margin.get("r", 80)) * (hi - lo)
    ticks = min(max(length / _TICK_PX, 4), 9) + 1
    return 2 * span / ticks <= _AVG_MONTH


def _least_lanes(layout, font: float) -> float:
    """The fewest pixels a timeline's lanes (its y axis' whole domain, the band over them
    included) can take with each lane's name (its lines, ``font`` pixel text) clear of
    its neighbours'."""
    names = [str(t) for _, t in sorted(zip(layout.yaxis.tickvals or (),
                                           layout.yaxis.ticktext or (), strict=False))]
    if not names or not layout.yaxis.range:
        return 0.0
    tall = [font * (_FIRST_LINE + _LINE_SPACING * name.count("<br>")) for name in names]
    unit = max([(a + b) / 2 for a, b in zip(tall, tall[1:], strict=False)] or tall)
    low, high = layout.yaxis.range
    return unit * abs(high - low)


def _fit_height(fig: go.Figure, width: int, font_scale: float,
                room: float | None) -> int | None:
    """Make a timeline's layout fit text ``font_scale`` times larger and the ``room``
    below its top. Each part's place is a share of the plotting height (the lanes'
    domain, the kinds' key's top), so the shares are worked out again from the parts'
    new heights in pixels; the key gets the rows it really takes (a key taller than its
    room pushes the plot up, squeezing the lanes: plotly.js makes room for a legend by
    shrinking the plot). Returns the pixels of the figure to show at once, in a box that
    scrolls, where even the shortest lanes leave the date axis below the window."""
    layout = fig.layout
    view = None
    top, bottom = (layout.margin.t or 0), (layout.margin.b or 0)
    inner = layout.height - top - bottom
    lanes = inner * (1 - (layout.yaxis.domain or (0, 1))[0])
    key_y = layout.legend2.y
    # the date axis (its ticks and title) lies between the lanes and the kinds' key
    axis = (1 - key_y) * inner - lanes if key_y is not None else AXIS_PX
    plain, data = layout.to_plotly_json(), [t.to_plotly_json() for t in fig.data]
    built_rows, rows = _key_rows(fig, plain, data, width, font_scale)
    below = (inner - lanes + KEY_ROW_PX * (rows - built_rows)) * font_scale
    new_top, new_bottom = round(top * font_scale), round(bottom * font_scale)
    new_lanes = lanes * font_scale
    if room:    # the date axis' ticks and title: two lines of the axis' text, and gaps
        font = (layout.template.layout.font.size if layout.template else None) \
            or 13 * font_scale
        lines = _AXIS_LINES + (_HEAD_LINES if _day_ticks(plain, data, width) else 0.0)
        fits = room - new_top - lines * font - _FOLD_PAD_PX
        least = _least_lanes(layout, font)
        if least <= fits < new_lanes:
            new_lanes = fits
        elif fits < least < new_lanes and room >= SCROLL_ROOM_PX:
            new_lanes, view = least, round(room - _FOLD_PAD_PX)
    layout.height = round(new_top + new_lanes + below + new_bottom)
    new_inner = layout.height - new_top - new_bottom
    layout.margin.t, layout.margin.b = new_top, new_bottom
    layout.yaxis.domain = [1 - new_lanes / new_inner, 1]
    if key_y is not None:
        layout.legend2.y = 1 - (new_lanes + axis * font_scale) / new_inner
    return view


#: pixels kept right of the network for its colour bar (bar, ticks and title)
_COLOURBAR_PX = 120
#: clear pixels kept around the network's drawing, and between a node and its name
_PAD_PX, _TEXT_GAP_PX = 6, 4


def _reach(fig: go.Figure) -> list[tuple[float, float, float, float, float, float]]:
    """What each point of the network's drawing covers around it, in pixels: its
    ``(x, y, left, right, down, up)`` (its marker, and its name where it is written)."""
    base = fig.layout.font.size or fig.layout.template.layout.font.size or 12
    out = []
    for trace in fig.data:
        if trace.type != "scatter" or trace.x is None or trace.y is None:
            continue
        mode = trace.mode or ""
        n = len(trace.x)

        def each(value, default, n=n):
            return list(value) if isinstance(value, (list, tuple)) else [value or default] * n

        marker = trace.marker
        sizes = each(marker.size if "markers" in mode else 0, 0)
        line = (marker.line.width or 0) if "markers" in mode else 0
        texts = each(trace.text if "text" in mode else "", "")
        where = each(trace.textposition, "middle center")
        font = (trace.textfont.size if trace.textfont else None) or base
        for x, y, size, text, at in zip(trace.x, trace.y, sizes, texts, where, strict=True):
            if x is None or y is None:
                continue
            half = float(size or 0) / 2 + line
            wide = text_width(_plain(text), font, bold="<b>" in text) if text else 0.0
            tall = 1.25 * font if text else 0.0
            left = right = max(half, wide / 2 if "center" in at else 0.0)
            down = up = max(half, tall / 2 if "middle" in at else 0.0)
            if "right" in at:
                right = half + _TEXT_GAP_PX + wide
            elif "left" in at:
                left = half + _TEXT_GAP_PX + wide
            if at.startswith("top"):
                up = half + _TEXT_GAP_PX + tall
            elif at.startswith("bottom"):
                down = half + _TEXT_GAP_PX + tall
            out.append((float(x), float(y), left, right, down, up))
    return out


def _extent(reach, scale: float) -> tuple[float, float, float, float]:
    """The data ranges (x from, x to, y from, y to) the drawing needs at ``scale``
    pixels per unit, its pixel reaches included and :data:`_PAD_PX` around."""
    pad = _PAD_PX / scale
    return (min(x - left / scale for x, _, left, *_ in reach) - pad,
            max(x + right / scale for x, _, _, right, *_ in reach) + pad,
            min(y - down / scale for _, y, _, _, down, _ in reach) - pad,
            max(y + up / scale for _, y, *_, up in reach) + pad)


def fit_network(fig: go.Figure, width: int, font_scale: float = 1.0,
                room: float | None = None) -> None:
    """The network drawn to the width its box has: the axes' ranges are the drawing's
    own extent (its nodes, rings and names, at the size its text is written), as large as
    fits the width beside its colour bar and a height of about half the width at most
    (so the lowest agencies are above a laptop's fold); the drawing at the top left and
    the colour bar right beside it, not at the far edge. The names are measured at the
    size the figure writes them (already scaled); the colour bar's room grows by
    ``font_scale`` with its ticks and title. ``room`` (the pixels below the figure's
    top in the window) is not used: the height is bounded by the width."""
    width = max(width, FIGURE_MIN_PX)          # a phone's box scrolls a wider figure sideways
    layout = fig.layout
    reach = _reach(fig)
    if not reach or not layout.xaxis.range or not layout.yaxis.range:
        return
    m = layout.margin
    left, right, top, bottom = (m.l or 0), (m.r or 0), (m.t or 0), (m.b or 0)
    paper_w = max(width - left - right, 1)
    paper_h = max(max(420, 0.46 * width) - top - bottom, 1)

    bar_px = _COLOURBAR_PX * font_scale

    def fits(scale: float) -> bool:
        x0, x1, y0, y1 = _extent(reach, scale)
        return scale * (x1 - x0) + bar_px <= paper_w and scale * (y1 - y0) <= paper_h

    low, high = 1.0, 4000.0             # pixels per unit: bisected to the largest that fits
    for _ in range(40):
        mid = (low + high) / 2
        low, high = (mid, high) if fits(mid) else (low, mid)
    x0, x1, y0, y1 = _extent(reach, low)
    x_end = min(low * (x1 - x0) / paper_w, 1.0)
    fig.update_layout(height=round(top + bottom + low * (y1 - y0)),
                      xaxis={"domain": [0, x_end], "range": [x0, x1]},
                      yaxis={"domain": [0, 1], "range": [y0, y1]})
    for trace in fig.data:
        bar = getattr(getattr(trace, "marker", None), "colorbar", None)
        if bar is not None and getattr(trace.marker, "showscale", False):
            bar.update(x=min(x_end + 0.01, 1.0), xanchor="left", y=0, yanchor="bottom")
