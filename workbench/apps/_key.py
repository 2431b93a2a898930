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

import re

import plotly.graph_objects as go

from workbench.apps._html import FIGURE_MIN_PX, esc
from workbench.views.timeline_captions import place_captions

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


def fit_timeline(fig: go.Figure, width: int) -> None:
    """A timeline's episode captions placed for the width its box has on the page (a
    phone's box scrolls a wider figure sideways)."""
    place_captions(fig, max(width, FIGURE_MIN_PX))


#: pixels kept right of the network for its colour bar (bar, ticks and title)
_COLOURBAR_PX = 120


def fit_network(fig: go.Figure, width: int) -> None:
    """The network drawn to the width its box has: the figure as tall as the drawing
    needs (so the axes' ranges are not widened into empty bands, and the lowest
    agencies are above a laptop's fold), the drawing at the top left and the colour bar
    beside it. A wide screen keeps the height to about half the width; the drawing then
    takes the left of the figure with the colour bar next to it, not at the far edge."""
    width = max(width, FIGURE_MIN_PX)          # a phone's box scrolls a wider figure sideways
    layout = fig.layout
    xr, yr = layout.xaxis.range, layout.yaxis.range
    if not xr or not yr:
        return
    xspan, yspan = xr[1] - xr[0], yr[1] - yr[0]
    m = layout.margin
    left, right, top, bottom = (m.l or 0), (m.r or 0), (m.t or 0), (m.b or 0)
    paper_w = max(width - left - right, 1)
    scale = max(paper_w - _COLOURBAR_PX, 1) / xspan          # pixels per unit, at most
    height = round(min(top + bottom + scale * yspan, max(420, 0.46 * width)))
    paper_h = max(height - top - bottom, 1)
    scale = min(scale, paper_h / yspan)
    x_end = min(scale * xspan / paper_w, 1.0)
    y_start = max(1.0 - scale * yspan / paper_h, 0.0)
    fig.update_layout(height=height, xaxis_domain=[0, x_end], yaxis_domain=[y_start, 1])
    for trace in fig.data:
        bar = getattr(getattr(trace, "marker", None), "colorbar", None)
        if bar is not None and getattr(trace.marker, "showscale", False):
            bar.update(x=min(x_end + 0.01, 1.0), xanchor="left", y=y_start, yanchor="bottom")
