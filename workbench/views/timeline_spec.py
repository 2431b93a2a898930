"""What the swimlane timeline shows, as tables: lanes, events, episodes, hand-offs, flags.

Private to :mod:`workbench.timeline`, which compiles these tables to a figure and to words.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.agencies import SECTORS
from workbench.analysis.analyse import Analysis
from workbench.kinds import kind_labels
from workbench.views.style import escape_series, escape_text, local_iso
from workbench.views.timeline_lanes import CHILD_LANE, fold_idle_lanes, review_window

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
    lanes: pd.DataFrame       # lane, sector, y (the lanes drawn)
    events: pd.DataFrame      # visible events with lane, y, place, x, x_end, x_mid, future
    episodes: pd.DataFrame    # visible episodes with x0, x1, x_at, future, caption
    handoffs: pd.DataFrame    # visible hand-offs with y0, y1, x0, x1, style
    flags: pd.DataFrame       # one row per (flag, visible event): id, title, ...
    at: pd.Timestamp | None
    viewer: str | None
    hidden: int               # events hidden because the viewer did not know them
    #: the span (UTC) the view opens on, None for the whole record (timeline_lanes)
    window: tuple[pd.Timestamp, pd.Timestamp] | None = None
    #: agency, sector: the agencies drawn in the one lane "Other agencies (n)" (nothing in
    #: the case's review window: the same lanes in every view), empty when none is folded
    folded: pd.DataFrame = dataclasses.field(
        default_factory=lambda: pd.DataFrame(columns=["agency", "sector"]))


def _prepare(analysis: Analysis, *, flags, pattern, at, viewer) -> _Prepared:
    if not isinstance(analysis, Analysis):
        raise TypeError(f"a timeline draws an Analysis, not {type(analysis).__name__}: "
                        "call workbench.analyse(case) first")
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
    events = _events(ev, lanes, at_utc, analysis.concerns, analysis.facts)
    chronology_end = ev["end"].max() if ev["end"].notna().any() else None
    # the lanes folded for the whole case: the same lanes in every agency's view
    episodes = _episodes(analysis.episodes, None, at_utc, chronology_end)
    handoffs = _handoffs(analysis.handoffs, lanes, None, at_utc)
    lanes, events, folded = fold_idle_lanes(
        lanes, events, {*handoffs["sender"], *handoffs["recipient"]},
        review_window(events, handoffs, episodes), viewer)
    hidden = 0
    if viewer is not None:
        known = analysis.known(viewer, at_utc) if at_utc is not None else set()
        keep = events["id"].isin(known)
        hidden = int((~keep).sum())
        events = events.loc[keep]
        episodes = _episodes(analysis.episodes, known, at_utc, chronology_end)
        handoffs = _handoffs(analysis.handoffs, lanes, known, at_utc)
    elif len(folded):           # the hand-offs' lanes drawn lower (none is folded)
        y = dict(zip(lanes["lane"], lanes["y"], strict=True))
        handoffs["y0"], handoffs["y1"] = handoffs["sender"].map(y), handoffs["recipient"].map(y)
    window = review_window(events, handoffs, episodes)
    flag_rows = _flags(analysis, flags, pattern, events, at_utc)
    name = (case.title or case.id) if case is not None else str(cases[0] if len(cases)
                                                                  else "case")
    return _Prepared(title=f"Timeline of {name}", lanes=lanes, events=events,
                     episodes=episodes, handoffs=handoffs, flags=flag_rows,
                     at=at_utc, viewer=viewer, hidden=hidden, window=window, folded=folded)


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
#: facts written into an event's hover, in this order (gradings have their own marks)
_HOVER_FACTS = ("child_account", "exploitation", "request", "found", "decision", "case_status")
_FACT_WORDS = {"child_account": "The child's account", "exploitation": "Exploitation concern",
               "request": "Asks for an answer", "found": "Found, written here",
               "decision": "Decision", "case_status": "Open case"}
_VALUE_WORDS = {("request", "inform"): "Only informs", ("child_account", "disclosure"):
                "The child's disclosure"}


def _events(ev: pd.DataFrame, lanes: pd.DataFrame, at: pd.Timestamp | None,
            concerns: pd.Series, facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The events with their lane, place (point, range, undated), x and hover text.

    A disclosure sits in the child's lane; ``account`` marks the other records that
    carry the child's own account (a return interview, a found report …): they stay in
    their agency's lane and are echoed in the child's.
    """
    out = ev.loc[:, _EVENT_FIELDS]
    out["lane"] = out["agency"].where(out["kind"] != "disclosure", CHILD_LANE)
    voice = ev["child_voice"] if "child_voice" in ev.columns else pd.Series("", index=ev.index)
    out["account"] = (voice.ne("") & out["kind"].ne("disclosure")).to_numpy(dtype=bool)
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
    out["hover"] = _event_hover(out, _fact_lines(out, facts))
    out["concern"] = concerns.reindex(out.index, fill_value="").astype(object)
    return out.drop(columns=["summary", "details", "action", "outcome", "source"])


def _escape_few(values: pd.Series) -> pd.Series:
    """:func:`escape_text` over a column with few distinct values (agency names, kinds)."""
    return values.map({v: escape_text(v) for v in values.unique()})


def _fact_lines(ev: pd.DataFrame, facts: pd.DataFrame | None) -> pd.Series:
    """The facts found in each record, one hover line each with the words that gave
    them ("The child's disclosure: “…”"), escaped; "" where there are none."""
    out = pd.Series("", index=ev.index, dtype=object)
    if facts is None or facts.empty or len(ev) > WEBGL_THRESHOLD:
        return out
    shown = facts.loc[facts["fact"].isin(_HOVER_FACTS) & facts["event_id"].isin(set(ev["id"]))]
    lines: dict[str, list[str]] = {}
    for event_id, fact, value, words in zip(shown["event_id"], shown["fact"], shown["value"],
                                            shown["words"], strict=True):
        label = _VALUE_WORDS.get((fact, value), _FACT_WORDS[fact])
        if fact in ("decision", "case_status"):
            label += f" ({str(value).replace('_', ' ')})"
        said = escape_text(words, limit=160, wrap=70)
        lines.setdefault(event_id, []).append(f"<i>{label}</i>: “{said}”" if said else
                                              f"<i>{label}</i> (set by a reviewer)")
    return pd.Series(["<br>".join(dict.fromkeys(lines.get(i, ()))) for i in ev["id"]],
                     index=ev.index, dtype=object)


def _event_hover(ev: pd.DataFrame, facts: pd.Series | None = None) -> pd.Series:
    """Each record as written: kind, agency, time as written and its precision, summary,
    details, action, outcome, the facts found in it and source (all escaped); one pass
    over the rows."""
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
        if facts is not None and facts.iat[i]:
            parts.append(facts.iat[i])
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
    return analysis.flags


def _stamp(ts: pd.Timestamp | None) -> str:
    from workbench.datetext import day_month_year

    return day_month_year(ts, time=True)


def _day(ts: pd.Timestamp) -> str:
    from workbench.datetext import day_month_year

    return day_month_year(ts)
