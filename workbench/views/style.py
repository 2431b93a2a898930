"""What the two pictures share: palette, safe text, drawing primitives, file output.

Colours come from colour-blind-safe palettes: Okabe–Ito (sectors, hand-off status,
risk gradings) and Paul Tol's *muted* scheme (event kinds, one colour per family of
kinds, told apart within a family by marker shape). Every piece of user text passes
through :func:`escape_text` (or :func:`escape_series`) before it reaches plotly,
which would otherwise render ``<b>``, ``<a href>`` and typeset ``$...$`` as maths.

:func:`write_figure` writes a figure by the suffix of the path: ``.html``
(self-contained, plotly.js inlined, works offline), ``.png``, ``.svg`` or ``.pdf``
(kaleido with the system Chromium).

Examples
--------
>>> escape_text('<a href="javascript:alert(1)">costs $5</a>')
'&lt;a href="javascript:alert(1)"&gt;costs &#36;5&lt;/a&gt;'
>>> markdown_table(["Lane", "Events"], [["Police", 3], ["School", 1]])
'| Lane | Events |\\n|---|---|\\n| Police | 3 |\\n| School | 1 |'
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.errors import MissingToolError

__all__ = [
    "GRADE_COLOURS", "GRADE_LABELS", "KIND_STYLES", "OKABE_ITO", "SECTOR_COLOURS",
    "SECTOR_LABELS", "STATUS_STYLES", "TOL_MUTED", "base_template", "escape_series", "escape_text",
    "figure_config", "local_iso", "markdown_table", "uk_stamp", "write_figure",
]

#: Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
    "grey": "#999999",
}
#: Paul Tol's muted qualitative scheme (colour-blind safe), with its pale grey.
TOL_MUTED = {
    "indigo": "#332288", "cyan": "#88CCEE", "teal": "#44AA99", "green": "#117733",
    "olive": "#999933", "sand": "#DDCC77", "rose": "#CC6677", "wine": "#882255",
    "purple": "#AA4499", "grey": "#BBBBBB",
}
#: Sector → colour (nodes of the network, lane bullets of the timeline).
SECTOR_COLOURS = {
    "police": OKABE_ITO["blue"], "social-care": OKABE_ITO["purple"],
    "education": OKABE_ITO["orange"], "health": OKABE_ITO["green"],
    "third-sector": OKABE_ITO["sky"], "family": OKABE_ITO["yellow"],
    "other": OKABE_ITO["grey"],
}
#: Sector → plain words.
SECTOR_LABELS = {
    "police": "police", "social-care": "social care", "education": "education",
    "health": "health", "third-sector": "charity / third sector", "family": "family",
    "other": "other",
}
#: Kind → (colour, marker symbol). Colour is the family, the symbol tells kinds apart.
KIND_STYLES: Mapping[str, tuple[str, str]] = {
    "missing_report": (TOL_MUTED["indigo"], "triangle-down"),
    "absence_report": (TOL_MUTED["indigo"], "triangle-left"),
    "found": (TOL_MUTED["indigo"], "triangle-up"),
    "return_interview_offered": (TOL_MUTED["teal"], "circle"),
    "return_interview_completed": (TOL_MUTED["teal"], "circle-dot"),
    "return_interview_declined": (TOL_MUTED["teal"], "circle-x"),
    "referral": (TOL_MUTED["green"], "arrow-right"),
    "notification": (TOL_MUTED["green"], "arrow-bar-right"),
    "information_shared": (TOL_MUTED["green"], "diamond"),
    "strategy_meeting": (TOL_MUTED["purple"], "square"),
    "multi_agency_meeting": (TOL_MUTED["purple"], "hexagon"),
    "risk_assessment": (TOL_MUTED["wine"], "pentagon"),
    "assessment": (TOL_MUTED["wine"], "hexagram"),
    "safety_plan": (TOL_MUTED["wine"], "cross"),
    "disclosure": (TOL_MUTED["rose"], "star"),
    "counselling_session": (TOL_MUTED["rose"], "star-diamond"),
    "exclusion": (TOL_MUTED["olive"], "bowtie"),
    "placement_move": (TOL_MUTED["olive"], "star-triangle-up"),
    "case_opened": (TOL_MUTED["cyan"], "diamond-tall"),
    "case_closed": (TOL_MUTED["cyan"], "diamond-wide"),
    "contact": ("#8C8C8C", "circle"),
}
#: Hand-off status → (colour, line dash, legend words).
STATUS_STYLES: Mapping[str, tuple[str, str, str]] = {
    "answered": (OKABE_ITO["blue"], "solid", "Hand-off answered in time"),
    "late": (OKABE_ITO["orange"], "dash", "Hand-off answered late"),
    "unanswered": (OKABE_ITO["vermillion"], "dot", "Hand-off never answered (○ = deadline)"),
    "open": (OKABE_ITO["grey"], "longdashdot", "Hand-off not yet due when the record ends"),
}
#: Risk grading → colour and words. The gradings are written as words on the timeline:
#: darker shades of the Okabe–Ito grey, sky blue, orange and vermillion, so that each
#: reads at 4.5:1 or more on the white plot (WCAG AA for text).
GRADE_COLOURS = {"absent": "#666666", "low": "#1F6F99", "medium": "#8F5500", "high": "#A33B00"}
GRADE_LABELS = {"absent": "no apparent risk", "low": "low", "medium": "medium", "high": "high"}
FUTURE_GREY = "#C8C8C8"


def base_template() -> dict:
    """The figures' own look (white, light grid, Okabe–Ito colourway), as a plain dict.

    Set on every figure so that nothing depends on plotly's global default template.
    """
    axis = {"gridcolor": "#eeeeee", "linecolor": "#444444", "zeroline": False,
            "ticks": "outside", "tickcolor": "#888888", "title": {"standoff": 8},
            "automargin": True}
    return {"layout": {
        "font": {"family": "Arial, Helvetica, sans-serif", "size": 13, "color": "#222222"},
        "paper_bgcolor": "white", "plot_bgcolor": "white",
        "colorway": [OKABE_ITO[c] for c in ("blue", "orange", "green", "vermillion", "purple",
                                            "sky", "yellow", "black")],
        "hoverlabel": {"align": "left", "bgcolor": "white", "font": {"size": 12}},
        "xaxis": axis, "yaxis": axis, "title": {"font": {"size": 18}},
    }}


#: mode-bar buttons no figure shows: the plotting library's cloud upload ("Share chart"),
#: and the selection tools and hover toggles nobody in a review needs (each one more
#: Tab stop before the controls)
REMOVED_BUTTONS = ("sendDataToCloud", "select2d", "lasso2d", "toggleSpikelines",
                   "hoverClosestCartesian", "hoverCompareCartesian")


def figure_config(*, responsive: bool = True, filename: str = "workbench-figure",
                  mode_bar: bool | str = "hover") -> dict:
    """plotly.js display options for every figure the workbench draws (dashboards, HTML
    files, the report): nothing in the figure reaches an outside service.

    No "Share chart" button (plotly.js shows one by default and uploads the figure, event
    texts included, to the library's cloud), no logo linking to its web site, no maths
    typesetting (which would fetch MathJax); download as an image is kept.

    >>> config = figure_config()
    >>> config["displaylogo"], config["showSendToCloud"], "toImage" in config["modeBarButtonsToRemove"]
    (False, False, False)
    """
    return {"displaylogo": False, "showSendToCloud": False, "plotlyServerURL": "",
            "modeBarButtonsToRemove": list(REMOVED_BUTTONS), "displayModeBar": mode_bar,
            "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
            "typesetMath": False, "responsive": responsive}


def open_symbol(symbol: str) -> str:
    """The hollow variant of a plotly marker symbol (``circle-dot`` → ``circle-open-dot``)."""
    if symbol.endswith("-dot"):
        return symbol[:-4] + "-open-dot"
    return symbol + "-open"


# -- safe text ----------------------------------------------------------------------------

_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("$", "&#36;"))
_SPECIAL = re.compile(r"[&<>$\r\n]")


def escape_text(text: object, *, limit: int | None = None, wrap: int | None = None) -> str:
    """User text made inert for plotly: no tags, no links, no MathJax; newlines kept.

    ``limit`` shortens it (with an ellipsis); ``wrap`` breaks lines at spaces.
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    out = str(text)
    if limit is not None and len(out) > limit:
        out = out[: limit - 1] + "…"
    if _SPECIAL.search(out):
        for raw, safe in _ESCAPES:
            out = out.replace(raw, safe)
        out = out.replace("\r\n", "\n")
    if wrap is not None and len(out) > wrap:
        out = _wrap_at(wrap).sub("\\1\n", out).rstrip("\n")
    return out.replace("\n", "<br>") if "\n" in out else out


def escape_series(values: pd.Series, *, limit: int | None = None,
                  wrap: int | None = None) -> pd.Series:
    """:func:`escape_text` over a column (an ``object`` column of the same index)."""
    return pd.Series([escape_text(v, limit=limit, wrap=wrap)
                      for v in values.to_numpy(dtype=object)], index=values.index, dtype=object)


@cache
def _wrap_at(n: int) -> re.Pattern[str]:
    """Lines of at most ``n`` characters, broken at spaces."""
    return re.compile(rf"([^\n]{{1,{n}}})(?:[ \t]+|$)")


def local_iso(times: pd.Series) -> np.ndarray:
    """UTC instants as Europe/London wall-clock ISO strings to the minute (NaT → None).

    Plotly date axes take strings; ``datetime64[ns]`` would reach a ``FigureWidget``
    as integers.

    >>> local_iso(pd.Series(pd.to_datetime(["2025-07-01 12:00", None], utc=True))).tolist()
    ['2025-07-01T13:00', None]
    """
    local = pd.to_datetime(times, utc=True).dt.tz_convert("Europe/London").dt.tz_localize(None)
    values = local.to_numpy(dtype="datetime64[m]")
    out = np.datetime_as_string(values, unit="m").astype(object)
    out[np.isnat(values)] = None
    return out


def uk_stamp(times: pd.Series, *, time: bool = True) -> pd.Series:
    """UTC instants as UK local ``dd/mm/yyyy hh:mm`` (or ``dd/mm/yyyy``); NaT → ``""``.

    >>> uk_stamp(pd.Series(pd.to_datetime(["2025-07-01 12:00", None], utc=True))).tolist()
    ['01/07/2025 13:00', '']
    """
    iso = pd.Series(local_iso(times), index=times.index, dtype="str").fillna("")
    out = iso.str.slice(8, 10) + "/" + iso.str.slice(5, 7) + "/" + iso.str.slice(0, 4)
    if time:
        out = out + " " + iso.str.slice(11, 16)
    return out.where(iso.ne(""), "")


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A small markdown table (cells with ``|`` or newlines are made safe)."""
    def cell(value: object) -> str:
        return str(value).replace("|", "/").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |",
             "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


# -- drawing primitives -------------------------------------------------------------------

def segments(x0: Sequence, y0: Sequence, x1: Sequence, y1: Sequence) -> tuple[list, list]:
    """Coordinates of many line segments as one trace: ``[a, b, None, a, b, None, …]``."""
    n = len(x0)
    xs = np.empty(3 * n, dtype=object)
    ys = np.empty(3 * n, dtype=object)
    xs[0::3], xs[1::3], xs[2::3] = x0, x1, None
    ys[0::3], ys[1::3], ys[2::3] = y0, y1, None
    return list(xs), list(ys)


def per_point(values_a: Sequence[object] | np.ndarray, values_b: Sequence[object] | np.ndarray,
              blank: object = "") -> list:
    """A per-point array for a :func:`segments` trace: start value, end value, blank."""
    n = len(values_a)
    out = np.empty(3 * n, dtype=object)
    out[0::3], out[1::3], out[2::3] = values_a, values_b, blank
    return list(out)


def rectangles(x0: Sequence, x1: Sequence, y0: float, y1: float) -> tuple[list, list]:
    """Closed rectangles ``x0..x1`` × ``y0..y1`` as one ``fill="toself"`` trace."""
    n = len(x0)
    xs = np.empty(6 * n, dtype=object)
    ys = np.empty(6 * n, dtype=object)
    xs[0::6], xs[1::6], xs[2::6], xs[3::6], xs[4::6], xs[5::6] = x0, x1, x1, x0, x0, None
    ys[0::6], ys[1::6], ys[2::6], ys[3::6], ys[4::6], ys[5::6] = y0, y0, y1, y1, y0, None
    return list(xs), list(ys)


# -- files --------------------------------------------------------------------------------

_STATIC = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def write_figure(fig, path: str | Path, *, scale: float = 2.0,
                 browser: str | Path | None = None) -> Path:
    """Write ``fig`` to ``path`` by its suffix and return the path.

    ``.html`` is self-contained (plotly.js inlined, no network needed to open it);
    ``.png``, ``.svg`` and ``.pdf`` are drawn by kaleido in Chromium (``browser``:
    its path; by default ``BROWSER_PATH`` or ``chromium`` on the ``PATH``).
    Raises :class:`~workbench.errors.MissingToolError` saying what to install when
    kaleido or Chromium is missing, and ``ValueError`` for another suffix.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        fig.write_html(path, include_plotlyjs=True, full_html=True, include_mathjax=False,
                       config=figure_config(filename=path.stem))
        return path
    if suffix not in _STATIC:
        raise ValueError(f"{path}: cannot write a figure as {suffix or 'a file without suffix'!r}"
                         " (allowed: .html, .png, .svg, .pdf)")
    path.write_bytes(_image_bytes(fig, _STATIC[suffix], scale=scale, browser=browser))
    return path


def _image_bytes(fig, fmt: str, *, scale: float, browser: str | Path | None) -> bytes:
    try:
        import kaleido
        from kaleido.errors import ChromeNotFoundError
    except ImportError as e:
        raise MissingToolError(
            f"writing .{fmt} images needs kaleido, in the workbench's images extra: "
            "pip install 'case-review-workbench[images]' (and Chromium or Chrome: "
            "apt-get install chromium on Debian/Ubuntu); or write .html") from e
    if browser is not None and not Path(browser).is_file():
        raise MissingToolError(f"no browser at {browser}: install Chromium "
                               "(apt-get install chromium) or pass its path")
    if browser is None and not _browser_on_path():
        raise MissingToolError(
            f"writing .{fmt} images needs Chromium, which was not found: apt-get install "
            "chromium (Debian/Ubuntu), or set BROWSER_PATH to a Chrome/Chromium binary")
    layout = fig.layout
    opts = {"format": fmt, "width": layout.width or 1200, "height": layout.height or 700,
            "scale": scale}
    kopts: dict[str, object] = {"mathjax": False}  # never fetch MathJax from a CDN
    if browser is not None:
        kopts["path"] = str(browser)
    try:
        return kaleido.calc_fig_sync(fig.to_dict(), opts=opts, kopts=kopts)
    except ChromeNotFoundError as e:
        raise MissingToolError(
            "Chromium could not be started for kaleido: apt-get install chromium "
            f"(Debian/Ubuntu), or set BROWSER_PATH ({e})") from e


def _browser_on_path() -> bool:
    """Whether kaleido will find a browser (``BROWSER_PATH``, the ``PATH``, typical places)."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        return Path(explicit).is_file()
    try:
        from choreographer.browsers.chromium import Chromium

        return Chromium.find_browser(skip_local=False) is not None
    except (ImportError, AttributeError, TypeError):  # another choreographer: ask the PATH
        from shutil import which

        return any(which(n) for n in ("chromium", "chromium-browser", "google-chrome"))
