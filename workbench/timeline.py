"""The swimlane timeline: one lane per agency, and one for the child's own words.

:func:`timeline_figure` compiles an analysed case to a plotly figure and nothing
else. Lanes are grouped by sector (police, social care, education, health, third
sector, family, other) under a top lane holding what the child said (disclosures,
and their account in return interviews); agencies with no record in the review period
and no hand-off (two or more: background kept from years before) share one lane at the
bottom, "Other agencies (n)" (:mod:`workbench.views.timeline_lanes`). Events are marked by kind (shape and
colour, legend in plain words); an event known only to a day, a month or a range is
drawn as a bar over that interval with a hollow mark, never as a point; undated rows
sit in a band left of the time axis in their recorded order. Missing episodes are
shaded across all lanes; risk gradings and recorded concerns are written in the
lanes of the agencies that made them; hand-offs are arrows from sender to receiver
(answered, late, unanswered: three line styles); flagged events are ringed.

``at=T`` draws a cursor and greys out everything after T; ``viewer="Police"`` shows
only what that agency knew at T (:func:`workbench.analysis.knowledge.known_events`).
:func:`describe_timeline` is the same picture as words and a table.

Examples
--------
>>> import pandas as pd
>>> from workbench.analysis.analyse import analyse
>>> ev = pd.DataFrame({
...     "id": ["p1", "p2", "s1"], "seq": [1, 2, 3],
...     "agency": ["Police", "Police", "School"], "sector": ["police", "police", "education"],
...     "kind": ["missing_report", "found", "disclosure"], "when": ["5/2/25 22:00", "6/2/25", ""],
...     "start": pd.to_datetime(["2025-02-05 22:00", "2025-02-06 00:00", None], utc=True),
...     "end": pd.to_datetime(["2025-02-05 22:01", "2025-02-07 00:00", None], utc=True),
...     "precision": ["minute", "day", "undated"], "approximate": False,
...     "summary": ["Reported missing", "Found", "Said she was scared"], "details": "",
...     "action": "", "outcome": "", "recipients": "", "attendees": "", "refers_to": "",
...     "risk_grade": ["medium", "", ""], "source": ["p.csv:2", "p.csv:3", "s.csv:2"]})
>>> fig = timeline_figure(analyse(ev), flags=pd.DataFrame())
>>> list(fig.layout.yaxis.ticktext)[0].startswith("<b>Child's own words")
True
>>> print(describe_timeline(analyse(ev), flags=pd.DataFrame()).splitlines()[0])
Timeline of case: 3 events from 5 Feb 2025 to 6 Feb 2025, in 3 lanes (1 undated, 1 known only to a day or a range).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import fields

import pandas as pd
import plotly.graph_objects as go

from workbench.analysis.analyse import Analysis
from workbench.views.style import GRADE_COLOURS, SECTOR_LABELS, base_template, escape_text, markdown_table
from workbench.views.timeline_captions import place_captions, place_risk_words
from workbench.views.timeline_lanes import lane_labels
from workbench.views.timeline_spec import (
    CHILD_LANE,
    LABEL_LIMIT,
    WEBGL_THRESHOLD,
    _day,
    _prepare,
    _Prepared,
    _stamp,
)
from workbench.views.timeline_traces import (
    _at_traces,
    _episode_traces,
    _event_traces,
    _flag_traces,
    _focus,
    _handoff_traces,
    _kind,
    _label_traces,
    _outside_notes,
    _outside_traces,
    _plain,
    _subtitle,
)

__all__ = ["AXIS_PX", "CHILD_LANE", "KEY_COLUMNS", "KEY_ENTRY_PX", "KEY_ROW_PX",
           "WEBGL_THRESHOLD", "TimelineSpec", "describe_timeline", "timeline_figure",
           "timeline_spec"]


class TimelineSpec(_Prepared):
    """What one timeline shows, as tables (pure data: no figure is made until asked).

    ``lanes`` (lane, sector, y), ``events`` (the visible events with their lane, place
    and x positions, and whether each lies after the cursor), ``episodes``, ``handoffs``,
    ``flags`` (one row per flag and visible event), ``at``, ``viewer`` and ``hidden``
    (events the viewer did not know), ``window`` (the span the view opens on, UTC; None
    for the whole record) and ``folded`` (``agency``, ``sector``: the agencies with no
    record in the case's review window and no hand-off, two or more, drawn in one last
    lane "Other agencies (n)"; their records keep their ``agency``).
    :meth:`figure` draws it; :meth:`describe` says it.
    """

    def figure(self, *, width: int | None = None, height: int | None = None) -> go.Figure:
        """The plotly figure of this timeline (what :func:`timeline_figure` returns)."""
        return _draw(self, width=width, height=height)

    def describe(self) -> str:
        """The timeline as words and a table (what :func:`describe_timeline` returns)."""
        return _describe(self)


def timeline_spec(analysis: Analysis, *, flags: pd.DataFrame | Iterable | None = None,
                  pattern: str | None = None, at: pd.Timestamp | str | None = None,
                  viewer: str | None = None) -> TimelineSpec:
    """The tables a timeline of one analysed case shows, for a figure, words or a test.

    Takes what :func:`timeline_figure` takes (but no size); computes nothing the
    analysis does not hold (flags default to ``analysis.flags``).

    >>> from workbench.analysis.analyse import analyse
    >>> from workbench.examples import tiny_case
    >>> spec = timeline_spec(analyse(tiny_case()), at="2025-03-04 12:00")
    >>> spec.lanes["lane"].tolist()
    ["Child's own words", 'Police', "Children's Social Care", 'School']
    >>> len(spec.events), int(spec.events["future"].sum())
    (6, 3)
    >>> spec.describe().splitlines()[1]
    'As known at 4 Mar 2025 12:00: 3 later events are greyed out.'
    >>> spec.figure().layout.title.text
    'Timeline of Child A: a tiny example'
    """
    p = _prepare(analysis, flags=flags, pattern=pattern, at=at, viewer=viewer)
    return TimelineSpec(**{f.name: getattr(p, f.name) for f in fields(p)})


def timeline_figure(analysis: Analysis, *, flags: pd.DataFrame | Iterable | None = None,
                    pattern: str | None = None, at: pd.Timestamp | str | None = None,
                    viewer: str | None = None,
                    width: int | None = None, height: int | None = None) -> go.Figure:
    """The swimlane timeline of one analysed case as a plotly figure.

    Parameters
    ----------
    analysis : the case's :class:`~workbench.analysis.analyse.Analysis`
        (``workbench.analyse(case)``); the figure draws it and computes nothing.
    flags : a flag table (:func:`workbench.analysis.rules.flag_table`) or a list of
        :class:`~workbench.analysis.rules.Flag`; ``None`` takes ``analysis.flags``.
    pattern : ring only flags of this pattern.
    at : show the case as known at this moment (naive times are UK local time).
    viewer : with ``at`` (default: the end of the record), only what this agency knew.
    width, height : pixels (height defaults to fit the lanes and the legend).
    """
    return timeline_spec(analysis, flags=flags, pattern=pattern, at=at,
                         viewer=viewer).figure(width=width, height=height)


def describe_timeline(analysis: Analysis, *, flags: pd.DataFrame | Iterable | None = None,
                      pattern: str | None = None, at: pd.Timestamp | str | None = None,
                      viewer: str | None = None) -> str:
    """The timeline as words and a table, for reports and screen readers."""
    return timeline_spec(analysis, flags=flags, pattern=pattern, at=at, viewer=viewer).describe()


def _describe(p: _Prepared) -> str:
    ev = p.events
    dated = ev.loc[ev["place"] != "undated", "start"]
    span = (f" from {_day(dated.min())} to {_day(dated.max())}" if len(dated) else "")
    lines = [f"{p.title}: {len(ev)} events{span}, in {len(p.lanes)} lanes "
             f"({(ev['place'] == 'undated').sum()} undated, "
             f"{(ev['place'] == 'range').sum()} known only to a day or a range)."]
    if p.viewer:
        lines.append(f"Only what {p.viewer} knew by {_stamp(p.at)} is shown "
                     f"({p.hidden} other events hidden).")
    elif p.at is not None:
        lines.append(f"As known at {_stamp(p.at)}: {int(ev['future'].sum())} later events "
                     "are greyed out.")
    ep = p.episodes
    lines.append(f"{len(ep)} missing episode(s)"
                 + (": " + "; ".join(ep["caption_plain"]) if len(ep) else "") + ".")
    counts = p.handoffs["status"].value_counts()
    lines.append(f"{len(p.handoffs)} hand-off(s): " + ", ".join(
        f"{int(counts.get(s, 0))} {w}" for s, w in
        (("answered", "answered in time"), ("late", "answered late"),
         ("unanswered", "never answered"), ("open", "not yet due"))) + ".")
    titles = p.flags.drop_duplicates("flag")["title"] if len(p.flags) else pd.Series(dtype=str)
    lines.append(f"{len(titles)} flag(s)" + (": " + "; ".join(titles.value_counts().index)
                                              if len(titles) else "") + ".")
    if len(p.folded):
        lines.append(f"{len(p.folded)} agencies with no record in the review period and no "
                     f"hand-off share the lane {p.lanes['lane'].iat[-1]}: "
                     + ", ".join(p.folded["agency"]) + ".")
    sent = p.handoffs["sender"].value_counts()
    received = p.handoffs["recipient"].value_counts()
    grades = ev.loc[ev["risk_grade"].isin(list(GRADE_COLOURS))]
    rows = []
    for lane, own, name, sector in _lane_rows(p):
        graded = grades.loc[own.index.intersection(grades.index), "risk_grade"]
        rows.append([name if name == lane else f"{name} (in {lane})", SECTOR_LABELS.get(sector, sector) if lane != CHILD_LANE else "-",
                     len(own), int((own["place"] == "range").sum()),
                     int((own["place"] == "undated").sum()), int(sent.get(name, 0)),
                     int(received.get(name, 0)), " → ".join(graded) or "-"])
    table = markdown_table(["Lane", "Sector", "Events", "Date only roughly", "Undated",
                            "Hand-offs sent", "Hand-offs received", "Risk gradings"], rows)
    return "\n".join(lines) + "\n\n" + table


def _lane_rows(p: _Prepared):
    """Each lane's (lane, its records, name, sector); the lane of the folded agencies as
    one row for each of them (named with the lane it is drawn in), in lane order."""
    ev = p.events
    folded = dict(zip(p.folded["agency"], p.folded["sector"], strict=True))
    for lane, sector in zip(p.lanes["lane"], p.lanes["sector"], strict=True):
        own = ev.loc[ev["lane"] == lane]
        if not folded or lane != p.lanes["lane"].iat[-1]:
            yield lane, own, lane, sector
            continue
        for agency, kind in folded.items():
            yield lane, own.loc[own["agency"] == agency], agency, kind


# -- drawing --------------------------------------------------------------------------------

#: pixels wide a figure is drawn when no width is given
DEFAULT_WIDTH = 1400
_DRAW_FIELDS = ["id", "kind", "lane", "y", "ystack", "place", "future", "x", "x_end", "x_mid",
                "order", "precision", "risk_grade", "concern", "agency_html", "when_html",
                "hover", "when", "account"]


#: pixels below the lanes for the date axis (its ticks and title), above the kinds' key
AXIS_PX = 84
#: the kinds' key below the date axis: entries a row (on a wide figure), each this wide
#: (its swatch aside), and a row's height with its title's
KEY_COLUMNS, KEY_ENTRY_PX, KEY_ROW_PX = 4, 200, 24


def _draw(p: _Prepared, *, width: int | None, height: int | None) -> go.Figure:
    # a narrow frame of plain numpy columns: the many selections below stay cheap
    ev = pd.DataFrame({c: _plain(p.events[c]) for c in _DRAW_FIELDS}, index=p.events.index)
    gl = len(ev) > WEBGL_THRESHOLD
    Marker = _kind("scattergl" if gl else "scatter")
    lanes_n = len(p.lanes)
    undated = ev.loc[ev["place"] == "undated"]
    top, bottom = -0.68, lanes_n - 0.5
    traces: list = []
    traces += _episode_traces(p.episodes, top, bottom, many=len(p.episodes) > LABEL_LIMIT)
    traces += _at_traces(p, ev, top, bottom)
    traces += _event_traces(ev, Marker, gl)
    traces += _handoff_traces(p.handoffs, gl=len(p.handoffs) > WEBGL_THRESHOLD)
    traces += _label_traces(p, ev, Marker, text=len(ev) <= WEBGL_THRESHOLD)
    traces += _flag_traces(p.flags, ev, Marker)
    window, outside = _focus(p)
    traces += _outside_traces(outside, window)
    kinds = sum(1 for t in traces if t.get("legend") == "legend2"
                and t.get("showlegend") is not False)
    entries = sum(1 for t in traces if t.get("legend") != "legend2"
                  and t.get("showlegend") is not False)
    groups = sum(1 for t in traces if t.get("legend") != "legend2" and "legendgrouptitle" in t)
    band = min(0.16, 0.035 + 0.012 * len(undated)) if len(undated) else 0.0
    notes = _outside_notes(outside, window)
    ticktext = lane_labels(p.lanes, p.folded, p.viewer, notes)
    plot = max(110 + 64 * lanes_n, 22 * entries + 30 * groups)   # pixels for the lanes
    below = AXIS_PX + 8 + KEY_ROW_PX * (math.ceil(kinds / KEY_COLUMNS) + 1)  # axis, kinds
    total = height or int(90 + plot + below + 10)
    layout = {
        "template": base_template(),
        "title": {"text": escape_text(p.title), "subtitle": {"text": _subtitle(p)}, "x": 0.01,
                  "xanchor": "left"},
        "width": width or DEFAULT_WIDTH,
        "height": total,
        "margin": {"l": 10, "r": 10, "t": 90, "b": 10},
        "hovermode": "closest",
        "legend": {"font": {"size": 11}, "x": 1.01, "xanchor": "left", "y": 1,
                   "yanchor": "top", "tracegroupgap": 6, "itemsizing": "constant",
                   "groupclick": "togglegroup"},
        "legend2": {"font": {"size": 11}, "orientation": "h", "x": 0, "xanchor": "left",
                    "y": 1 - (plot + AXIS_PX) / (total - 100), "yanchor": "top",
                    "entrywidth": KEY_ENTRY_PX,
                    "entrywidthmode": "pixels", "itemsizing": "constant",
                    "title": {"text": "<b>What happened</b> (marker by kind; hollow = date "
                              "known only to a day or range)", "side": "top"}},
        "xaxis": {"type": "date", "domain": [band + (0.012 if band else 0), 1],
                  "title": {"text": "Date and time (UK local time)"}, "anchor": "y",
                  **({"range": window} if window else {})},
        "yaxis": {"tickmode": "array", "tickvals": list(p.lanes["y"]), "ticktext": ticktext,
                  "range": [bottom, -1.25 if p.at is None else -1.95], "showgrid": False, "zeroline": False,
                  "ticks": "", "anchor": "x2" if band else "x", "automargin": True,
                  "domain": [1 - plot / (total - 100), 1],
                  "minor": {"tickmode": "array", "tickvals": [y + 0.5 for y in p.lanes["y"]],
                            "showgrid": True, "gridcolor": "#e3e3e3", "ticks": ""}},
    }
    if band:
        layout["xaxis2"] = {
            "domain": [0, band], "range": [0.4, len(undated) + 0.6], "showticklabels": False,
            "showgrid": False, "zeroline": False, "anchor": "y", "fixedrange": True,
            "side": "top", "title": {"text": "Undated<br>(recorded order)",
                                     "font": {"size": 11}}}
    fig = go.Figure({"data": traces, "layout": layout})
    place_captions(fig, width or DEFAULT_WIDTH)
    place_risk_words(fig, width or DEFAULT_WIDTH)
    return fig
