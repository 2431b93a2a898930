"""The swimlane timeline: one lane per agency, and one for the child's own words.

:func:`timeline_figure` compiles an analysed case to a plotly figure and nothing
else. Lanes are grouped by sector (police, social care, education, health, third
sector, family, other) under a top lane holding what the child said (disclosures,
and their account in return interviews). Events are marked by kind (shape and
colour, legend in plain words); an event known only to a day, a month or a range is
drawn as a bar over that interval with a hollow mark, never as a point; undated rows
sit in a band left of the time axis in their recorded order. Missing episodes are
shaded across all lanes; risk gradings and recorded concerns are written in the
lanes of the agencies that made them; hand-offs are arrows from sender to receiver
(answered, late, unanswered: three line styles); flagged events are ringed.

``at=T`` draws a cursor and greys out everything after T; ``viewer="Police"`` shows
only what that agency knew at T (:func:`workbench.knowledge.known_events`).
:func:`describe_timeline` is the same picture as words and a table.

Examples
--------
>>> import pandas as pd
>>> from workbench.analysis import analyse
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
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workbench.agencies import SECTORS
from workbench.analysis import Analysis, analyse
from workbench.case import Case
from workbench.figures import (
    FUTURE_GREY,
    GRADE_COLOURS,
    GRADE_LABELS,
    KIND_STYLES,
    OKABE_ITO,
    SECTOR_COLOURS,
    SECTOR_LABELS,
    STATUS_STYLES,
    base_template,
    escape_series,
    escape_text,
    local_iso,
    markdown_table,
    open_symbol,
    per_point,
    rectangles,
    segments,
)
from workbench.kinds import kind_labels
from workbench.protocols import Protocol

__all__ = ["CHILD_LANE", "WEBGL_THRESHOLD", "describe_timeline", "timeline_figure"]

CHILD_LANE = "Child's own words"
#: above this many markers the event traces switch to WebGL (``go.Scattergl``)
WEBGL_THRESHOLD = 2000
#: text labels (episode captions, gradings, concerns) are written up to this many
LABEL_LIMIT = 60
_LOCAL = "Europe/London"
_PRECISION_WORDS = {"minute": "to the minute", "day": "known to the day",
                    "month": "known only to the month", "year": "known only to the year",
                    "range": "known only as a range", "relative": "counted from another date",
                    "undated": "undated"}
_EPISODE_FILL = "rgba(240, 228, 66, 0.28)"     # Okabe-Ito yellow, light
_EPISODE_GREY = "rgba(200, 200, 200, 0.22)"
_RANGE_GREY = "#9E9E9E"
_CURSOR_TOP = -1.75         # the cursor's label sits above the episode captions


@dataclass(frozen=True)
class _Prepared:
    """What the timeline shows, as tables: shared by the figure and its description."""

    title: str                # plain text (escaped when drawn)
    lanes: pd.DataFrame       # lane, sector, y
    events: pd.DataFrame      # visible events with lane, y, place, x, x_end, x_mid, future
    episodes: pd.DataFrame    # visible episodes with x0, x1, x_at, future, caption
    handoffs: pd.DataFrame    # visible hand-offs with y0, y1, x0, x1, style
    flags: pd.DataFrame       # one row per (flag, visible event): id, title, ...
    at: pd.Timestamp | None
    viewer: str | None
    hidden: int               # events hidden because the viewer did not know them


def timeline_figure(data: Case | Analysis, *, flags: pd.DataFrame | Iterable | None = None,
                    pattern: str | None = None, at: pd.Timestamp | str | None = None,
                    viewer: str | None = None, protocol: Protocol | str | None = None,
                    width: int | None = None, height: int | None = None) -> go.Figure:
    """The swimlane timeline of one case as a plotly figure.

    Parameters
    ----------
    data : a :class:`~workbench.case.Case` or its :class:`~workbench.analysis.Analysis`.
    flags : a flag table (:func:`workbench.rules.flag_table`) or a list of
        :class:`~workbench.rules.Flag`; ``None`` runs the bundled rules.
    pattern : ring only flags of this pattern.
    at : show the case as known at this moment (naive times are UK local time).
    viewer : with ``at`` (default: the end of the record), only what this agency knew.
    protocol : the protocol profile when ``data`` is a case.
    width, height : pixels (height defaults to fit the lanes and the legend).
    """
    prep = _prepare(data, flags=flags, pattern=pattern, at=at, viewer=viewer,
                    protocol=protocol)
    return _draw(prep, width=width, height=height)


def describe_timeline(data: Case | Analysis, *, flags: pd.DataFrame | Iterable | None = None,
                      pattern: str | None = None, at: pd.Timestamp | str | None = None,
                      viewer: str | None = None, protocol: Protocol | str | None = None) -> str:
    """The timeline as words and a table, for reports and screen readers."""
    p = _prepare(data, flags=flags, pattern=pattern, at=at, viewer=viewer, protocol=protocol)
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
    sent = p.handoffs["sender"].value_counts()
    received = p.handoffs["recipient"].value_counts()
    grades = ev.loc[ev["risk_grade"].isin(list(GRADE_COLOURS))]
    rows = []
    for lane, sector in zip(p.lanes["lane"], p.lanes["sector"], strict=True):
        own = ev.loc[ev["lane"] == lane]
        graded = grades.loc[grades["lane"] == lane, "risk_grade"]
        rows.append([lane, SECTOR_LABELS.get(sector, sector) if lane != CHILD_LANE else "-",
                     len(own), int((own["place"] == "range").sum()),
                     int((own["place"] == "undated").sum()), int(sent.get(lane, 0)),
                     int(received.get(lane, 0)), " → ".join(graded) or "-"])
    table = markdown_table(["Lane", "Sector", "Events", "Date only roughly", "Undated",
                            "Hand-offs sent", "Hand-offs received", "Risk gradings"], rows)
    return "\n".join(lines) + "\n\n" + table


# -- what to show ---------------------------------------------------------------------------

def _prepare(data, *, flags, pattern, at, viewer, protocol) -> _Prepared:
    analysis = data if isinstance(data, Analysis) else analyse(data, protocol=protocol)
    ev = analysis.events
    cases = ev["case_id"].unique() if len(ev) else []
    if len(cases) > 1:
        raise ValueError(f"a timeline shows one case; this table holds {len(cases)} "
                         f"(first: {', '.join(map(str, cases[:3]))})")
    case = analysis.case
    lanes = _lanes(analysis)
    if viewer is not None and viewer not in set(lanes["lane"]):
        raise ValueError(f"viewer {viewer!r} is not an agency of this case (known: "
                         f"{', '.join(lanes['lane'][1:])})")
    at_utc = _utc(at)
    if viewer is not None and at_utc is None:
        at_utc = ev["start"].max() if ev["start"].notna().any() else None
    events = _events(ev, lanes, at_utc, analysis.settings.get("concern_phrases") or ())
    hidden = 0
    if viewer is not None:
        from workbench.knowledge import known_events

        known = known_events(analysis, viewer, at_utc) if at_utc is not None else set()
        keep = events["id"].isin(known)
        hidden = int((~keep).sum())
        events = events.loc[keep]
    else:
        known = None
    chronology_end = ev["end"].max() if ev["end"].notna().any() else None
    episodes = _episodes(analysis.episodes, known, at_utc, chronology_end)
    handoffs = _handoffs(analysis.handoffs, lanes, known, at_utc)
    flag_rows = _flags(analysis, flags, pattern, events, at_utc)
    name = (case.title or case.id) if case is not None else str(cases[0] if len(cases)
                                                                  else "case")
    return _Prepared(title=f"Timeline of {name}", lanes=lanes, events=events,
                     episodes=episodes, handoffs=handoffs, flags=flag_rows,
                     at=at_utc, viewer=viewer, hidden=hidden)


def _utc(at) -> pd.Timestamp | None:
    if at is None:
        return None
    ts = pd.Timestamp(at)
    return ts.tz_localize(_LOCAL).tz_convert("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _lanes(analysis: Analysis) -> pd.DataFrame:
    """The child's lane, then every agency (own records or hand-offs) grouped by sector."""
    ev = analysis.events
    others = pd.concat([ev["recipients"], ev["attendees"]]).drop_duplicates()
    names = [a for a in dict.fromkeys(
        [*ev["agency"].drop_duplicates(), *others.str.split("; ").explode().dropna()]) if a]
    sectors = (dict(ev[["agency", "sector"]].drop_duplicates("agency").itertuples(index=False))
               if "sector" in ev else {})
    case = analysis.case
    if case is not None:
        sectors.update({a.name: a.sector for a in case.agencies})
    missing = [n for n in names if n not in sectors]
    if missing:
        from workbench.agencies import load_aliases

        table = load_aliases()
        sectors.update({n: table.sector(n) for n in missing})
    rank = {s: i for i, s in enumerate(SECTORS)}
    order = sorted(names, key=lambda n: (rank.get(sectors.get(n, "other"), len(SECTORS)),
                                         names.index(n)))
    lanes = pd.DataFrame({"lane": [CHILD_LANE, *order],
                          "sector": ["child", *(sectors.get(n, "other") for n in order)]})
    lanes["y"] = np.arange(len(lanes), dtype=float)
    return lanes


