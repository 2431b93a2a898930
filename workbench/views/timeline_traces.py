"""The traces of the swimlane timeline: episodes, cursor, events, hand-offs, labels, flags.

Private to :mod:`workbench.timeline` (its ``_draw`` puts them in one figure).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.kinds import kind_labels
from workbench.views.style import (
    FUTURE_GREY,
    GRADE_COLOURS,
    GRADE_LABELS,
    KIND_STYLES,
    OKABE_ITO,
    STATUS_STYLES,
    escape_series,
    escape_text,
    local_iso,
    open_symbol,
    per_point,
    rectangles,
    segments,
)
from workbench.views.timeline_captions import CAPTION_FONT_PX, LABEL_TRACE, RISK_FONT_PX, RISK_WORDS
from workbench.views.timeline_lanes import out_of_window
from workbench.views.timeline_spec import (
    _CURSOR_TOP,
    _EPISODE_FILL,
    _EPISODE_GREY,
    _RANGE_GREY,
    _Prepared,
    _stamp,
    _uk,
)


def _focus(p: _Prepared) -> tuple[list[str] | None, pd.DataFrame]:
    """The time window to open on (the spec's review window with a little room each
    side, UK time), and the records entirely outside it, each marked ``before`` or not
    (:mod:`workbench.views.timeline_lanes`): the view opens on the window and says, in
    each lane, how many records lie outside (zooming out shows them)."""
    ev = p.events
    if p.window is None:
        return None, ev.iloc[:0]
    lo, hi = p.window
    outside = ev.loc[out_of_window(ev, p.window)]
    end = outside["end"].where(outside["end"].notna(), outside["start"])
    pad = max((hi - lo) * 0.03, pd.Timedelta(days=1))
    window = list(local_iso(pd.Series([lo - pad, hi + pad])))
    return window, outside.assign(before=(end <= lo).to_numpy())


def _outside_traces(outside: pd.DataFrame, window: list[str] | None) -> list:
    """A hover mark at the view's edge for each lane with records outside it (no text in
    the plot: the count is written under the lane's name, :func:`_outside_notes`, where it
    cannot ride over the first markers or the risk words)."""
    if outside.empty or window is None:
        return []
    out = []
    for before, x in ((True, window[0]), (False, window[1])):
        rows = outside.loc[outside["before"] == before]
        if rows.empty:
            continue
        # in a lane of several agencies ("Other agencies"), each record's agency too
        said = rows["when"].where(rows["agency"] == rows["lane"],
                                  rows["agency"] + " " + rows["when"])
        per_lane = rows.assign(said=said).groupby("lane", sort=False).agg(
            y=("y", "first"), n=("id", "size"), when=("said", lambda s: "; ".join(s)))
        out.append(_trace(
            "scatter", x=[x] * len(per_lane), y=per_lane["y"].to_numpy(),
            mode="markers", marker={"size": 12, "opacity": 0},
            hovertext=[f"{n} record(s) outside this view ({escape_text(w)}): zoom out to see "
                       "them" for n, w in zip(per_lane["n"], per_lane["when"], strict=True)],
            hoverinfo="text", showlegend=False, name="Records outside the view"))
    return out


def _outside_notes(outside: pd.DataFrame, window: list[str] | None) -> dict[str, str]:
    """Per lane, how many of its records lie before and after the view ("◀ 1 earlier",
    "2 later ▶"), written under the lane's name."""
    if outside.empty or window is None:
        return {}
    notes: dict[str, list[str]] = {}
    for before, words in ((True, "◀ {n} earlier"), (False, "{n} later ▶")):
        counts = outside.loc[outside["before"] == before].groupby("lane", sort=False).size()
        for lane, n in counts.items():
            notes.setdefault(str(lane), []).append(words.format(n=int(n)))
    return {lane: " · ".join(parts) for lane, parts in notes.items()}


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
    agencies = len(p.lanes) - 1 + max(len(p.folded) - 1, 0)
    return (f"{len(p.events)} records from {agencies} agencies · "
            f"{len(p.episodes)} missing episodes · {len(p.handoffs)} hand-offs · "
            f"{flagged} flags · hover a mark for the record as written and its source")


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
    captions = ep["caption"].tolist()
    out.append(_trace(   # each caption's row is set by place_captions once the layout is known
        "scatter", x=mid, y=np.full(len(ep), top - 0.12),
        mode="markers" if many else "markers+text",
        text=None if many else captions, textposition="top center", cliponaxis=False,
        textfont={"size": CAPTION_FONT_PX, "color": "#5a5200"},
        marker={"symbol": "triangle-down", "size": 8, "color": "#B8A800"},
        hovertext=np.array(hover, dtype=object), hoverinfo="text", showlegend=False,
        legendgroup="episodes", name=LABEL_TRACE,
        meta=None if many else {"captions": captions}))
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
                                             "agency_html", "when_html", "account"]]
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
                textfont={"color": c, "size": RISK_FONT_PX, "weight": "bold"},
                marker={"symbol": "square", "size": 7, "color": c}, cliponaxis=False,
                hovertext=np.array([f"Risk graded <b>{GRADE_LABELS[grade]}</b> by {a}<br>{w}"
                                    for a, w in zip(sel["agency_html"], sel["when_html"],
                                                    strict=True)], dtype=object),
                hoverinfo="text", legendgroup="risk", legendrank=300 + rank,
                name=RISK_WORDS,
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
    # the child's account written in another record (facts), echoed in the child's lane
    accounts = place.loc[place["account"].astype(bool)]
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
