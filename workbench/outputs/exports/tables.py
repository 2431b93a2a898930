"""The tables a reviewer opens in a spreadsheet, and the agency network as plain data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import networkx as nx
import pandas as pd

from workbench.analysis.analyse import Analysis
from workbench.case import EVENT_COLUMNS, Case
from workbench.outputs.exports._common import analysis_of, clean, plain
from workbench.review_record import ReviewRecord, flag_key

if TYPE_CHECKING:
    from workbench.analysis.rules import Rule
    from workbench.protocols import Protocol

__all__ = ["ACTION_PLAN_COLUMNS", "action_plan_table", "export_graph", "export_tables"]

ACTION_PLAN_COLUMNS = ("action_id", "action", "owner", "due", "status", "overdue", "progress",
                       "recommendation_id", "recommendation", "findings")


#: the figure's unit circle, scaled to the coordinates Gephi opens at a readable zoom
GEPHI_SCALE = 400.0


def export_graph(G: nx.DiGraph, *, viz: bool = False) -> nx.DiGraph:
    """A copy of an agency graph for GraphML and GEXF, so that Gephi opens the picture
    the network figure draws.

    Attributes are plain (str, int, float, bool): lists joined with ``"; "``, times as
    ISO text, missing values left out. Every edge carries ``weight`` (its hand-offs);
    every node its sector colour (``color`` as ``#RRGGBB`` and ``r``, ``g``, ``b``), the
    figure's marker size (``size``, by involvement) and the figure's position
    (:func:`workbench.views.network.network_positions`, as ``x`` and ``y``), which
    Gephi's GraphML reader takes as colour, size and layout. With ``viz`` (for GEXF) the
    same colour, size and position also go in GEXF's own ``viz`` element.

    >>> G = nx.DiGraph(); G.add_node("Police", sector="police", events=3)
    >>> G.add_node("School", sector="education", events=1)
    >>> G.add_edge("School", "Police", count=2, handoffs=["h1", "h2"])
    >>> H = export_graph(G)
    >>> H.edges["School", "Police"]["weight"], H.edges["School", "Police"]["handoffs"]
    (2, 'h1; h2')
    >>> H.nodes["Police"]["color"], H.nodes["Police"]["y"]
    ('#0072B2', 400.0)
    """
    from workbench.views.network import _radius, network_positions
    from workbench.views.style import SECTOR_COLOURS

    def attributes(attrs: Mapping[str, object]) -> dict[str, object]:
        out: dict[str, object] = {}
        for k, v in attrs.items():
            if isinstance(v, (list, tuple, set)):
                v = "; ".join(str(x) for x in v)
            v = plain(v)
            if v is None:
                continue
            out[str(k)] = clean(v) if isinstance(v, str) else v
        return out

    positions = network_positions(G) if len(G) else {}
    sizes = _radius(G) if len(G) else {}   # the figure's marker diameters
    H = nx.DiGraph()
    H.graph.update(attributes(G.graph))
    for node, attrs in G.nodes(data=True):
        colour = SECTOR_COLOURS.get(str(attrs.get("sector", "other")), SECTOR_COLOURS["other"])
        r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
        x, y = (round(v * GEPHI_SCALE, 3) for v in positions[node])
        size = round(sizes[node], 3)
        look = {"color": colour, "r": r, "g": g, "b": b, "x": x, "y": y, "size": size}
        if viz:
            look["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0},
                           "position": {"x": x, "y": y, "z": 0.0}, "size": size}
        H.add_node(clean(node), **{"label": clean(node), **attributes(attrs), **look})
    for a, b, attrs in G.edges(data=True):
        H.add_edge(clean(a), clean(b), **attributes(attrs),
                   weight=int(attrs.get("count") or 1))
    return H


# -- tables -------------------------------------------------------------------------------

def export_tables(data: Case | Analysis, *, protocol: Protocol | str | None = None,
                  rules: Iterable[Rule] | None = None, flags: pd.DataFrame | None = None,
                  record: ReviewRecord | None = None, today=None) -> dict[str, pd.DataFrame]:
    """The tables a reviewer opens in a spreadsheet: ``events``, ``episodes``,
    ``handoffs``, ``flags`` and ``action-plan`` (empty without a record)."""
    from workbench.analysis.rules import flag_table

    analysis = analysis_of(data, protocol)
    if flags is None:
        flags = flag_table(analysis, rules=rules)
    events = analysis.events.loc[:, ["case_id", *EVENT_COLUMNS]]
    flags = flags.assign(flag=[flag_key(r) for r in flags.itertuples(index=False)])
    flags = flags.loc[:, ["flag", *[c for c in flags.columns if c != "flag"]]]
    return {"events": events, "episodes": analysis.episodes, "handoffs": analysis.handoffs,
            "flags": flags, "action-plan": action_plan_table(record, today=today)}


def action_plan_table(record: ReviewRecord | None, *, today=None) -> pd.DataFrame:
    """One row per action: owner, due date, status (and whether overdue), and the
    recommendation and findings it answers."""
    if record is None:
        return pd.DataFrame(columns=list(ACTION_PLAN_COLUMNS))
    recs = {r.id: r for r in record.recommendations}
    titles = {f.id: f.title for f in record.findings}
    rows = []
    for a in record.actions:
        rec = recs.get(a.recommendation or "")
        rows.append({"action_id": a.id, "action": a.text, "owner": a.owner,
                     "due": a.due.isoformat(), "status": a.status,
                     "overdue": a.overdue(today), "progress": a.progress,
                     "recommendation_id": a.recommendation or "",
                     "recommendation": rec.text if rec else "",
                     "findings": "; ".join(titles.get(f, f) for f in rec.findings) if rec
                     else ""})
    return pd.DataFrame(rows, columns=list(ACTION_PLAN_COLUMNS))
