"""The cohort dashboard: the same engine over many cases, for analysts and managers.

:class:`CohortApp` shows :func:`workbench.analysis.cohort.cohort_report` of a cohort folder:
monthly trends (:func:`cohort_figure`: missing episodes and flags, hand-off answer
rate and return-interview timeliness, on one date axis), flags per pattern and
agency, return-interview timeliness, and hand-off answer rates and latencies per pair
of agencies. :func:`cohort_source` says which cohort to show: the configured folder,
else a small generated one, else the case studies taken together.

Examples
--------
>>> import pandas as pd
>>> from workbench.analysis.cohort import CohortReport
>>> trends = pd.DataFrame({"episodes": [3, 5], "flags": [1, 0], "handoffs": [4, 2],
...                        "answered": [3, 2], "answer_rate": [0.75, 1.0]},
...                       index=pd.Index(["2025-01", "2025-02"], name="month"))
>>> ri = pd.DataFrame({"found": [3, 5, 8], "on_time": [2, 5, 7], "on_time_share": [2/3, 1, 7/8]},
...                   index=["2025-01", "2025-02", "all"])
>>> report = CohortReport(totals={}, flags=pd.DataFrame(), return_interviews=ri,
...                       handoffs=pd.DataFrame(), trends=trends)
>>> fig = cohort_figure(report)
>>> fig.layout.xaxis.type, list(fig.data[0].x)
('date', ['2025-01-01', '2025-02-01'])
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from workbench.analysis.cohort import CohortReport, cohort_report
from workbench.apps._figure import FigureSlot
from workbench.apps._html import STYLE, Safe, esc, table
from workbench.apps._layout import fill, panel, panels
from workbench.apps.library import CaseLibrary
from workbench.apps.page import PageHelper
from workbench.apps.settings import Settings
from workbench.views.style import OKABE_ITO, base_template

__all__ = ["CohortApp", "cohort_figure", "cohort_source"]

_GENERATED_CASES = 40
#: names the page gives the cohort's widgets
COHORT_ARIA = {".wb-figure": {"role": "figure",
                              "aria-label": "Monthly trends: missing episodes and flags, and "
                                            "the share of hand-offs answered and return "
                                            "interviews on time (the tables below give the "
                                            "same figures)"}}


def _months(index: pd.Index) -> list[str]:
    return [f"{m}-01" for m in index]


def cohort_figure(report: CohortReport, *, pattern: str | None = None,
                  width: int | None = None, height: int | None = None) -> go.Figure:
    """Monthly trends of a cohort: episodes and flags (top), hand-off answer rate and
    return interviews on time (bottom), on a shared date axis.

    ``pattern`` counts only that pattern's flags (needs ``report.flag_table``).
    """
    trends = report.trends
    ri = report.return_interviews.drop(index="all", errors="ignore")
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        row_heights=[0.55, 0.45],
                        subplot_titles=("Missing episodes and flags per month",
                                        "Share answered or on time"))
    if len(trends):
        fig.add_trace(go.Bar(x=_months(trends.index), y=trends["episodes"].tolist(),
                             name="Missing episodes", marker_color=OKABE_ITO["sky"]),
                      row=1, col=1)
        flags = trends["flags"]
        name = "Flags (all patterns)"
        if pattern is not None and report.flag_table is not None:
            ft = report.flag_table
            ft = ft.loc[ft["pattern"] == pattern]
            month = pd.to_datetime(ft["at"], utc=True).dt.tz_convert("Europe/London") \
                .dt.strftime("%Y-%m")
            flags = month.value_counts().reindex(trends.index, fill_value=0)
            name = f"Flags: {esc(pattern)}"
        fig.add_trace(go.Bar(x=_months(trends.index), y=flags.tolist(), name=name,
                             marker_color=OKABE_ITO["vermillion"]), row=1, col=1)
        rate = trends["answer_rate"]
        fig.add_trace(go.Scatter(x=_months(trends.index), y=rate.tolist(), mode="lines+markers",
                                 name="Hand-offs answered", connectgaps=False,
                                 line={"color": OKABE_ITO["blue"]}), row=2, col=1)
    if len(ri):
        fig.add_trace(go.Scatter(x=_months(ri.index), y=ri["on_time_share"].tolist(),
                                 mode="lines+markers", name="Return interviews on time",
                                 line={"color": OKABE_ITO["green"], "dash": "dash"}),
                      row=2, col=1)
    fig.update_layout(template=base_template(), barmode="group", width=width or 1100,
                      height=height or 580, margin={"l": 60, "r": 20, "t": 80, "b": 40},
                      legend={"orientation": "h", "y": 1.08, "yanchor": "bottom", "x": 0},
                      hovermode="x unified")
    fig.update_xaxes(type="date", title_text=None)
    fig.update_xaxes(title_text="Month (UK time)", row=2, col=1)
    fig.update_yaxes(title_text="count", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="share", tickformat=".0%", range=[0, 1.05], row=2, col=1)
    return fig


def cohort_source(settings: Settings, workdir: str | Path) -> tuple[Path, str]:
    """The cohort to show, and where it came from, in words.

    The configured folder (``WORKBENCH_COHORT``); else a small synthetic cohort
    generated into ``workdir``; else the case studies (and configured cases) written
    into ``workdir`` as case folders.
    """
    if settings.cohort is not None:
        return settings.cohort, f"the cohort in {settings.cohort}"
    workdir = Path(workdir)
    try:
        from workbench.generate import generate_cohort
    except ImportError:
        generate_cohort = None
    reason = ""
    if generate_cohort is not None:
        try:
            out = generate_cohort(workdir / "generated", cases=_GENERATED_CASES, seed=1)
            return Path(out.path), (f"a synthetic cohort of {_GENERATED_CASES} children "
                                    "(workbench generate, seed 1)")
        except Exception as exc:  # the generator is optional here: fall back
            reason = f" (no synthetic cohort: {type(exc).__name__})"
    from workbench.errors import CaseValidationError
    from workbench.io.casefile import write_case

    library = CaseLibrary.from_settings(settings)
    folder = workdir / "cases"
    folder.mkdir(parents=True, exist_ok=True)
    written, skipped = 0, []
    for entry in library.entries:
        if entry.problems:  # listed as broken: never loaded
            skipped.append(f"{entry.key} ({entry.problems[0].reason})")
            continue
        try:
            case = library.load(entry.key)
        except CaseValidationError as exc:
            skipped.append(f"{entry.key} ({exc.problems[0].reason})")
            continue
        write_case(case, folder / entry.key.replace("@", "-"), replace=True)
        written += 1
    left = f"; {len(skipped)} skipped as broken: {', '.join(skipped)}" if skipped else ""
    return folder, f"the {written} case studies taken together{reason}{left}"


class CohortApp:
    """The cohort dashboard's widgets.

    Parameters
    ----------
    settings : where the cohort is (see :func:`cohort_source`).
    report : a report already made (tests); otherwise made from ``settings``.
    width : pixels of the figure.
    """

    def __init__(self, *, settings: Settings | None = None,
                 report: CohortReport | None = None, source: str = "", width: int = 1100):
        self.width = width
        self._workdir = None
        if report is None:
            if settings is None:
                raise ValueError("give settings (where the cohort is) or a report")
            self._workdir = tempfile.TemporaryDirectory(prefix="workbench-cohort-")
            folder, source = cohort_source(settings, self._workdir.name)
            report = cohort_report(folder, keep_flags=True)
        self.report, self.source = report, source
        self._build()

    def _build(self) -> None:
        L = w.Layout
        r = self.report
        t = r.totals
        self.summary = w.HTML(
            f"<p>{esc(self.source) or 'A cohort'}: <b>{t.get('cases', 0):,}</b> cases, "
            f"{t.get('events', 0):,} events, {t.get('episodes', 0):,} missing episodes, "
            f"{t.get('handoffs', 0):,} hand-offs, <b>{t.get('flags', 0):,}</b> flags.</p>")
        self.summary.add_class("wb-summary")
        patterns = sorted(set(r.flag_table["pattern"])) if r.flag_table is not None and \
            len(r.flag_table) else []
        self.pattern_picker = fill(w.Dropdown(options=[("all patterns", "")]
                                              + [(p, p) for p in patterns], value="",
                                              description="Flags of"),
                                   basis="300px", max_width="620px", css="wb-pattern")
        self.pattern_picker.observe(lambda c: self.show_pattern(c["new"] or None), "value")
        self.figure_slot = FigureSlot(width=self.width, placeholder="Drawing the trends…",
                                      filename="cohort-trends")
        self.figure_slot.show(cohort_figure(r, width=self.width))
        self.flags_panel = w.HTML(self._flags_html(), layout=L(width="100%"))
        self.flags_panel.add_class("wb-cohort-flags")
        self.ri_panel = w.HTML(self._ri_html(), layout=L(width="100%"))
        self.ri_panel.add_class("wb-cohort-ri")
        self.handoff_panel = w.HTML(self._handoffs_html(), layout=L(width="100%"))
        self.handoff_panel.add_class("wb-cohort-handoffs")
        self.page = PageHelper(storage_key="workbench-cohort", title="Cohort",
                               aria=COHORT_ARIA)
        self.widget = w.VBox([
            w.HTML(STYLE), self.page,
            w.HTML("<h2>Cohort: flags, timeliness and answer rates</h2>"),
            self.summary, self.pattern_picker, self.figure_slot.widget,
            w.HTML("<h3>Flags per pattern and agency (the agency of the first evidence)</h3>"),
            self.flags_panel,
            panels([panel([w.HTML("<h3>Return interviews: on time by month</h3>"),
                           self.ri_panel], basis="360px"),
                    panel([w.HTML("<h3>Hand-offs between agencies: answer rate and "
                                  "latency</h3>"), self.handoff_panel], basis="480px")],
                   basis=["360px", "480px"])],
            layout=L(width="100%"))
        self.widget.add_class("wb-app")
        self.widget.add_class("wb-cohort")

    @property
    def figure(self) -> go.Figure | go.FigureWidget | None:
        """The trends (a ``FigureWidget`` once a page shows it)."""
        return self.figure_slot.figure

    def show_pattern(self, pattern: str | None) -> None:
        """Count only this pattern's flags in the trend (None: all)."""
        self.figure_slot.show(cohort_figure(self.report, pattern=pattern, width=self.width))

    def _flags_html(self) -> str:
        f = self.report.flags
        if f is None or f.empty:
            return "<p class='wb-muted'>No flags in this cohort.</p>"
        top = max(int(f.to_numpy().max()), 1)

        def shade(n: int) -> Safe:
            alpha = 0.08 + 0.6 * n / top if n else 0
            return Safe(f'<span style="display:block;text-align:right;background:'
                        f'rgba(213,94,0,{alpha:.2f})">{n}</span>')
        rows = [[pattern, *(shade(int(v)) for v in f.loc[pattern]), int(f.loc[pattern].sum())]
                for pattern in f.index]
        return table(["Pattern", *f.columns, "All"], rows, label="Flags per pattern and agency")

    def _ri_html(self) -> str:
        ri = self.report.return_interviews
        if ri.empty:
            return "<p class='wb-muted'>No returns recorded.</p>"
        order = ["all", *[m for m in ri.index[::-1] if m != "all"][:12]]
        rows = []
        for m in order:
            if m not in ri.index:
                continue
            r = ri.loc[m]
            share = r["on_time_share"]
            rows.append([Safe("<b>all months</b>") if m == "all" else m, int(r["found"]),
                         int(r["on_time"]), "–" if pd.isna(share) else f"{share:.0%}",
                         "–" if pd.isna(r["median_hours"]) else f"{r['median_hours']:.0f} h"])
        return table(["Month", "Returns", "Interview on time", "Share", "Median wait"], rows,
                     label="Return interviews on time by month") \
            + "<p class='wb-muted'>Latest 12 months with returns.</p>"

    def _handoffs_html(self) -> str:
        h = self.report.handoffs
        if h is None or h.empty:
            return "<p class='wb-muted'>No hand-offs.</p>"
        rows = []
        for (sender, recipient), r in h.head(15).iterrows():
            rate = r["answer_rate"]
            latency = r["latency_median_hours"]
            rows.append([sender, recipient, int(r["count"]), int(r["unanswered"]),
                         "–" if pd.isna(rate) else f"{rate:.0%}",
                         "–" if pd.isna(latency) else f"{latency:.0f} h"])
        return table(["From", "To", "Hand-offs", "Never answered", "Answered",
                      "Median answer"], rows, label="Hand-offs between agencies") + \
            "<p class='wb-muted'>The 15 busiest pairs.</p>"
