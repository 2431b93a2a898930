"""Drawing the agency network: who passed what to whom, and who stayed a silo.

:func:`network_figure` draws the graph built by :func:`workbench.analysis.network.agency_graph`
(re-exported here): agencies as nodes (size by involvement, colour by sector),
hand-offs as curved directed edges (width by count, colour by the share left
unanswered, counts and latency on hover). Positions are deterministic: agencies sit
on a circle in sector order (police, social care, education, health, third sector,
family, other), then by name, so the same case always gives the same picture. The
silo picture is drawn on top: the hub is labelled, agencies that received hand-offs
but passed none on are ringed, and pairs that never answered each other are crossed.
:func:`describe_network` says the same in words and a table.

Examples
--------
>>> import networkx as nx
>>> G = nx.DiGraph()
>>> G.add_node("School", sector="education", events=4, sent=2, received=0)
>>> G.add_node("Police", sector="police", events=6, sent=0, received=2)
>>> G.add_edge("School", "Police", count=2, answered=0, late=0, unanswered=2, open=0,
...            unanswered_share=1.0, latency_median_hours=None, latency_max_hours=None,
...            handoffs=["s1>Police", "s2>Police"])
>>> fig = network_figure(G)
>>> [t.name for t in fig.data if t.showlegend is not False][:2]
['Police', 'Education']
>>> print(describe_network(G).splitlines()[0])
Agency network: 2 agencies, 2 hand-offs along 1 connection(s); hub: Police.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from workbench.agencies import SECTORS
from workbench.analysis.network import NetworkSummary, agency_graph, network_summary
from workbench.datetext import day_month_year
from workbench.views.style import (
    OKABE_ITO,
    SECTOR_COLOURS,
    SECTOR_LABELS,
    base_template,
    escape_text,
    markdown_table,
)

__all__ = ["UNANSWERED_SCALE", "agency_graph", "describe_network", "network_figure",
           "network_positions", "network_summary", "silo_words"]

#: colour of an edge by the share of its decided hand-offs left unanswered
UNANSWERED_SCALE = [[0.0, OKABE_ITO["blue"]], [0.5, "#A0A0A0"],
                    [1.0, OKABE_ITO["vermillion"]]]
_UNDECIDED = "#AAAAAA"


def network_positions(G: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Agencies on the unit circle in sector order, then by name, from the top clockwise.

    >>> G = nx.DiGraph(); G.add_node("School", sector="education")
    >>> G.add_node("Police", sector="police")
    >>> {k: (round(x, 2), round(y, 2)) for k, (x, y) in network_positions(G).items()}
    {'Police': (0.0, 1.0), 'School': (0.0, -1.0)}
    """
    rank = {s: i for i, s in enumerate(SECTORS)}
    order = sorted(G.nodes, key=lambda n: (rank.get(G.nodes[n].get("sector", "other"),
                                                    len(SECTORS)), str(n)))
    k = len(order)
    return {n: (math.sin(2 * math.pi * i / k), math.cos(2 * math.pi * i / k))
            for i, n in enumerate(order)}


def network_figure(G: nx.DiGraph, *, summary: NetworkSummary | None = None,
                   title: str | None = None,
                   width: int | None = None, height: int | None = None) -> go.Figure:
    """The agency network as a plotly figure (a drawing of ``G``; nothing computed here
    but positions and sizes).

    Parameters
    ----------
    G : from :func:`agency_graph` (node attributes ``sector``, ``events``, ``sent``,
        ``received``; edge attributes ``count``, ``answered``, ``late``, ``unanswered``,
        ``open``, ``unanswered_share``, ``latency_median_hours``, ``latency_max_hours``).
    summary : :func:`network_summary` of ``G`` (computed when not given).
    title : what the picture is of (default: the case id held by ``G``); plain text.
    width, height : pixels (default 1000 × 760).
    """
    if summary is None:
        summary = network_summary(G)
    pos = network_positions(G)
    traces: list[dict] = []
    traces += _edge_traces(G, pos)
    traces += _node_traces(G, pos, summary)
    traces += _silo_traces(G, pos, summary)
    traces.append(_colourbar())
    layout = {
        "template": base_template(),
        # the title is pinned to the top so a two-line subtitle never rides over it
        "title": {"text": _title(G, title), "subtitle": {"text": _subtitle(summary)}, "x": 0.01,
                  "xanchor": "left", "yref": "container", "y": 1, "yanchor": "top",
                  "pad": {"t": 14}},
        "width": width or 1100, "height": height or 760,
        "margin": {"l": 10, "r": 10, "t": 120, "b": 10},
        "hovermode": "closest",
        "legend": {"font": {"size": 11}, "itemsizing": "constant", "tracegroupgap": 6,
                   "x": 1.0, "y": 1, "yanchor": "top"},
        "xaxis": {"visible": False, "range": [-2.9, 2.9]},
        "yaxis": {"visible": False, "range": [-1.35, 1.35], "scaleanchor": "x",
                  "scaleratio": 1},
    }
    return go.Figure({"data": traces, "layout": layout})


