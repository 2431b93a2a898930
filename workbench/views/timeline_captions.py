"""The missing-episode captions above the timeline: in rows, never on each other.

Each episode has a marker (a small triangle over its middle, all on one line) and, above
it, its caption ("Missing 38 h · low") in one of two rows, one text line apart. The captions are placed in
pixels: how wide each is at its font size, how many pixels of plot the time axis gets at
the width the figure is drawn. A caption goes in the first row where it keeps clear of
the caption before it; one that would touch its neighbours in every row is left out (its
marker's hover says it all). :func:`place_captions` does it on a built figure, so a
dashboard places them again for the width its page really has.

>>> caption_rows([0, 10, 20, 300], [40, 40, 40, 40])
[0, 1, -1, 0]
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbench.views.figure_text import text_width

__all__ = ["CAPTION_FONT_PX", "LABEL_TRACE", "RISK_FONT_PX", "RISK_WORDS", "caption_rows",
           "caption_width", "place_captions", "place_risk_words", "plot_width"]

#: the name of the trace that writes the captions (its ``meta`` keeps them all)
LABEL_TRACE = "Missing episode label"
CAPTION_FONT_PX = 10
#: the name of the traces that write the risk gradings as words ("medium") above records
RISK_WORDS = "Risk grading, written above the record (none / low / medium / high)"
#: the risk words' font size (they are bold)
RISK_FONT_PX = 11
#: an upper bound of a character's width in Arial, as a share of the font size (capitals
#: and digits are about 0.56-0.72 em, most small letters 0.5 or less)
_EM_PER_CHAR = 0.58
#: clear space kept between two captions on one row (pixels)
_GAP_PX = 8
#: pixels a text centred over a point keeps clear of the axis' ends (else it is written
#: on one side of the point)
_EDGE_PX = 2
#: what raises a caption one row: an empty line under it
_LINE_UP = "<br> "


def caption_width(text: str, font_px: float = CAPTION_FONT_PX) -> float:
    """Pixels a caption takes at most (every character counted as a wide one)."""
    return len(text) * font_px * _EM_PER_CHAR


def caption_rows(centres: Sequence[float], widths: Sequence[float], *, rows: int = 2,
                 gap: float = _GAP_PX) -> list[int]:
    """The row of each caption (centre and width in pixels): the lowest where it keeps
    ``gap`` clear of the caption before it; -1 for one that fits in no row."""
    right = [-np.inf] * rows
    out = [-1] * len(centres)
    for i in np.argsort(np.asarray(centres, dtype=float), kind="stable"):
        left = centres[i] - widths[i] / 2
        for r in range(rows):
            if left >= right[r] + gap:
                out[i], right[r] = r, centres[i] + widths[i] / 2
                break
    return out


def _plain_lines(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", line) for line in re.split(r"<br\s*/?>", html or "")]


def plot_width(layout: dict, data: Sequence[dict], width: float,
               font_scale: float = 1.0) -> float:
    """Pixels the time axis gets in a figure ``width`` wide, at least: less the margins,
    the lane names on the left (13 px Arial, bold at most, times ``font_scale``) and a
    legend at the side."""
    margin = layout.get("margin") or {}
    lanes = max((len(line) for text in (layout.get("yaxis") or {}).get("ticktext") or ()
                 for line in _plain_lines(text)), default=0)
    used = margin.get("l", 80) + margin.get("r", 80) + lanes * 13 * font_scale * 0.62 + 12
    side = [t for t in data
            if t.get("showlegend") is not False and t.get("legend") in (None, "legend")]
    legend = [t.get("name") or "" for t in side]
    legend += [(t.get("legendgrouptitle") or {}).get("text", "") for t in side]
    if any(legend):
        used += max(len(s) for s in legend) * 11 * font_scale * 0.62 + 50
    lo, hi = ((layout.get("xaxis") or {}).get("domain") or [0, 1])[:2]
    return max(width - used, 100.0) * (hi - lo)


def _time_range(layout: dict, data: Sequence[dict]) -> tuple[float, float] | None:
    """The time axis' range in ns: as set, else the extent of every dated x."""
    window = (layout.get("xaxis") or {}).get("range")
    if window:
        t = pd.to_datetime(list(window)).asi8
        return float(t[0]), float(t[1])
    xs = [x for trace in data if trace.get("xaxis", "x") == "x" and trace.get("x") is not None
          for x in trace["x"] if isinstance(x, str)]
    if not xs:
        return None
    t = pd.to_datetime(pd.Series(xs), errors="coerce").dropna().astype("int64")
    if t.empty:
        return None
    pad = max((t.max() - t.min()) * 0.05, 1.0)      # plotly pads an autorange a little
    return float(t.min() - pad), float(t.max() + pad)