_EVENT_FIELDS = ["id", "seq", "agency", "kind", "when", "start", "end", "precision",
                 "approximate", "risk_grade", "summary", "details", "action", "outcome",
                 "source"]


def _events(ev: pd.DataFrame, lanes: pd.DataFrame, at: pd.Timestamp | None,
            phrases) -> pd.DataFrame:
    """The events with their lane, place (point, range, undated), x and hover text."""
    out = ev.loc[:, _EVENT_FIELDS]
    out["lane"] = out["agency"].where(out["kind"] != "disclosure", CHILD_LANE)
    out["y"] = out["lane"].map(dict(zip(lanes["lane"], lanes["y"], strict=True))).astype(float)
    dated = out["start"].notna()
    end = out["end"].where(out["end"].notna(), out["start"] + pd.Timedelta(minutes=1))
    point = dated & ((end - out["start"]) <= pd.Timedelta(minutes=1))
    out["place"] = np.select([point, dated], ["point", "range"], "undated")
    out["x"] = local_iso(out["start"])
    out["x_end"] = local_iso(end)
    out["x_mid"] = local_iso(out["start"] + (end - out["start"]) / 2)
    out = out.sort_values("seq", kind="stable")
    undated = (out["place"] == "undated").to_numpy()
    out["order"] = np.where(undated, np.cumsum(undated), 0)  # undated: recorded order (seq)
    out["future"] = (out["start"] > at).to_numpy() if at is not None else False
    # range bars in one lane drawn at three heights in turn, so overlaps stay visible
    ranged = out["place"] == "range"
    turn = out.loc[ranged].groupby("lane", sort=False).cumcount() % 3
    out["ystack"] = out["y"] + turn.map({0: 0.0, 1: 0.17, 2: -0.17}).reindex(
        out.index, fill_value=0.0)
    out["agency_html"] = _escape_few(out["agency"])
    out["when_html"] = escape_series(out["when"])
    out["hover"] = _event_hover(out)
    out["concern"] = _concerns(out, phrases)
    return out.drop(columns=["summary", "details", "action", "outcome", "source"])


