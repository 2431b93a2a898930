"""The network dashboard: the agency network of a case within a time window.

:class:`NetworkApp` draws :func:`workbench.views.network.network_figure` of
:func:`workbench.analysis.network.agency_graph` for the chosen months (one ``FigureWidget``,
redrawn in place when the window moves); choosing an edge (from the list, or by
clicking its hover point) lists its hand-offs with their status; a table gives each
agency's silo measure (:func:`workbench.analysis.network.network_summary`).

Examples
--------
>>> app = NetworkApp(library=CaseLibrary())          # doctest: +SKIP
>>> app.edge_picker.options[0][0]                    # doctest: +SKIP
'Police → Children's Social Care (21 hand-offs)'
"""

from __future__ import annotations

import ipywidgets as w
import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from workbench.analysis.analyse import Analysis
from workbench.analysis.network import NetworkSummary, agency_graph, network_summary
from workbench.apps._figure import FigureSlot
from workbench.apps._html import STYLE, Safe, esc, local_time, table, text_block, words_html
from workbench.apps._key import fit_network, key_outside
from workbench.apps._layout import fill, panel, panels, row
from workbench.apps.library import CaseLibrary
from workbench.apps.page import PageHelper
from workbench.datetext import day_month_year
from workbench.errors import CaseValidationError
from workbench.views.style import SECTOR_LABELS

__all__ = ["NetworkApp", "background_words", "month_bounds"]

#: names and live regions the page gives the network's widgets
NETWORK_ARIA = {
    ".wb-window .noUi-handle-lower": {"aria-label": "Window starts"},
    ".wb-window .noUi-handle-upper": {"aria-label": "Window ends"},
    ".wb-status": {"role": "status"},
    ".wb-figure": {"role": "figure", "aria-label": "Network of the agencies",
                   "aria-describedby": "wb-network-words"},
}
_STATUS_WORDS = {"answered": "answered in time", "late": "answered late",
                 "unanswered": "never answered", "open": "not yet due"}


def month_bounds(analysis: Analysis) -> list[pd.Timestamp]:
    """The stops of the window slider: month starts (UK time) from the month of the first
    hand-off to the month after the last (the network is made of hand-offs; background
    records years earlier would squeeze them into one end of the slider). A case without
    hand-offs spans its dated events."""
    sent = analysis.handoffs["sent"].dropna() if len(analysis.handoffs) else pd.Series([], dtype=object)
    dated = sent if len(sent) else analysis.events["start"].dropna()
    if dated.empty:
        return []
    local = pd.to_datetime(dated, utc=True).dt.tz_convert("Europe/London")
    first = local.min().tz_localize(None).to_period("M").to_timestamp()
    last = (local.max().tz_localize(None).to_period("M") + 1).to_timestamp()
    return [t.tz_localize("Europe/London") for t in pd.date_range(first, last, freq="MS")]


def background_words(analysis: Analysis, stops: list[pd.Timestamp]) -> str:
    """Words for the records kept apart from the window: those dated before its first
    month (the background of years before the hand-offs), or "" when there are none.

    They are not in any window of the slider: the network is made of hand-offs, and a
    slider spanning the background would squeeze the hand-offs into one end of it.
    """
    if not stops:
        return ""
    start = pd.to_datetime(analysis.events["start"], utc=True)
    before = start.loc[start < stops[0]]
    if before.empty:
        return ""
    years = before.dt.tz_convert("Europe/London").dt.year
    span = f"{years.min()}" if years.min() == years.max() else f"{years.min()}–{years.max()}"
    return (f"{len(before)} earlier record(s) ({span}) are background, before the first "
            f"hand-off: not in the window.")


def _narrow_hint() -> w.HTML:
    hint = w.HTML("<span class='wb-muted'>Swipe the network sideways to see all of it.</span>")
    hint.add_class("wb-narrow-only")
    return hint