def _involvement(G: nx.DiGraph, node: str) -> int:
    d = G.nodes[node]
    return int(d.get("events", 0)) + int(d.get("sent", 0)) + int(d.get("received", 0))


def _radius(G: nx.DiGraph) -> dict[str, float]:
    """Marker diameter in pixels, by the square root of involvement (18 to 64)."""
    values = {n: _involvement(G, n) for n in G}
    top = max(values.values(), default=0) or 1
    return {n: 18 + 46 * math.sqrt(v / top) for n, v in values.items()}


def _edge_colour(d: dict) -> str:
    decided = d.get("count", 0) - d.get("open", 0)
    if decided <= 0:
        return _UNDECIDED
    return sample_colorscale(UNANSWERED_SCALE, [float(d.get("unanswered_share", 0.0))])[0]


def _curve(a: tuple[float, float], b: tuple[float, float], *, shrink_a: float,
           shrink_b: float, bend: float = 0.18, points: int = 24) -> tuple[list, list]:
    """A quadratic curve from a to b bending to the right of travel (so a→b and b→a
    are drawn apart), trimmed by ``shrink_*`` (data units) at each end for the nodes."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2 + bend * dy, (y0 + y1) / 2 - bend * dx
    t = np.linspace(0, 1, points)
    xs = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t ** 2 * x1
    ys = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t ** 2 * y1
    steps = np.r_[0, np.cumsum(np.hypot(np.diff(xs), np.diff(ys)))]
    keep = (steps >= shrink_a) & (steps <= steps[-1] - shrink_b)
    if keep.sum() < 2:
        keep = np.ones_like(keep)
    return list(xs[keep]), list(ys[keep])


def _edge_traces(G: nx.DiGraph, pos: dict) -> list[dict]:
    radius = _radius(G)
    px = 760 / 2.7             # rough pixels per data unit at the default size
    lines, hovers = [], []
    for a, b in sorted(G.edges):
        d = G.edges[a, b]
        count = int(d.get("count", 0))
        colour = _edge_colour(d)
        xs, ys = _curve(pos[a], pos[b], shrink_a=radius[a] / 2 / px,
                        shrink_b=radius[b] / 2 / px + 0.01)
        undecided = colour == _UNDECIDED
        lines.append({
            "type": "scatter", "x": xs, "y": ys, "mode": "lines+markers",
            "line": {"color": colour, "width": 1.5 + 1.8 * math.sqrt(count),
                     "dash": "dot" if undecided else "solid"},
            "marker": {"symbol": "arrow", "angleref": "previous", "color": colour,
                       "size": [0] * (len(xs) - 1) + [10 + 3 * math.sqrt(count)]},
            "hoverinfo": "skip", "showlegend": False, "legendgroup": "edges",
            "name": f"{escape_text(a)} → {escape_text(b)}"})
        mid = len(xs) // 2
        hovers.append((xs[mid], ys[mid], _edge_hover(a, b, d), colour))
    if not hovers:
        return lines
    x, y, text, colours = zip(*hovers, strict=True)
    lines.append({"type": "scatter", "x": list(x), "y": list(y), "mode": "markers",
                  "marker": {"size": 9, "color": list(colours), "opacity": 0.9,
                             "line": {"width": 1, "color": "white"}},
                  "hovertext": list(text), "hoverinfo": "text", "name": "Hand-offs (hover)",
                  "showlegend": False})
    return lines


def _edge_hover(a: str, b: str, d: dict) -> str:
    latency = d.get("latency_median_hours")
    longest = d.get("latency_max_hours")
    lines = [f"<b>{escape_text(a)} → {escape_text(b)}</b>",
             f"{d.get('count', 0)} hand-off(s): {d.get('answered', 0)} answered in time, "
             f"{d.get('late', 0)} late, {d.get('unanswered', 0)} never answered, "
             f"{d.get('open', 0)} not yet due",
             f"unanswered: {100 * float(d.get('unanswered_share', 0.0)):.0f}% of those due"]
    if latency is not None:
        lines.append(f"answer after {_hours(latency)} (median), longest {_hours(longest)}")
    return "<br>".join(lines)


def _defined(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def silo_words(value: float | None) -> str:
    """An agency's silo measure as shown: two decimals, or "– (no hand-offs)" where it is
    undefined (an agency with no hand-off partner).

    >>> silo_words(0.5), silo_words(float("nan")), silo_words(None)
    ('0.50', '– (no hand-offs)', '– (no hand-offs)')
    """
    return f"{value:.2f}" if _defined(value) else "– (no hand-offs)"


def _hours(h: float | None) -> str:
    if h is None or (isinstance(h, float) and math.isnan(h)):
        return "-"
    return f"{h:.0f} h" if h < 48 else f"{h / 24:.1f} days"


def _node_traces(G: nx.DiGraph, pos: dict, summary: NetworkSummary) -> list[dict]:
    radius = _radius(G)
    out: list[dict] = []
    for rank, sector in enumerate(SECTORS):
        nodes = [n for n in pos if G.nodes[n].get("sector", "other") == sector]
        if not nodes:
            continue
        xs = [pos[n][0] for n in nodes]
        ys = [pos[n][1] for n in nodes]
        labels, hover, where = [], [], []
        for n in nodes:
            d = G.nodes[n]
            name = escape_text(n)
            hub = " (hub)" if n == summary.get("hub") else ""
            labels.append(f"<b>{name}</b>{hub}" if hub else name)
            silo = summary.get("silo", {}).get(n)
            hover.append(f"<b>{name}</b> · {SECTOR_LABELS.get(sector, sector)}<br>"
                         f"{d.get('events', 0)} records; sent {d.get('sent', 0)} hand-off(s), "
                         f"received {d.get('received', 0)}"
                         + f"<br>silo measure {silo_words(silo)}"
                         + (" (1: only receives)" if _defined(silo) else ""))
            where.append(_text_position(*pos[n]))
        out.append({
            "type": "scatter", "x": xs, "y": ys, "mode": "markers+text", "text": labels,
            "textposition": where, "textfont": {"size": 13}, "cliponaxis": False,
            "marker": {"size": [radius[n] for n in nodes], "color": SECTOR_COLOURS[sector],
                       "line": {"width": 1.5, "color": "#333333"}, "opacity": 0.95},
            "hovertext": hover, "hoverinfo": "text",
            "name": SECTOR_LABELS.get(sector, sector).capitalize(), "legendgroup": "sectors",
            "legendrank": 100 + rank,
            **({"legendgrouptitle": {"text": "Agencies (size: involvement)"}}
               if not out else {})})
    return out


def _text_position(x: float, y: float) -> str:
    if y > 0.7:
        return "top center"
    if y < -0.7:
        return "bottom center"
    return "middle right" if x > 0 else "middle left"


def _silo_traces(G: nx.DiGraph, pos: dict, summary: NetworkSummary) -> list[dict]:
    radius = _radius(G)
    out = []
    group = {"legendgroup": "silo"}
    title = {"legendgrouptitle": {"text": "The silo picture"}}
    hub = summary.get("hub")
    if hub is not None and hub in pos:
        out.append({"type": "scatter", "x": [pos[hub][0]], "y": [pos[hub][1]],
                    "mode": "markers", "hoverinfo": "skip",
                    "marker": {"symbol": "circle-open", "size": radius[hub] + 14,
                               "color": OKABE_ITO["black"], "line": {"width": 3}},
                    "name": f"Hub: {escape_text(hub)} (most hand-offs pass through)",
                    "legendrank": 200, **group, **title})
        title = {}
    sinks = [n for n in summary.get("received_never_passed", []) if n in pos]
    if sinks:
        out.append({"type": "scatter", "x": [pos[n][0] for n in sinks],
                    "y": [pos[n][1] for n in sinks], "mode": "markers",
                    "marker": {"symbol": "square-open", "size": [radius[n] + 12 for n in sinks],
                               "color": OKABE_ITO["vermillion"], "line": {"width": 3}},
                    "hovertext": [f"{escape_text(n)} received hand-offs but passed none on"
                                  for n in sinks], "hoverinfo": "text",
                    "name": "Received but never passed on", "legendrank": 201,
                    **group, **title})
        title = {}
    alone = [n for n in pos if G.degree(n) == 0]
    if alone:
        out.append({"type": "scatter", "x": [pos[n][0] for n in alone],
                    "y": [pos[n][1] for n in alone], "mode": "markers",
                    "marker": {"symbol": "circle-open", "size": [radius[n] + 12 for n in alone],
                               "color": "#777777", "line": {"width": 2, "dash": "dot"}},
                    "hovertext": [f"{escape_text(n)} took part in no hand-off" for n in alone],
                    "hoverinfo": "text", "name": "Took part in no hand-off",
                    "legendrank": 203, **group, **title})
        title = {}
    pairs = [(a, b) for a, b in summary.get("silent_pairs", []) if a in pos and b in pos]
    if pairs:
        mids = []
        for a, b in pairs:      # on the drawn curve (a → b, else b → a)
            if not G.has_edge(a, b):
                a, b = b, a
            xs, ys = _curve(pos[a], pos[b], shrink_a=0.0, shrink_b=0.0)
            mids.append((xs[len(xs) // 2], ys[len(ys) // 2]))
        out.append({"type": "scatter", "x": [m[0] for m in mids], "y": [m[1] for m in mids],
                    "mode": "markers",
                    "marker": {"symbol": "x", "size": 16, "color": OKABE_ITO["vermillion"],
                               "line": {"width": 1.5, "color": "white"}},
                    "hovertext": [f"{escape_text(a)} and {escape_text(b)} never answered each "
                                  "other" for a, b in pairs], "hoverinfo": "text",
                    "name": "Pair that never answered each other (✕)", "legendrank": 202,
                    **group, **title})
    return out


def _colourbar() -> dict:
    return {"type": "scatter", "x": [None], "y": [None], "mode": "markers",
            "marker": {"color": [0.0], "cmin": 0, "cmax": 1, "colorscale": UNANSWERED_SCALE,
                       "showscale": True,
                       "colorbar": {"title": {"text": "Hand-offs<br>unanswered", "side": "top"},
                                    "tickformat": ".0%", "len": 0.35, "thickness": 14,
                                    "x": 1.0, "y": 0.0, "yanchor": "bottom"}},
            "hoverinfo": "skip", "showlegend": False, "name": "unanswered share"}


def _title(G: nx.DiGraph, title: str | None) -> str:
    case = title or G.graph.get("case")
    name = f"Agency network of {escape_text(case)}" if case else "Agency network"
    start, end = G.graph.get("start"), G.graph.get("end")
    if start is not None or end is not None:
        name += (f", {day_month_year(start) if start else 'start'}"
                 f" to {day_month_year(end) if end else 'end'}")
    return name


def _subtitle(summary: NetworkSummary) -> str:
    hub = summary.get("hub")
    sinks = summary.get("received_never_passed", [])
    pairs = summary.get("silent_pairs", [])
    parts = [f"hub: {escape_text(hub)}" if hub else "no hand-offs",
             "received but never passed on: " + (", ".join(map(escape_text, sinks)) or "none"),
             "never answered each other: "
             + ("; ".join(f"{escape_text(a)} / {escape_text(b)}" for a, b in pairs) or "none"),
             f"reciprocity {float(summary.get('reciprocity', 0.0)):.2f}"]
    return " · ".join(parts) + "<br>arrow width: number of hand-offs; colour: share unanswered"


def describe_network(G: nx.DiGraph, *, summary: NetworkSummary | None = None) -> str:
    """The network as words and a table, for reports and screen readers."""
    if summary is None:
        summary = network_summary(G)
    total = sum(int(d.get("count", 0)) for _, _, d in G.edges(data=True))
    hub = summary.get("hub")
    lines = [f"Agency network: {G.number_of_nodes()} agencies, {total} hand-offs along "
             f"{G.number_of_edges()} connection(s); hub: {hub or 'none'}."]
    sinks = summary.get("received_never_passed", [])
    lines.append("Received hand-offs but passed none on: " + (", ".join(sinks) or "none") + ".")
    pairs = summary.get("silent_pairs", [])
    lines.append("Pairs that never answered each other: "
                 + ("; ".join(f"{a} and {b}" for a, b in pairs) or "none") + ".")
    lines.append(f"Reciprocity (share of connections answered by a connection back): "
                 f"{float(summary.get('reciprocity', 0.0)):.2f}.")
    rows = [[a, b, d.get("count", 0), d.get("answered", 0), d.get("late", 0),
             d.get("unanswered", 0), d.get("open", 0),
             _hours(d.get("latency_median_hours"))]
            for a, b, d in sorted(G.edges(data=True))]
    table = markdown_table(["From", "To", "Hand-offs", "Answered", "Late", "Unanswered",
                            "Not yet due", "Median answer"], rows)
    nodes = markdown_table(
        ["Agency", "Sector", "Records", "Sent", "Received", "Silo (0-1)"],
        [[n, SECTOR_LABELS.get(d.get("sector", "other"), "other"), d.get("events", 0),
          d.get("sent", 0), d.get("received", 0), silo_words(summary.get("silo", {}).get(n))]
         for n, d in sorted(G.nodes(data=True), key=lambda nd: str(nd[0]))])
    return "\n".join(lines) + "\n\n" + nodes + "\n\n" + table