def _time_pixels(fig, width: float, font_scale: float) -> tuple[float, float, float] | None:
    """Where the time axis starts (ns), its pixels per ns and its length in pixels (at
    least) in ``fig`` drawn ``width`` pixels wide; None without a time axis."""
    layout = fig.layout.to_plotly_json()
    data = [t.to_plotly_json() for t in fig.data]
    span = _time_range(layout, data)
    if span is None:
        return None
    length = plot_width(layout, data, width, font_scale)
    return span[0], length / max(span[1] - span[0], 1.0), length


def _times(xs) -> np.ndarray:
    return pd.to_datetime(pd.Series(list(xs))).astype("int64").to_numpy(dtype=float)


def place_captions(fig, width: float, font_scale: float = 1.0) -> None:
    """Put each episode caption of ``fig`` (a ``go.Figure`` or ``FigureWidget``) in its row
    for a figure drawn ``width`` pixels wide (its text ``font_scale`` times the size it was
    built with); nothing to do when it writes none.

    A caption in the second row ends with an empty line: written above its marker like
    the others, it stands one line higher whatever the axis' scale.
    """
    found = [t for t in fig.data if t.name == LABEL_TRACE]
    meta = (found[0].meta or {}) if found else {}
    captions = list(meta.get("captions", ()))
    axis = _time_pixels(fig, width, font_scale) if captions else None
    if axis is None:
        return
    trace = found[0]
    start, px, length = axis
    where = ((_times(trace.x) - start) * px).tolist()
    widths = [caption_width(c, CAPTION_FONT_PX * font_scale) for c in captions]
    sides = [_side(x, width, length) for x, width in zip(where, widths, strict=True)]
    # where each caption's box is centred once it is written on its side of the marker
    centres = [x + {"right": w / 2, "left": -w / 2}.get(side, 0.0)
               for x, w, side in zip(where, widths, sides, strict=True)]
    rows = caption_rows(centres, widths)
    # a marker off the axis (or an axis too short for its caption) has no room over it
    shown = [0 <= x <= length and w <= length for x, w in zip(where, widths, strict=True)]
    trace.text = [c + _LINE_UP * r if r >= 0 and ok else ""
                  for c, r, ok in zip(captions, rows, shown, strict=True)]
    trace.textposition = [f"top {side}" for side in sides]


def _side(x: float, width: float, length: float) -> str:
    """How a text ``width`` pixels wide is written over a point ``x`` pixels along an axis
    ``length`` long so that it stays over the axis: centred ("center") where it can be,
    starting at the point ("right") near the left end, ending at it ("left") near the right
    end."""
    half = width / 2
    if x - half < _EDGE_PX:
        return "right"
    if x + half > length - _EDGE_PX:
        return "left"
    return "center"


def place_risk_words(fig, width: float, font_scale: float = 1.0) -> None:
    """Keep each risk word of ``fig`` inside the plotting area: written centred over its
    record, but starting at it where the record is too near the axis' left end to centre
    the word (it would be cut by the edge, or run into the lane names), and ending at it
    near the right end. ``width`` and ``font_scale`` as for :func:`place_captions`."""
    traces = [t for t in fig.data if t.name == RISK_WORDS and t.mode == "text" and t.text
              and t.x is not None and len(t.x)]
    axis = _time_pixels(fig, width, font_scale) if traces else None
    if axis is None:
        return
    start, px, length = axis
    for trace in traces:
        width = text_width(str(trace.text), RISK_FONT_PX * font_scale, bold=True)
        where = (_times(trace.x) - start) * px
        trace.textposition = [f"middle {_side(x, width, length)}" for x in where]