class NetworkApp:
    """The network dashboard's widgets and what they do.

    Parameters
    ----------
    library : the cases on offer.
    case : key of the case to open first (default: the first in the library).
    width : pixels of the figure.
    """

    def __init__(self, *, library: CaseLibrary, case: str | None = None, width: int = 1000):
        self.library, self.width = library, width
        self.key: str | None = None
        self.analysis: Analysis | None = None
        self.graph: nx.DiGraph = nx.DiGraph()  # empty until a case is open
        self.summary: NetworkSummary = network_summary(self.graph)
        self._edges: list[tuple[str, str]] = []
        self._quiet = False
        self._background = ""
        self._build()
        first = case or (library.entries[0].key if library.entries else None)
        if first is not None:
            self.case_picker.value = first

    def _build(self) -> None:
        L = w.Layout
        self.case_picker = fill(w.Dropdown(options=self.library.options(), value=None,
                                           description="Case"), basis="300px",
                                max_width="620px", css="wb-case")
        self.case_picker.observe(lambda c: self.select_case(c["new"]) if c["new"] else None,
                                 "value")
        self.window = fill(w.SelectionRangeSlider(options=[("–", 0)], index=(0, 0),
                                                  description="Window",
                                                  continuous_update=False),
                           basis="300px", max_width="900px", css="wb-window")
        self.window.observe(self._on_window, "value")
        self.status = w.HTML(layout=L(width="100%"))
        self.status.add_class("wb-status")
        self.figure_slot = FigureSlot(width=self.width, placeholder="Drawing the network…",
                                      filename="network", prepare=fit_network)
        self.figure_slot.on_widget(self._wire_clicks)
        self.figure_box = self.figure_slot.widget
        self.figure_text = w.HTML(layout=L(width="100%"))
        self.figure_text.add_class("wb-figure-text")
        self.edge_picker = fill(w.Dropdown(options=[], description="Hand-offs"),
                                css="wb-edge")
        self.edge_picker.observe(self._on_edge, "value")
        self.edge_panel = w.HTML(layout=L(width="100%"))
        self.edge_panel.add_class("wb-edge-handoffs")
        self.silo_panel = w.HTML(layout=L(width="100%"))
        self.silo_panel.add_class("wb-silo")
        self.page = PageHelper(storage_key="workbench-network", title="Agency network",
                               aria=NETWORK_ARIA)
        self.widget = w.VBox([
            w.HTML(STYLE), self.page, w.HTML("<h2>Agency network</h2>"),
            row([self.case_picker, self.window]), self.status, _narrow_hint(), self.figure_box,
            self.figure_text,
            panels([panel([w.HTML("<h3>Choose a connection (or click its dot in the "
                                  "picture)</h3>"), self.edge_picker, self.edge_panel],
                          basis="480px"),
                    panel([w.HTML("<h3>Silos: who passes on what they hear</h3>"),
                           self.silo_panel], basis="420px")],
                   basis=["480px", "420px"])],
            layout=L(width="100%"))
        self.widget.add_class("wb-app")
        self.widget.add_class("wb-network")

    def select_case(self, key: str) -> None:
        """Open a case: the whole record as the window."""
        try:
            self.analysis = self.library.analysis(key)
        except CaseValidationError as exc:
            self.status.value = ('<span class="wb-problem">This case could not be read: '
                                 + "; ".join(esc(p) for p in exc.problems[:5]) + "</span>")
            return
        self.key = key
        stops = month_bounds(self.analysis)
        self._background = background_words(self.analysis, stops)
        self._quiet = True
        try:
            if stops:
                self.window.options = [(t.strftime("%b %Y"), t) for t in stops]
                self.window.index = (0, len(stops) - 1)
                self.window.disabled = False
            else:
                self.window.options = [("whole record", None)]
                self.window.index = (0, 0)
                self.window.disabled = True
        finally:
            self._quiet = False
        self.set_window(*self.window.value)

    def _on_window(self, change) -> None:
        if not self._quiet and change["new"] is not None:
            self.set_window(*change["new"])

    def set_window(self, start: pd.Timestamp | None, end: pd.Timestamp | None) -> None:
        """Draw the network of hand-offs sent in ``[start, end)`` (None: open)."""
        from workbench.views.network import describe_network, network_figure

        if start is not None and end is not None and start >= end:
            end = None
        self.graph = agency_graph(self.analysis, start=start, end=end)
        self.summary = network_summary(self.graph)
        fig = network_figure(self.graph, summary=self.summary, width=self.width)
        legend_html = key_outside(fig)
        self.figure_slot.show(fig)
        self.figure_text.value = legend_html + words_html(
            describe_network(self.graph, summary=self.summary), anchor="wb-network-words",
            summary="The network in words")
        handoffs = sum(d["count"] for _, _, d in self.graph.edges(data=True))
        self.status.value = (f"{self.graph.number_of_nodes()} agencies, {handoffs} hand-off(s) "
                             f"sent {self._window_words(start, end)}"
                             + (f". {esc(self._background)}" if self._background else ""))
        self._edges = sorted(self.graph.edges)
        options = [(f"{a} → {b} ({self.graph.edges[a, b]['count']} hand-off(s))", (a, b))
                   for a, b in self._edges]
        self._quiet = True
        try:
            self.edge_picker.options = options
            self.edge_picker.value = None
        finally:
            self._quiet = False
        if options:
            worst = max(self._edges, key=lambda e: (self.graph.edges[e]["unanswered"],
                                                    self.graph.edges[e]["count"]))
            self.edge_picker.value = worst
        else:
            self.edge_panel.value = "<p class='wb-muted'>No hand-offs in this window.</p>"
        self.silo_panel.value = self._silo_html()

    @staticmethod
    def _window_words(start, end) -> str:
        if start is None and end is None:
            return "over the whole record"
        first = day_month_year(start) if start is not None else "the start"
        last = day_month_year(end) if end is not None else "the end"
        return f"from {first} to {last}"

    @property
    def figure(self) -> go.Figure | go.FigureWidget | None:
        """The network picture (a ``FigureWidget`` once a page shows it)."""
        return self.figure_slot.figure

    def _wire_clicks(self, figure: go.FigureWidget) -> None:
        for trace in figure.data:
            if trace.name == "Hand-offs (hover)":
                trace.on_click(self._on_point)

    def _on_point(self, trace, points, state) -> None:
        if points.point_inds:
            i = points.point_inds[0]
            if 0 <= i < len(self._edges):
                self.edge_picker.value = self._edges[i]

    def _on_edge(self, change) -> None:
        if change["new"] is not None and not self._quiet:
            self.show_edge(*change["new"])

    def show_edge(self, sender: str, recipient: str) -> None:
        """List the hand-offs from ``sender`` to ``recipient`` in the window."""
        if self.analysis is None:
            return
        h = self.analysis.handoffs
        ids = set(self.graph.edges[sender, recipient]["handoffs"]) \
            if self.graph.has_edge(sender, recipient) else set()
        rows = h.loc[h["handoff_id"].isin(ids)].sort_values("sent")
        d = self.graph.edges[sender, recipient] if ids else {}
        head = (f"<p><b>{esc(sender)} → {esc(recipient)}</b>: {d.get('count', 0)} hand-off(s), "
                f"{d.get('answered', 0)} answered in time, {d.get('late', 0)} late, "
                f"{d.get('unanswered', 0)} never answered, {d.get('open', 0)} not yet due</p>")
        self.edge_panel.value = head + table(
            ["Sent", "What", "Status", "Answered", "Source"],
            [[local_time(r.sent, fmt="%d/%m/%Y %H:%M"), text_block(r.summary),
              Safe(f"<b>{esc(_STATUS_WORDS.get(r.status, r.status))}</b>"),
              (local_time(r.answered_at, fmt="%d/%m/%Y") + (
                  f" ({r.working_days:.0f} working days)" if pd.notna(r.working_days) else "")
               ) if r.answer_id else "–",
              Safe(f"<code>{esc(r.source)}</code>")]
             for r in rows.itertuples()], label=f"Hand-offs from {sender} to {recipient}")

    def _silo_html(self) -> str:
        from workbench.views.network import silo_words

        G, s = self.graph, self.summary
        rows = []

        def partners(agency: str) -> set[str]:
            return set(G.predecessors(agency)) | set(G.successors(agency))

        # an agency in no hand-off has no silo measure (NaN: undefined, not 1.00)
        for agency in sorted(G, key=lambda a: (not partners(a),
                                               -(s["silo"][a] if partners(a) else 0.0),
                                               a)):
            d = G.nodes[agency]
            sector = d.get("sector", "")
            rows.append([agency, SECTOR_LABELS.get(sector, sector), d.get("events", 0),
                         d.get("sent", 0), d.get("received", 0), len(partners(agency)),
                         silo_words(s["silo"].get(agency))])
        lines = [f"Hub: <b>{esc(s['hub'] or '–')}</b> · reciprocity {s['reciprocity']:.2f}",
                 "Received but never passed on: "
                 + (esc(", ".join(s["received_never_passed"])) or "none"),
                 "Never answered each other: "
                 + (esc("; ".join(f"{a} / {b}" for a, b in s["silent_pairs"])) or "none")]
        return ("<p>" + "<br>".join(lines) + "</p>"
                + table(["Agency", "Sector", "Records", "Sent", "Received", "Partners",
                         "Silo (1: only receives)"], rows, label="Silo measure per agency")
                + "<p class='wb-muted'>Silo measure: the share of an agency's hand-off "
                  "partners it never sent anything to.</p>")
