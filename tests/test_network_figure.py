"""Drawing the agency network (the graph itself is tested with workbench.analysis.network).

Golden JSON: ``tests/golden/network_tiny.json``; regenerate with ``UPDATE_GOLDEN=1``
(see ``tests/test_timeline.py``).
"""

from __future__ import annotations

import math

import networkx as nx
import pytest

from tests.test_timeline import all_strings, check_golden, normalise, tiny_events
from workbench.analysis.analyse import analyse
from workbench.views.network import (
    agency_graph,
    describe_network,
    network_figure,
    network_positions,
    network_summary,
)
from workbench.views.style import OKABE_ITO, SECTOR_COLOURS


def graph() -> nx.DiGraph:
    """School and Police pass things on; CAMHS only receives; School and Police never
    answered each other; the Youth Service takes part in nothing."""
    G = nx.DiGraph(case="child-y")
    for name, sector, records in (("Police", "police", 12), ("School", "education", 5),
                                  ("CAMHS", "health", 2), ("Youth Service", "third-sector", 1),
                                  ("Children's Social Care", "social-care", 9)):
        G.add_node(name, sector=sector, events=records, sent=0, received=0)
    for a, b, count, answered, late, unanswered, latency in (
            ("School", "Children's Social Care", 3, 2, 1, 0, 60.0),
            ("Children's Social Care", "CAMHS", 2, 0, 0, 2, None),
            ("School", "Police", 1, 0, 0, 1, None),
            ("Police", "School", 1, 0, 0, 1, None),
            ("Police", "Children's Social Care", 4, 4, 0, 0, 20.0),
            ("Children's Social Care", "Police", 1, 0, 1, 0, 200.0)):
        G.add_edge(a, b, count=count, answered=answered, late=late, unanswered=unanswered,
                   open=0, unanswered_share=unanswered / count, latency_median_hours=latency,
                   latency_max_hours=latency, handoffs=[f"{a}>{b}-{i}" for i in range(count)])
        G.nodes[a]["sent"] += count
        G.nodes[b]["received"] += count
    return G


@pytest.fixture(scope="module")
def fig():
    return network_figure(graph())


def test_positions_are_deterministic_whatever_the_order_nodes_were_added():
    G = graph()
    shuffled = nx.DiGraph(**G.graph)
    shuffled.add_nodes_from(reversed(list(G.nodes(data=True))))
    shuffled.add_edges_from(G.edges(data=True))
    assert network_positions(G) == network_positions(shuffled)
    assert network_figure(G).to_json() == network_figure(shuffled).to_json()
    top = network_positions(G)["Police"]
    assert top == (0.0, 1.0)                                   # police first, at the top


def test_nodes_are_coloured_by_sector_and_sized_by_involvement(fig):
    nodes = {t.name: t for t in fig.data if t.legendgroup == "sectors"}
    assert set(nodes) == {"Police", "Social care", "Education", "Health",
                          "Charity / third sector"}
    assert nodes["Police"].marker.color == SECTOR_COLOURS["police"]
    assert nodes["Health"].marker.color == SECTOR_COLOURS["health"]
    sizes = {n: t.marker.size[list(t.text).index(next(x for x in t.text if n in x))]
             for t in nodes.values() for n in ("Police", "CAMHS", "Youth Service") if
             any(n in x for x in t.text)}
    assert sizes["Police"] > sizes["CAMHS"] > sizes["Youth Service"]


def test_edges_are_directed_width_by_count_colour_by_unanswered_share(fig):
    edges = {t.name: t for t in fig.data if t.legendgroup == "edges"}
    school_csc = edges["School → Children's Social Care"]
    csc_camhs = edges["Children's Social Care → CAMHS"]
    assert school_csc.line.width > edges["School → Police"].line.width
    assert school_csc.line.color == "rgb(0, 114, 178)"          # none unanswered: blue
    assert csc_camhs.line.color == "rgb(213, 94, 0)"            # all unanswered: vermillion
    assert school_csc.marker.symbol == "arrow" and school_csc.marker.angleref == "previous"
    assert list(school_csc.marker.size)[:-1] == [0] * (len(school_csc.x) - 1)
    there, back = edges["Police → Children's Social Care"], \
        edges["Children's Social Care → Police"]
    assert list(there.x) != list(reversed(back.x))               # drawn apart, not on one line
    hover = next(t for t in fig.data if t.name == "Hand-offs (hover)")
    text = next(h for h in hover.hovertext if h.startswith("<b>School → Children"))
    assert "3 hand-off(s): 2 answered in time, 1 late" in text and "2.5 days (median)" in text


def test_the_silo_picture_hub_sinks_silent_pairs_and_the_isolated(fig):
    summary = network_summary(graph())
    assert summary["hub"] == "Children's Social Care"
    silo = {t.name: t for t in fig.data if t.legendgroup == "silo"}
    hub = next(t for n, t in silo.items() if n.startswith("Hub: "))
    pos = network_positions(graph())
    assert (hub.x[0], hub.y[0]) == pos["Children's Social Care"]
    sinks = silo["Received but never passed on"]
    assert list(zip(sinks.x, sinks.y, strict=True)) == [pos["CAMHS"]]
    pairs = silo["Pair that never answered each other (✕)"]
    assert set(summary["silent_pairs"]) == {("Police", "School"),
                                            ("CAMHS", "Children's Social Care")}
    for (a, b), x, y in zip(summary["silent_pairs"], pairs.x, pairs.y, strict=True):
        middle = ((pos[a][0] + pos[b][0]) / 2, (pos[a][1] + pos[b][1]) / 2)
        assert math.dist((x, y), middle) < 0.25                 # on the curve between them
    assert pairs.marker.color == OKABE_ITO["vermillion"]
    alone = silo["Took part in no hand-off"]
    assert list(zip(alone.x, alone.y, strict=True)) == [pos["Youth Service"]]
    labels = [x for t in fig.data if t.legendgroup == "sectors" for x in t.text]
    assert "<b>Children's Social Care</b> (hub)" in labels


def test_agency_names_are_escaped():
    G = nx.relabel_nodes(graph(), {"School": "<img src=x onerror=alert(1)> $x$"})
    joined = "\n".join(all_strings(network_figure(G).to_plotly_json()))
    assert "<img" not in joined and "$" not in joined
    assert "&lt;img src=x onerror=alert(1)&gt; &#36;x&#36;" in joined


def test_text_alternative():
    text = describe_network(graph())
    assert text.splitlines()[:3] == [
        "Agency network: 5 agencies, 12 hand-offs along 6 connection(s); "
        "hub: Children's Social Care.",
        "Received hand-offs but passed none on: CAMHS.",
        "Pairs that never answered each other: CAMHS and Children's Social Care; "
        "Police and School."]
    assert "| School | Children's Social Care | 3 | 2 | 1 | 0 | 0 | 2.5 days |" in text
    # no hand-off partner: no silo measure (it was 1.00, "only receives")
    assert "| Youth Service | charity / third sector | 1 | 0 | 0 | – (no hand-offs) |" in text


def test_a_window_is_named_in_the_title():
    analysis = analyse(tiny_events())
    G = agency_graph(analysis, start="2025-02-01", end="2025-02-15")
    f = network_figure(G, title="Child X")
    assert f.layout.title.text == "Agency network of Child X, 1 Feb 2025 to 15 Feb 2025"
    assert f.layout.xaxis.visible is False and f.layout.yaxis.scaleanchor == "x"


def test_golden_network():
    check_golden("network_tiny.json", normalise(network_figure(graph())))