def _escape_few(values: pd.Series) -> pd.Series:
    """:func:`escape_text` over a column with few distinct values (agency names, kinds)."""
    return values.map({v: escape_text(v) for v in values.unique()})


def _concerns(ev: pd.DataFrame, phrases) -> pd.Series:
    """The first concern phrase (protocol ``concern_phrases``) in each event's text, or "".

    The same reading as the rules (:mod:`workbench.rules`): summary, details, action and
    outcome, case-insensitive, from a word boundary.
    """
    out = pd.Series("", index=ev.index, dtype=object)
    if ev.empty or not phrases:
        return out
    from workbench.rules._common import text_of

    body = "|".join(f"(?:{p})" for p in phrases)
    text = text_of(ev)
    hit = text.str.contains(rf"(?i)\b(?:{body})", regex=True)   # RE2 (pyarrow) when it can
    if hit.any():
        found = text[hit].str.extract(rf"(?i)\b({body})", expand=False)
        out[hit] = found.fillna("").astype(object)
    return out


def _event_hover(ev: pd.DataFrame) -> pd.Series:
    """Each record as written: kind, agency, time as written and its precision, summary,
    details, action, outcome and source (all escaped); one pass over the rows."""
    wrap = None if len(ev) > WEBGL_THRESHOLD else 70
    labels = {k: escape_text(v) for k, v in kind_labels().items()}
    texts = []
    many = len(ev) > WEBGL_THRESHOLD      # at scale: shorter text, a lighter page
    for column, prefix, limit in (("summary", "", 160 if many else 300),
                                  ("details", "", 160 if many else 400),
                                  ("action", "Action: ", 120 if many else 200),
                                  ("outcome", "Outcome: ", 120 if many else 200),
                                  ("source", "", None)):
        values = ev[column].fillna("")
        # only text that needs escaping, shortening or wrapping goes through escape_text
        work = values.str.contains(r"[&<>$\r\n]", regex=True) | (
            values.str.len() > min(limit or 10**9, wrap or 10**9))
        texts.append((values.to_numpy(dtype=object), work.to_numpy(dtype=bool), prefix, limit))
    heads = [ev[c].to_numpy(dtype=object) for c in (
        "kind", "agency_html", "lane", "when_html", "precision", "approximate")]
    out = []
    for i, (kind, agency, lane, when, precision, approx) in enumerate(zip(*heads, strict=True)):
        parts = [f"<b>{labels.get(kind) or escape_text(kind)}</b> · "
                 f"{'recorded by ' if lane == CHILD_LANE else ''}{agency}<br>{when} <i>("
                 f"{'approximate, ' if approx else ''}"
                 f"{_PRECISION_WORDS.get(precision, precision)})</i>"]
        for values, work, prefix, limit in texts[:4]:
            text = values[i]
            if text:
                parts.append(prefix + (escape_text(text, limit=limit, wrap=wrap) if work[i]
                                       else text))
        source, work = texts[4][0][i], texts[4][1][i]
        parts.append(f"<span style='color:#555'>{escape_text(source) if work else source}"
                     "</span>")
        out.append("<br>".join(parts))
    return pd.Series(out, index=ev.index, dtype=object)


def _episodes(ep: pd.DataFrame, known: set[str] | None, at: pd.Timestamp | None,
              chronology_end: pd.Timestamp | None) -> pd.DataFrame:
    if known is not None:
        ep = ep.loc[ep["report_id"].isin(known)]
    ep = ep.copy()
    end = ep["found_at"].where(ep["found_at"].notna(), chronology_end)
    still = ep["open"]
    if known is not None and at is not None:       # the viewer did not know of the return yet
        unknown_found = ~ep["found_id"].isin(known)
        end = end.where(~unknown_found, at)
        still = still | unknown_found
    ep["end_utc"], ep["still"] = end, still
    ep["future"] = (ep["start"] > at) if at is not None else False
    ep["x0"], ep["x1"] = local_iso(ep["start"]), local_iso(end)
    ep["x_at"] = ep["x1"] if at is None else local_iso(end.where(end <= at, at))
    hours = ep["duration_hours"]
    duration = np.where(hours < 48, hours.round(0).astype("Int64").astype(str) + " h",
                        (hours / 24).round(1).astype(str) + " days")
    duration = pd.Series(duration, index=ep.index).where(~still, "still missing at the end")
    duration = ("about " + duration).where(~ep["certain"] & ~still, duration)
    grades = ep["grades"].fillna("")
    graded = ("graded " + grades.str.replace("→", " → ", regex=False)).where(
        grades.ne(""), "no police grading")
    ep["caption_plain"] = ("episode " + ep["episode"].astype(str) + ": " + duration + ", "
                           + graded)
    ep["caption"] = "Missing " + duration + " · " + graded.str.replace("graded ", "", regex=False)
    return ep


