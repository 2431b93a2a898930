"""The agency network: who passed what to whom, who answered, who stayed a silo.

:func:`agency_graph` builds a :class:`networkx.DiGraph` of agencies from a case's
hand-offs; :func:`network_summary` reads it as a reviewer would (the hub, agencies
that received but never passed on, pairs that never answered each other,
reciprocity, a silo measure per agency). :func:`handover_of_work` and
:func:`working_together` are the social-network metrics of process mining (van der
Aalst, Reijers and Song, 2005), implemented from their definitions. Drawing is in
:mod:`workbench.views.network`.

Examples
--------
>>> import pandas as pd
>>> from workbench.analysis.analyse import analyse
>>> ev = pd.DataFrame({
...     "id": ["s1", "c1", "c2"], "seq": [1, 2, 3],
...     "agency": ["School", "Children's Social Care", "Children's Social Care"],
...     "kind": ["referral", "case_opened", "information_shared"],
...     "recipients": ["Children's Social Care", "", "Police"], "attendees": "",
...     "refers_to": ["", "s1", ""], "risk_grade": "", "summary": "", "source": "",
...     "start": pd.to_datetime(["2025-02-03 10:00", "2025-02-04 10:00", "2025-03-20 10:00"],
...                             utc=True), "precision": "minute"})
>>> G = agency_graph(analyse(ev))
>>> G.edges["School", "Children's Social Care"]["answered"], G.nodes["Police"]["received"]
(1, 1)
>>> network_summary(G)["received_never_passed"]
['Police']
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from typing import TypedDict

import networkx as nx
import numpy as np
import pandas as pd

from workbench.analysis.analyse import Analysis, analyse
from workbench.analysis.episodes import event_frame
from workbench.case import Case

__all__ = ["agency_graph", "edge_table", "handover_of_work", "network_summary",
           "working_together"]

_STATUSES = ("answered", "late", "unanswered", "open")


def _ts(value: pd.Timestamp | str | None) -> pd.Timestamp | None:
    if value is None:
        return None
    ts = pd.Timestamp(value)
    return ts.tz_localize("Europe/London").tz_convert("UTC") if ts.tzinfo is None else ts


def _window(frame: pd.DataFrame, column: str, start: pd.Timestamp | str | None,
            end: pd.Timestamp | str | None) -> pd.DataFrame:
    start, end = _ts(start), _ts(end)
    keep = pd.Series(True, index=frame.index)
    if start is not None:
        keep &= frame[column] >= start
    if end is not None:
        keep &= frame[column] < end
    return frame.loc[keep]


def edge_table(handoffs: pd.DataFrame) -> pd.DataFrame:
    """Hand-offs aggregated per (sender, recipient): counts by status and latency."""
    if handoffs.empty:
        return pd.DataFrame(columns=["sender", "recipient", "count", *_STATUSES,
                                     "unanswered_share", "latency_median_hours",
                                     "latency_max_hours"])
    counts = pd.crosstab([handoffs["sender"], handoffs["recipient"]], handoffs["status"])
    counts = counts.reindex(columns=list(_STATUSES), fill_value=0)
    latency = handoffs.groupby(["sender", "recipient"])["latency_hours"].agg(["median", "max"])
    out = counts.join(latency).reset_index()
    out["count"] = out[list(_STATUSES)].sum(axis=1)
    decided = out["count"] - out["open"]
    out["unanswered_share"] = np.where(decided > 0, out["unanswered"] / decided.clip(lower=1),
                                       0.0)
    return out.rename(columns={"median": "latency_median_hours", "max": "latency_max_hours"})


def agency_graph(data: Analysis | Case | pd.DataFrame, *, start: pd.Timestamp | str | None = None,
                 end: pd.Timestamp | str | None = None) -> nx.DiGraph:
    """Agencies as nodes, hand-offs as directed edges, within an optional window.

    Node attributes: ``sector``, ``events`` (records in the window), ``sent`` and
    ``received`` (hand-offs). Edge attributes: ``count``, ``answered``, ``late``,
    ``unanswered``, ``open``, ``unanswered_share`` (of those decided),
    ``latency_median_hours``, ``latency_max_hours`` and ``handoffs`` (ids).
    """
    analysis = analyse(data)
    events = _window(analysis.events, "start", start, end) if (start or end) \
        else analysis.events
    h = _window(analysis.handoffs, "sent", start, end)
    G = nx.DiGraph()
    sectors = dict(zip(analysis.events["agency"], analysis.events["sector"], strict=False)) \
        if "sector" in analysis.events else {}
    involvement = Counter(events["agency"])
    for agency in dict.fromkeys([*analysis.events["agency"], *h["recipient"]]):
        if agency:
            G.add_node(agency, sector=sectors.get(agency) or _sector(analysis, agency),
                       events=int(involvement.get(agency, 0)), sent=0, received=0)
    ids = h.groupby(["sender", "recipient"])["handoff_id"].agg(list)
    for row in edge_table(h).itertuples(index=False):
        G.add_edge(row.sender, row.recipient, count=int(row.count),
                   answered=int(row.answered), late=int(row.late),
                   unanswered=int(row.unanswered), open=int(row.open),
                   unanswered_share=float(row.unanswered_share),
                   latency_median_hours=_num(row.latency_median_hours),
                   latency_max_hours=_num(row.latency_max_hours),
                   handoffs=ids[(row.sender, row.recipient)])
        G.nodes[row.sender]["sent"] += int(row.count)
        G.nodes[row.recipient]["received"] += int(row.count)
    G.graph.update(case=analysis.case.id if analysis.case else None,
                   start=_ts(start), end=_ts(end))
    return G


def _num(value: float) -> float | None:
    return None if pd.isna(value) else float(value)


def _sector(analysis: Analysis, agency: str) -> str:
    if analysis.case is not None:
        return analysis.case.sector_of(agency)
    from workbench.agencies import load_aliases

    return load_aliases().sector(agency)


class NetworkSummary(TypedDict):
    """What :func:`network_summary` returns (a plain dict, typed)."""

    hub: str | None
    received_never_passed: list[str]
    silent_pairs: list[tuple[str, str]]
    one_way_pairs: list[tuple[str, str]]
    reciprocity: float
    silo: dict[str, float]


def network_summary(G: nx.DiGraph) -> NetworkSummary:
    """What a reviewer reads off the network.

    - ``hub``: the agency most hand-offs pass through (highest total degree
      weighted by count; ties by name);
    - ``received_never_passed``: agencies that received hand-offs but sent none;
    - ``silent_pairs``: pairs of agencies with hand-offs between them none of which
      was ever answered (in either direction);
    - ``one_way_pairs``: pairs where hand-offs went one way only;
    - ``reciprocity``: share of edges whose reverse edge exists;
    - ``silo``: per agency, the share of its hand-off partners it never sent to
      (0: it passes to everyone it hears from; 1: it only receives); undefined (NaN)
      for an agency with no hand-off partner in the window, which is not a silo by
      what it did with hand-offs but had none to pass on.

    >>> G = nx.DiGraph([("School", "Police")]); G.add_node("Health")
    >>> s = network_summary(G)["silo"]
    >>> s["School"], s["Police"], s["Health"]
    (0.0, 1.0, nan)
    """
    degree = dict(G.degree(weight="count"))
    hub = max(sorted(degree), key=lambda a: degree[a]) if degree and max(degree.values()) \
        else None
    silent, one_way = [], []
    for a, b in sorted({tuple(sorted(e)) for e in G.edges}):
        there, back = G.get_edge_data(a, b), G.get_edge_data(b, a)
        answered = sum((d or {}).get("answered", 0) + (d or {}).get("late", 0)
                       for d in (there, back))
        decided = sum((d or {}).get("count", 0) - (d or {}).get("open", 0)
                      for d in (there, back))
        if decided and not answered:
            silent.append((a, b))
        if not (there and back):
            one_way.append((a, b) if there else (b, a))
    silo = {}
    for agency in sorted(G):
        partners = set(G.predecessors(agency)) | set(G.successors(agency))
        silo[agency] = (len(partners - set(G.successors(agency))) / len(partners)
                        if partners else float("nan"))
    return {
        "hub": hub,
        "received_never_passed": sorted(a for a, d in G.nodes(data=True)
                                        if d.get("received") and not d.get("sent")),
        "silent_pairs": silent,
        "one_way_pairs": one_way,
        "reciprocity": float(nx.reciprocity(G)) if G.number_of_edges() else 0.0,
        "silo": silo,
    }


def handover_of_work(data: Analysis | Case | pd.DataFrame, *, beta: float = 0.0,
                     depth: int = 1, include_self: bool = False) -> pd.DataFrame:
    """Handover-of-work metric (van der Aalst, Reijers and Song, 2005).

    Within a case, work passes from agency *i* to *j* when an event by *i* is
    followed by an event by *j*. With ``beta = 0`` only direct successions count
    (the causal, direct variant); with ``0 < beta < 1`` successions at distance
    ``n <= depth`` count with weight ``beta ** (n - 1)`` (the indirect variant).
    Values are normalised by the total weight over all cases, so they sum to 1.
    Returns a table ``source, target, value`` sorted by value.
    """
    ev = event_frame(data)
    ev = ev.sort_values(["case_id", "seq"], kind="stable")
    frames = []
    reach = 1 if beta == 0 else depth
    case = ev["case_id"].to_numpy()
    agency = ev["agency"].to_numpy()
    for n in range(1, reach + 1):
        same_case = case[n:] == case[:-n]
        pairs = pd.DataFrame({"source": agency[:-n][same_case], "target": agency[n:][same_case]})
        if not include_self:
            pairs = pairs.loc[pairs["source"] != pairs["target"]]
        frames.append(pairs.assign(weight=1.0 if beta == 0 else beta ** (n - 1)))
    pairs = pd.concat(frames, ignore_index=True)
    out = pairs.groupby(["source", "target"], as_index=False)["weight"].sum()
    total = out["weight"].sum()
    out["value"] = out["weight"] / total if total else 0.0
    return out.drop(columns="weight").sort_values(["value", "source", "target"],
                                                  ascending=[False, True, True],
                                                  ignore_index=True)


def working_together(data: Analysis | Case | pd.DataFrame) -> pd.DataFrame:
    """Working-together metric (van der Aalst, Reijers and Song, 2005).

    Two agencies work together when both record events in the same case; the value
    of a pair is the share of cases in which they both appear. Returns
    ``source, target, value`` (each unordered pair once, ``source < target``).
    """
    ev = event_frame(data)
    per_case = ev.loc[ev["agency"].ne("")].groupby("case_id")["agency"].agg(
        lambda s: sorted(set(s)))
    counts: Counter[tuple[str, str]] = Counter()
    for agencies in per_case:
        counts.update(combinations(agencies, 2))
    cases = len(per_case)
    rows = [(a, b, n / cases) for (a, b), n in counts.items()]
    return pd.DataFrame(rows, columns=["source", "target", "value"]).sort_values(
        ["value", "source", "target"], ascending=[False, True, True], ignore_index=True)