def _handoffs(h: pd.DataFrame, lanes: pd.DataFrame, known: set[str] | None,
              at: pd.Timestamp | None) -> pd.DataFrame:
    if known is not None:
        h = h.loc[h["event_id"].isin(known)]
    h = h.copy()
    y = dict(zip(lanes["lane"], lanes["y"], strict=True))
    h["y0"], h["y1"] = h["sender"].map(y), h["recipient"].map(y)
    ends = h["answered_at"].where(h["status"].isin(["answered", "late"]), h["deadline"])
    h["x0"], h["x1"] = local_iso(h["sent"]), local_iso(ends)
    h["until"] = ends
    h["style"] = h["status"]
    if at is not None:
        future = h["sent"] > at
        waiting = ~future & (ends > at)
        if known is not None:   # an answer the viewer never saw is, to it, still awaited
            waiting |= ~future & h["answer_id"].ne("") & ~h["answer_id"].isin(known)
        h.loc[waiting, "style"] = "waiting"
        h.loc[waiting, "x1"] = local_iso(pd.Series(at, index=h.index[waiting]))
        h.loc[future, "style"] = "future"
    h["hover"] = _handoff_hover(h)
    return h


_STATUS_WORDS = {"answered": "answered in time", "late": "answered late",
                 "unanswered": "never answered: the deadline passed",
                 "open": "not yet due when the record ends"}
_BASIS_WORDS = {"explicit": " (it refers to the hand-off)",
                "inferred": " (inferred: their next record)"}


def _uk(iso: str | None, *, time: bool = True) -> str:
    """``2025-02-03T09:30`` as ``03/02/2025 09:30``."""
    if not iso:
        return ""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" + (f" {iso[11:16]}" if time else "")


def _handoff_hover(h: pd.DataFrame) -> pd.Series:
    labels = kind_labels()
    names = {a: escape_text(a) for a in {*h["sender"], *h["recipient"]}}
    columns = [h[c].to_numpy(dtype=object) for c in (
        "kind", "sender", "recipient", "summary", "status", "answer_id", "answer_basis",
        "working_days", "source")]
    sent, answered, deadline = (local_iso(h[c]) for c in ("sent", "answered_at", "deadline"))
    out = []
    for (kind, sender, recipient, summary, status, answer_id, basis, days, source), t0, t1, \
            due in zip(zip(*columns, strict=True), sent, answered, deadline, strict=True):
        answer = (f"<br>Answered {_uk(t1)} after {days:.0f} working day(s)"
                  f"{_BASIS_WORDS.get(basis, '')}") if answer_id else ""
        out.append(f"<b>{labels.get(kind, kind)}</b>: {names[sender]} → {names[recipient]}<br>"
                   f"{escape_text(summary, limit=200, wrap=70)}<br>Sent {_uk(t0)}: "
                   f"<b>{_STATUS_WORDS.get(status, status)}</b>{answer}<br>Deadline "
                   f"{_uk(due, time=False)}<br><span style='color:#555'>"
                   f"{escape_text(source)}</span>")
    return pd.Series(out, index=h.index, dtype=object)


def _flags(analysis: Analysis, flags, pattern: str | None, events: pd.DataFrame,
           at: pd.Timestamp | None) -> pd.DataFrame:
    table = _flag_table(analysis, flags)
    columns = ["flag", "id", "title", "explanation", "severity", "pattern", "future"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    if pattern is not None:
        table = table.loc[table["pattern"] == pattern]
    table = table.reset_index(drop=True).rename_axis("flag").reset_index()
    rows = table.explode("event_ids").rename(columns={"event_ids": "id"})
    rows = rows.loc[rows["id"].isin(set(events["id"]))]
    when = pd.to_datetime(rows["at"], utc=True)
    rows["future"] = (when > at).fillna(False) if at is not None else False
    return rows.loc[:, columns].reset_index(drop=True)


def _flag_table(analysis: Analysis, flags) -> pd.DataFrame:
    if isinstance(flags, pd.DataFrame):
        return flags
    if flags is not None:
        return pd.DataFrame([{"title": f.title, "explanation": f.explanation,
                              "severity": f.severity, "pattern": f.pattern, "at": f.at,
                              "event_ids": [e.id for e in f.events]} for f in flags],
                            columns=["title", "explanation", "severity", "pattern", "at",
                                     "event_ids"])
    from workbench.rules import flag_table

    return flag_table(analysis)


# -- drawing --------------------------------------------------------------------------------

_DRAW_FIELDS = ["id", "kind", "lane", "y", "ystack", "place", "future", "x", "x_end", "x_mid",
                "order", "precision", "risk_grade", "concern", "agency_html", "when_html",
                "hover", "when"]


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
    ticktext = [_lane_label(lane, sector, bold=lane == p.viewer)
                for lane, sector in zip(p.lanes["lane"], p.lanes["sector"], strict=True)]
    plot = max(110 + 64 * lanes_n, 22 * entries + 30 * groups)   # pixels for the lanes
    below = 92 + 24 * (math.ceil(kinds / 4) + 1)                # axis title and kinds
    total = height or int(90 + plot + below + 10)
    layout = {
        "template": base_template(),
        "title": {"text": escape_text(p.title), "subtitle": {"text": _subtitle(p)}, "x": 0.01,
                  "xanchor": "left"},
        "width": width or 1400,
        "height": total,
        "margin": {"l": 10, "r": 10, "t": 90, "b": 10},
        "hovermode": "closest",
        "legend": {"font": {"size": 11}, "x": 1.01, "xanchor": "left", "y": 1,
                   "yanchor": "top", "tracegroupgap": 6, "itemsizing": "constant",
                   "groupclick": "togglegroup"},
        "legend2": {"font": {"size": 11}, "orientation": "h", "x": 0, "xanchor": "left",
                    "y": 1 - (plot + 84) / (total - 100), "yanchor": "top", "entrywidth": 200,
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
    return go.Figure({"data": traces, "layout": layout})


def _focus(p: _Prepared) -> tuple[list[str] | None, pd.DataFrame]:
    """The time window to open on, and the records entirely outside it.

    The window covers the records known to the minute or the day (and the hand-offs and
    episodes); background records known only to a month, a year or a wider range that
    lie wholly before or after it would squeeze the review period into a sliver, so
    the view opens on the window and says, in each lane, how many records lie outside
    (zooming out shows them).
    """
    ev = p.events
    dated = ev["place"].ne("undated").to_numpy()
    precise = dated & (ev["place"].eq("point") | ev["precision"].eq("day")).to_numpy()
    if not precise.any() or precise.sum() == dated.sum():
        return None, ev.iloc[:0]
    start, end = ev["start"], ev["end"].where(ev["end"].notna(), ev["start"])
    lo = min(x for x in (start[precise].min(), p.handoffs["sent"].min(),
                         p.episodes["start"].min()) if not pd.isna(x))
    hi = max(x for x in (end[precise].max(), p.handoffs["until"].max(),
                         p.episodes["end_utc"].max()) if not pd.isna(x))
    before = dated & (end <= lo).to_numpy()
    after = dated & (start >= hi).to_numpy()
    outside = ev.loc[before | after]
    if outside.empty:
        return None, outside
    pad = max((hi - lo) * 0.03, pd.Timedelta(days=1))
    window = list(local_iso(pd.Series([lo - pad, hi + pad])))
    return window, outside.assign(before=before[before | after])


def _outside_traces(outside: pd.DataFrame, window: list[str] | None) -> list:
    if outside.empty or window is None:
        return []
    out = []
    for before, x, arrow, position in ((True, window[0], "◀ {n} earlier", "middle right"),
                                       (False, window[1], "{n} later ▶", "middle left")):
        rows = outside.loc[outside["before"] == before]
        if rows.empty:
            continue
        per_lane = rows.groupby("lane", sort=False).agg(
            y=("y", "first"), n=("id", "size"), when=("when", lambda s: "; ".join(s)))
        out.append(_trace(
            "scatter", x=[x] * len(per_lane), y=(per_lane["y"] + 0.3).to_numpy(),
            mode="text", text=[arrow.format(n=n) for n in per_lane["n"]],
            textposition=position, textfont={"size": 10, "color": "#666666"},
            hovertext=[f"{n} record(s) outside this view ({escape_text(w)}): zoom out to see "
                       "them" for n, w in zip(per_lane["n"], per_lane["when"], strict=True)],
            hoverinfo="text", showlegend=False, name="Records outside the view"))
    return out


def _plain(column: pd.Series) -> pd.Series:
    """A column as plain numpy (text as ``object``, not Arrow strings: cheap to select)."""
    if column.dtype == "str" or column.dtype == object:
        return pd.Series(column.to_numpy(dtype=object), index=column.index, dtype=object)
    return column


def _kind(type_: str):
    if type_ == "scattergl":   # WebGL traces draw no text outside the axes anyway
        return lambda **kw: {"type": type_, **{k: v for k, v in kw.items() if k != "cliponaxis"}}
    return lambda **kw: {"type": type_, **kw}


def _trace(type_: str, /, **kw) -> dict:
    return {"type": type_, **kw}


def _subtitle(p: _Prepared) -> str:
    if p.viewer:
        return (f"As known to <b>{escape_text(p.viewer)}</b> at {_stamp(p.at)} (UK time): "
                f"its own records and what was shared with it; {p.hidden} other records hidden")
    if p.at is not None:
        return f"As known at {_stamp(p.at)} (UK time): later records greyed out"
    flagged = p.flags["flag"].nunique() if len(p.flags) else 0
    return (f"{len(p.events)} records from {len(p.lanes) - 1} agencies · "
            f"{len(p.episodes)} missing episodes · {len(p.handoffs)} hand-offs · "
            f"{flagged} flags · hover a mark for the record as written and its source")


def _lane_label(lane: str, sector: str, *, bold: bool) -> str:
    name = escape_text(lane)
    if sector == "child":
        return (f"<b>{name}</b><br><span style='font-size:10px;color:#555'>"
                "what the child said</span>")
    colour = SECTOR_COLOURS.get(sector, SECTOR_COLOURS["other"])
    name = f"<b>{name}</b>" if bold else name
    return (f"<span style='color:{colour}'>●</span> {name}<br>"
            f"<span style='font-size:10px;color:#555'>{SECTOR_LABELS.get(sector, sector)}</span>")


def _episode_traces(ep: pd.DataFrame, top: float, bottom: float, *, many: bool) -> list:
    if ep.empty:
        return []
    out = []
    now = ep.loc[~ep["future"]]
    if len(now):
        x, y = rectangles(now["x0"], now["x_at"], top, bottom)
        out.append(_trace("scatter", x=x, y=y, fill="toself", fillcolor=_EPISODE_FILL,
                          mode="lines", line={"width": 0}, hoverinfo="skip",
                          name="Missing episode", legendgroup="episodes", legendrank=100,
                          legendgrouptitle={"text": "Missing episodes"}))
    later = ep.loc[ep["future"] | (ep["x_at"] != ep["x1"])]
    if len(later):
        x0 = later["x_at"].where(~later["future"], later["x0"])
        x, y = rectangles(x0, later["x1"], top, bottom)
        out.append(_trace("scatter", x=x, y=y, fill="toself", fillcolor=_EPISODE_GREY,
                          mode="lines", line={"width": 0}, hoverinfo="skip",
                          legendgroup="episodes", showlegend=False,
                          name="Missing episode (after the moment shown)"))
    mid = local_iso(ep["start"] + (ep["end_utc"] - ep["start"]) / 2)
    labels = kind_labels()
    hover = [f"<b>Missing episode {n}</b><br>{caption.split(': ', 1)[1]}<br>Reported by "
             f"{escape_text(who)} {_uk(t0)}" + ("" if still else f"<br>Found {_uk(t1)}")
             + f"<br>Return interview: {labels.get(ri, 'none')}"
             for n, caption, who, t0, t1, still, ri in zip(
                 ep["episode"], ep["caption_plain"], ep["reported_by"], local_iso(ep["start"]),
                 local_iso(ep["found_at"]), ep["still"], ep["ri_first_kind"], strict=True)]
    out.append(_trace(
        "scatter", x=mid, y=top - 0.12 - 0.3 * (np.arange(len(ep)) % 2),
        mode="markers" if many else "markers+text",
        text=None if many else ep["caption"].to_numpy(dtype=object), textposition="top center",
        textfont={"size": 10, "color": "#5a5200"}, cliponaxis=False,
        marker={"symbol": "triangle-down", "size": 8, "color": "#B8A800"},
        hovertext=np.array(hover, dtype=object), hoverinfo="text", showlegend=False,
        legendgroup="episodes", name="Missing episode label"))
    return out


def _at_traces(p: _Prepared, ev: pd.DataFrame, top: float, bottom: float) -> list:
    if p.at is None:
        return []
    t = local_iso(pd.Series([p.at]))[0]
    xs = [x for x in (*ev.loc[ev["place"] != "undated", "x"],
                      *ev.loc[ev["place"] != "undated", "x_end"],
                      *p.handoffs["x1"].dropna()) if x is not None] + [t]
    left, right = min(xs), max(xs)
    late = pd.Timestamp(t) > pd.Timestamp(left) + (pd.Timestamp(right) - pd.Timestamp(left)) / 2
    x, y = rectangles([t], [right], top, bottom)
    return [
        _trace("scatter", x=x, y=y, fill="toself", fillcolor="rgba(120,120,120,0.10)",
               mode="lines", line={"width": 0}, hoverinfo="skip",
               name="After the moment shown", legendgroup="at", legendrank=50),
        _trace("scatter", x=[t, t], y=[_CURSOR_TOP, bottom], mode="lines+text",
               text=[f"as known at {_stamp(p.at)} ", ""],
               textposition="middle left" if late else "middle right",
               textfont={"size": 12}, line={"color": OKABE_ITO["black"], "width": 2},
               hoverinfo="skip", name="The moment shown", legendgroup="at",
               legendrank=50, legendgrouptitle={"text": "Moment shown"}, cliponaxis=False),
    ]


def _event_traces(ev: pd.DataFrame, Marker, gl: bool) -> list:
    labels = kind_labels()
    out: list = []
    for future in (False, True):    # the span each imprecise date could lie in, as a bar
        ranged = ev.loc[(ev["place"] == "range") & (ev["future"] == future)]
        if len(ranged):
            x, y = segments(ranged["x"], ranged["ystack"], ranged["x_end"], ranged["ystack"])
            out.append(Marker(
                x=x, y=y, mode="lines", hoverinfo="skip", showlegend=not future,
                line={"color": FUTURE_GREY if future else _RANGE_GREY, "width": 7},
                opacity=0.55, name="Date known only to a day, month or range: a bar over it "
                "(hollow mark)", legendgroup="ranges", legendrank=900,
                **({"legendgrouptitle": {"text": "Uncertain dates"}} if not future else {})))
    parts = dict(list(ev.groupby(["kind", "future", "place"], sort=False)))
    present = set(ev["kind"])
    order = [k for k in labels if k in present] + sorted(present - set(labels))
    for rank, kind in enumerate(order):
        colour, symbol = KIND_STYLES.get(kind, KIND_STYLES["contact"])
        group = {"legendgroup": f"kind:{kind}", "legendrank": 500 + rank, "legend": "legend2"}
        name = labels.get(kind, kind)
        solid = (kind, False, "point") in parts   # its legend entry: a solid, dated marker
        for future in (False, True):
            c = FUTURE_GREY if future else colour
            line = {"width": 0.8, "color": "#bbbbbb" if future else "#333333"}
            for place, xcol, sym, axis in (("point", "x", symbol, "x"),
                                           ("range", "x_mid", open_symbol(symbol), "x"),
                                           ("undated", "order", symbol, "x2")):
                sel = parts.get((kind, future, place))
                if sel is None:
                    continue
                legend = solid and not future and place == "point"
                out.append(Marker(
                    x=sel[xcol].to_numpy(dtype=object), y=sel["ystack"].to_numpy(), xaxis=axis,
                    mode="markers", name=name, showlegend=legend,
                    marker={"symbol": sym, "size": 11, "color": c, "line": line},
                    hovertext=sel["hover"].to_numpy(dtype=object), hoverinfo="text",
                    customdata=sel["id"].to_numpy(dtype=object), **group))
        if not solid:   # no solid marker drawn: still show in the legend what it looks like
            out.append(Marker(x=[None], y=[None], mode="markers", name=name,
                              marker={"symbol": symbol, "size": 11, "color": colour,
                                      "line": {"width": 0.8, "color": "#333333"}}, **group))
    return out


def _handoff_traces(h: pd.DataFrame, *, gl: bool) -> list:
    out = []
    styles = {**{s: v for s, v in STATUS_STYLES.items()},
              "waiting": ("#777777", "solid", "Hand-off waiting for an answer at that moment"),
              "future": (FUTURE_GREY, "solid", "Hand-off after the moment shown")}
    first = True
    slim = pd.DataFrame({c: _plain(h[c]) for c in ("x0", "y0", "x1", "y1", "hover", "style")})
    parts = dict(list(slim.groupby("style", sort=False)))
    for rank, (style, (colour, dash, words)) in enumerate(styles.items()):
        rows = parts.get(style)
        if rows is None:
            continue
        x, y = segments(rows["x0"], rows["y0"], rows["x1"], rows["y1"])
        # on both ends of an arrow; at scale only where it starts (half the page weight)
        hover = per_point(rows["hover"], [""] * len(rows) if gl else rows["hover"])
        common = {"name": words, "legendgroup": "handoffs", "legendrank": 200 + rank,
                  "hovertext": hover, "hoverinfo": "text",
                  **({"legendgrouptitle": {"text": "Hand-offs (arrow: sender → receiver)"}}
                     if first else {})}
        first = False
        width = 1.4 if style in ("open", "future", "waiting") else 2.2
        if gl:
            out.append(_trace("scattergl", x=x, y=y, mode="lines",
                              line={"color": colour, "dash": dash, "width": width}, **common))
        else:
            tip = style != "unanswered"
            size = per_point(np.zeros(len(rows)), np.full(len(rows), 13 if tip else 0), 0)
            out.append(_trace(
                "scatter", x=x, y=y, mode="lines+markers",
                line={"color": colour, "dash": dash, "width": width},
                marker={"symbol": "arrow", "angleref": "previous", "size": size,
                        "color": colour, "line": {"width": 0}}, **common))
        if style == "unanswered":
            out.append(_trace(
                "scattergl" if gl else "scatter", x=rows["x1"].to_numpy(dtype=object), y=rows["y1"].to_numpy(), mode="markers",
                marker={"symbol": "circle-open", "size": 13, "color": colour,
                        "line": {"width": 2.5, "color": colour}},
                hovertext=rows["hover"].to_numpy(dtype=object), hoverinfo="text",
                name="Deadline passed without an answer", legendgroup="handoffs",
                showlegend=False))
    return out


def _label_traces(p: _Prepared, ev: pd.DataFrame, Marker, *, text: bool) -> list:
    """Risk gradings and recorded concerns written in the lanes; the child's RI accounts."""
    out = []
    place = ev.loc[ev["place"] != "undated", ["x", "x_mid", "place", "y", "lane", "future",
                                             "risk_grade", "concern", "kind", "id", "hover",
                                             "agency_html", "when_html"]]
    xs = place["x"].where(place["place"] == "point", place["x_mid"])
    graded = place.loc[place["risk_grade"].isin(list(GRADE_COLOURS))]
    # alternate two heights within a lane so neighbouring gradings do not overprint
    graded = graded.assign(lift=0.30 + 0.14 * (graded.groupby("lane", sort=False).cumcount() % 2))
    parts = dict(list(graded.groupby(["risk_grade", "future"], sort=False)))
    title = {"legendgrouptitle": {"text": "Risk and concern"}}
    legend = True
    for rank, (grade, colour) in enumerate(GRADE_COLOURS.items()):
        for future in (False, True):
            sel = parts.get((grade, future))
            if sel is None:
                continue
            c = FUTURE_GREY if future else colour
            word = "none" if grade == "absent" else grade
            out.append(Marker(
                x=xs[sel.index].to_numpy(dtype=object), y=(sel["y"] - sel["lift"]).to_numpy(),
                mode="text" if text else "markers", text=word,
                textfont={"color": c, "size": 11, "weight": "bold"},
                marker={"symbol": "square", "size": 7, "color": c}, cliponaxis=False,
                hovertext=np.array([f"Risk graded <b>{GRADE_LABELS[grade]}</b> by {a}<br>{w}"
                                    for a, w in zip(sel["agency_html"], sel["when_html"],
                                                    strict=True)], dtype=object),
                hoverinfo="text", legendgroup="risk", legendrank=300 + rank,
                name="Risk grading, written above the record (none / low / medium / high)",
                showlegend=legend and not future, **(title if legend and not future else {})))
            if not future:
                legend, title = False, {}
    sel = place.loc[place["concern"].ne("")]
    for future in (False, True):
        part = sel.loc[sel["future"] == future]
        if part.empty:
            continue
        c = FUTURE_GREY if future else OKABE_ITO["vermillion"]
        out.append(Marker(
            x=xs[part.index].to_numpy(dtype=object), y=(part["y"] + 0.32).to_numpy(),
            mode="markers", marker={"symbol": "triangle-up", "size": 8, "color": c},
            hoverinfo="text",
            hovertext=("Concern recorded by " + part["agency_html"] + ": “"
                       + escape_series(part["concern"]) + "”").to_numpy(dtype=object),
            name="Concern recorded (exploitation words), below the record", legendgroup="risk",
            legendrank=399, showlegend=not future, **(title if not future else {})))
        if not future:
            title = {}
    accounts = place.loc[place["kind"] == "return_interview_completed"]
    for future in (False, True):
        ri = accounts.loc[accounts["future"] == future]
        if ri.empty:
            continue
        out.append(Marker(
            x=xs[ri.index].to_numpy(dtype=object), y=np.zeros(len(ri)), mode="markers",
            marker={"symbol": "star-diamond", "size": 12,
                    "color": FUTURE_GREY if future else KIND_STYLES["disclosure"][0],
                    "line": {"width": 0.8, "color": "#bbbbbb" if future else "#333333"}},
            hovertext=("<b>The child's account in a return interview</b><br>" + ri["hover"]
                       ).to_numpy(dtype=object), hoverinfo="text",
            customdata=ri["id"].to_numpy(dtype=object), legendrank=450,
            name="Their account in a return interview", legendgroup="child",
            showlegend=not future,
            **({} if future else {"legendgrouptitle": {"text": "The child's own words"}})))
    return out


def _flag_traces(flags: pd.DataFrame, ev: pd.DataFrame, Marker) -> list:
    if flags.empty:
        return []
    where = ev.set_index("id")
    per_event = flags.groupby("id", sort=False).agg(
        titles=("title", lambda s: list(dict.fromkeys(s))),
        severity=("severity", lambda s: list(s)),
        text=("explanation", lambda s: list(s)), future=("future", "all"))
    per_event["future"] |= where.loc[per_event.index, "future"].to_numpy(dtype=bool)
    per_event["undated"] = (where.loc[per_event.index, "place"] == "undated").to_numpy()
    out = []
    legend = True
    for (undated, future), rows in per_event.groupby(["undated", "future"], sort=True):
        place = where.loc[rows.index]
        x = place["x"].where(place["place"] != "range", place["x_mid"])
        x = x.where(place["place"] != "undated", place["order"])
        hover = [("<br>".join(f"<b>⚑ {escape_text(t)}</b>" for t in titles) + "<br>"
                  + "<br>".join(f"{escape_text(e)} ({escape_text(v)} severity)"
                                for e, v in zip(text, severity, strict=True)))
                 for titles, text, severity in zip(rows["titles"], rows["text"],
                                                   rows["severity"], strict=True)]
        colour = FUTURE_GREY if future else OKABE_ITO["black"]
        show = legend and not future
        out.append(Marker(
            x=x.to_numpy(dtype=object), y=place["ystack"].to_numpy(),
            xaxis="x2" if undated else "x", mode="markers",
            marker={"symbol": "circle-open", "size": 24, "color": colour,
                    "line": {"width": 2.2, "color": colour}},
            hovertext=np.array(hover, dtype=object), hoverinfo="text",
            customdata=np.array(rows.index, dtype=object), name="Flagged by a rule (hover: why)",
            legendgroup="flags", legendrank=400, showlegend=show,
            **({"legendgrouptitle": {"text": "Flags"}} if show else {})))
        legend = legend and not show
    return out


def _stamp(ts: pd.Timestamp | None) -> str:
    return "" if ts is None else ts.tz_convert(_LOCAL).strftime("%-d %b %Y %H:%M")


def _day(ts: pd.Timestamp) -> str:
    return ts.tz_convert(_LOCAL).strftime("%-d %b %Y")
