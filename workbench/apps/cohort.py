"""The cohort dashboard: the same engine over many cases, for analysts and managers.

Why one module: the cohort page, its figure and where its cohort comes from are one
dashboard's parts; :func:`cohort_figure` is the piece to move to ``views/`` next.

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
from typing import TypedDict

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from workbench.analysis.cohort import CohortReport, cohort_report
from workbench.apps._figure import FigureSlot
from workbench.apps._html import STYLE, Safe, esc, table
from workbench.apps._layout import fill, panel, panels, row
from workbench.apps.library import CaseLibrary
from workbench.apps.page import PageHelper
from workbench.apps.settings import Settings
from workbench.views.style import OKABE_ITO, base_template

__all__ = ["GENERATED", "CohortApp", "cohort_figure", "cohort_for", "cohort_source",
           "rate_words"]


class _Generated(TypedDict):
    cases: int
    seed: int
    good_share: float
    starts: tuple[str, str]


#: the synthetic cohort shown when none is configured (``generate_cohort``'s settings):
#: children whose review periods all start within one year, so that the busiest year reads
#: like a force's year: many children, some going missing again and again, most
#: hand-offs and return interviews on time but not all
GENERATED: _Generated = {"cases": 80, "seed": 1, "good_share": 0.0,
                         "starts": ("2023-06-01", "2024-06-01")}
#: names the page gives the cohort's widgets
COHORT_ARIA = {".wb-window .noUi-handle-lower": {"aria-label": "Months from"},
               ".wb-window .noUi-handle-upper": {"aria-label": "Months to"},
               ".wb-figure": {"role": "figure",
                              "aria-label": "Monthly trends: missing episodes and flags, and "
                                            "the share of hand-offs answered and return "
                                            "interviews on time (the tables below give the "
                                            "same figures)"}}


def _months(index: pd.Index) -> list[str]:
    return [f"{m}-01" for m in index]


def _denominator_sizes(n: pd.Series) -> list[float]:
    """Marker diameters by a rate's denominator: a share of one return is a dot, a
    share of many a disc (6 to 16 px)."""
    top = max(float(n.max()), 1.0) if len(n) else 1.0
    return [6 + 10 * (float(v) / top) ** 0.5 for v in n]


def cohort_figure(report: CohortReport, *, pattern: str | None = None,
                  width: int | None = None, height: int | None = None,
                  titles: dict[str, str] | None = None) -> go.Figure:
    """Monthly trends of a cohort: episodes and flags (top), hand-off answer rate and
    return interviews on time (bottom), on a shared date axis.

    ``pattern`` counts only that pattern's flags (needs ``report.flag_table``), named
    by its title in ``titles``. Each share carries its denominator: "3 of 4" on hover,
    and its marker's size grows with it (a 0 % month of one return is a small dot).
    """
    titles = titles or {}
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
            name = f"Flags: {esc(titles.get(pattern, pattern))}"
        fig.add_trace(go.Bar(x=_months(trends.index), y=flags.tolist(), name=name,
                             marker_color=OKABE_ITO["vermillion"]), row=1, col=1)
        rate = trends["answer_rate"]
        fig.add_trace(go.Scatter(
            x=_months(trends.index), y=rate.tolist(), mode="lines+markers",
            name="Hand-offs answered", connectgaps=False, line={"color": OKABE_ITO["blue"]},
            marker={"size": _denominator_sizes(trends["handoffs"])},
            customdata=list(zip(trends["answered"].astype(int).tolist(),
                                trends["handoffs"].astype(int).tolist(), strict=True)),
            hovertemplate="%{customdata[0]} of %{customdata[1]} hand-offs answered "
                          "(%{y:.0%})<extra></extra>"), row=2, col=1)
    if len(ri):
        fig.add_trace(go.Scatter(
            x=_months(ri.index), y=ri["on_time_share"].tolist(), mode="lines+markers",
            name="Return interviews on time",
            line={"color": OKABE_ITO["green"], "dash": "dash"},
            marker={"size": _denominator_sizes(ri["found"])},
            customdata=list(zip(ri["on_time"].astype(int).tolist(),
                                ri["found"].astype(int).tolist(), strict=True)),
            hovertemplate="%{customdata[0]} of %{customdata[1]} returns interviewed on "
                          "time (%{y:.0%})<extra></extra>"), row=2, col=1)
    fig.update_layout(template=base_template(), barmode="group", width=width or 1100,
                      height=height or 580, margin={"l": 60, "r": 20, "t": 80, "b": 40},
                      legend={"orientation": "h", "y": 1.08, "yanchor": "bottom", "x": 0},
                      hovermode="x unified")
    fig.update_xaxes(type="date", title_text=None)
    fig.update_xaxes(title_text="Month (UK time)", row=2, col=1)
    fig.update_yaxes(title_text="count", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="share", tickformat=".0%", range=[0, 1.05], row=2, col=1)
    return fig


def _served_cases(settings: Settings) -> CaseLibrary | None:
    """The cases served with ``--cases`` (not the bundled case studies), if any."""
    if settings.cases is None:
        return None
    library = CaseLibrary([settings.cases], bundled=False)
    return library if len(library) else None


def _write_cases(library: CaseLibrary, folder: Path) -> tuple[list[str], list[str]]:
    """Each readable case of ``library`` as a case folder under ``folder``: the keys
    written, and the broken ones skipped (with their reason), never loaded."""
    from workbench.errors import CaseValidationError
    from workbench.io.casefile import write_case

    written, skipped = [], []
    for entry in library.entries:
        if entry.problems:  # listed as broken: never loaded
            skipped.append(f"{entry.key} ({entry.problems[0].reason})")
            continue
        try:
            case = library.load(entry.key)
        except CaseValidationError as exc:
            skipped.append(f"{entry.key} ({exc.problems[0].reason})")
            continue
        write_case(case, folder / f"served-{entry.key.replace('@', '-')}", replace=True)
        written.append(entry.key)
    return written, skipped


def cohort_source(settings: Settings, workdir: str | Path) -> tuple[Path, str]:
    """The cohort to show, and where it came from, in words.

    The configured folder (``WORKBENCH_COHORT``); else a synthetic cohort generated
    into ``workdir`` (:data:`GENERATED`) with the cases served with ``--cases`` added
    to it; else the case studies (and served cases) written into ``workdir`` as case
    folders.
    """
    if settings.cohort is not None:
        return settings.cohort, f"the cohort in {settings.cohort}"
    workdir = Path(workdir)
    served = _served_cases(settings)
    reason = ""
    try:
        from workbench.generate import generate_cohort
    except ImportError:  # no generator: the case studies instead
        pass
    else:
        try:
            out = generate_cohort(workdir / "generated", **GENERATED)
            added = _write_cases(served, Path(out.path))[0] if served is not None else []
            words = (f"a synthetic cohort of {GENERATED['cases']} children (generated, "
                     f"seed {GENERATED['seed']})")
            if added:
                words += f" and the {len(added)} served case(s): {', '.join(added)}"
            return Path(out.path), words
        except Exception as exc:  # the generator is optional here: fall back
            reason = f" (no synthetic cohort: {type(exc).__name__})"
    library = CaseLibrary.from_settings(settings)
    folder = workdir / "cases"
    written, skipped = _write_cases(library, folder)
    left = f"; {len(skipped)} skipped as broken: {', '.join(skipped)}" if skipped else ""
    return folder, f"the {len(written)} case studies taken together{reason}{left}"


def cohort_for(settings: Settings, workdir: str | Path) -> tuple[CohortReport, str]:
    """The cohort report a page shows, and its source in words: made once per server
    when ``settings.cache`` names a folder (kept there under a hash of the generator's
    settings, the served cases' files and the code), else made here."""
    from workbench.apps.cache import AnalysisCache

    cache = AnalysisCache(settings.cache) if settings.cache is not None else None
    key = None
    if cache is not None and settings.cohort is None:
        key = cache.key(settings.cases, salt=f"cohort {sorted(GENERATED.items())}")
        kept = cache.get(key)
        if isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], CohortReport):
            return kept
    folder, source = cohort_source(settings, workdir)
    report = cohort_report(folder, keep_flags=True)
    if cache is not None and key is not None:
        cache.put(key, (report, source))
    return report, source


def rate_words(part: int, whole: int) -> str:
    """A rate with its denominator, as the tables show it.

    >>> rate_words(3, 4), rate_words(0, 1), rate_words(0, 0)
    ('3 of 4 (75%)', '0 of 1 (0%)', '– (none)')
    """
    if not whole:
        return "– (none)"
    return f"{int(part)} of {int(whole)} ({part / whole:.0%})"


def _month_label(month: str) -> str:
    return pd.Period(month, freq="M").strftime("%b %Y")


class CohortApp:
    """The cohort dashboard's widgets.

    Parameters
    ----------
    settings : where the cohort is (see :func:`cohort_source`).
    report : a report already made (tests); otherwise made from ``settings``.
    width : pixels of the figure.

    A window of months (by default the twelve with the most missing episodes: a
    year as a force would read it) narrows every table and the trends; each rate is
    shown with its denominator ("3 of 4"), each pattern by its title.
    """

    def __init__(self, *, settings: Settings | None = None,
                 report: CohortReport | None = None, source: str = "", width: int = 1100):
        from workbench.analysis.rules import pattern_titles

        self.width = width
        self._workdir = None
        if report is None:
            if settings is None:
                raise ValueError("give settings (where the cohort is) or a report")
            self._workdir = tempfile.TemporaryDirectory(prefix="workbench-cohort-")
            report, source = cohort_for(settings, self._workdir.name)
        self.report, self.source = report, source
        self.titles = pattern_titles()
        self.view = report
        self._quiet = False
        self._build()
        year = report.busiest(12)
        if year is not None and len(self.window.options) > 1:
            months = [m for _, m in self.window.options]
            first = next((i for i, m in enumerate(months) if m >= year[0]), 0)
            last = max((i for i, m in enumerate(months) if m <= year[1]),
                       default=len(months) - 1)
            self._quiet = True
            try:
                self.window.index = (first, last)
            finally:
                self._quiet = False
            self.show_window(*self.window.value)
        else:
            self.show_window(None, None)

    def _build(self) -> None:
        L = w.Layout
        self.summary = w.HTML()
        self.summary.add_class("wb-summary")
        months = self.report.months
        self.window = fill(w.SelectionRangeSlider(
            options=[(_month_label(m), m) for m in months] or [("–", "")],
            index=(0, max(len(months) - 1, 0)), description="Months",
            continuous_update=False, disabled=len(months) < 2),
            basis="300px", max_width="900px", css="wb-window")
        self.window.observe(self._on_window, "value")
        r = self.report
        patterns = sorted(set(r.flag_table["pattern"])) if r.flag_table is not None and \
            len(r.flag_table) else []
        self.pattern_picker = fill(w.Dropdown(options=[("all patterns", "")]
                                              + [(self.titles.get(p, p), p) for p in patterns],
                                              value="", description="Flags of"),
                                   basis="300px", max_width="620px", css="wb-pattern")
        self.pattern_picker.observe(lambda c: self.show_pattern(c["new"] or None), "value")
        self.figure_slot = FigureSlot(width=self.width, placeholder="Drawing the trends…",
                                      filename="cohort-trends")
        self.flags_panel = w.HTML(layout=L(width="100%"))
        self.flags_panel.add_class("wb-cohort-flags")
        self.ri_panel = w.HTML(layout=L(width="100%"))
        self.ri_panel.add_class("wb-cohort-ri")
        self.handoff_panel = w.HTML(layout=L(width="100%"))
        self.handoff_panel.add_class("wb-cohort-handoffs")
        self.page = PageHelper(storage_key="workbench-cohort", title="Cohort",
                               aria=COHORT_ARIA)
        self.widget = w.VBox([
            w.HTML(STYLE), self.page,
            w.HTML("<h2>Cohort: flags, timeliness and answer rates</h2>"),
            self.summary, row([self.window, self.pattern_picker]), self.figure_slot.widget,
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

    def _on_window(self, change) -> None:
        if not self._quiet and change["new"]:
            self.show_window(*change["new"])

    def show_window(self, first: str | None, last: str | None) -> None:
        """Show the months ``first`` to ``last`` (``YYYY-MM``, both included; None: open)."""
        self.view = self.report.within(first or None, last or None)
        t = self.view.totals
        span = (f"{_month_label(first)} to {_month_label(last)}" if first and last
                else "all months")
        kids = self.view.children() if self.view.episode_rows is not None else None
        who = (f" by {kids['missing']:,} children ({kids['repeat']:,} of them more than "
               f"once)" if kids else "")
        self.summary.value = (
            f"<p>{esc(self.source) or 'A cohort'}: <b>{t.get('cases', 0):,}</b> cases, "
            f"{t.get('events', 0):,} events. <b>{esc(span)}</b>: "
            f"{t.get('episodes', 0):,} missing episodes{who}, {t.get('handoffs', 0):,} "
            f"hand-offs, <b>{t.get('flags', 0):,}</b> flags.</p>")
        self.show_pattern(self.pattern_picker.value or None)
        self.flags_panel.value = self._flags_html()
        self.ri_panel.value = self._ri_html()
        self.handoff_panel.value = self._handoffs_html()

    def show_pattern(self, pattern: str | None) -> None:
        """Count only this pattern's flags in the trend (None: all)."""
        self.figure_slot.show(cohort_figure(self.view, pattern=pattern, width=self.width,
                                            titles=self.titles))

    def _flags_html(self) -> str:
        f = self.view.flags
        if f is None or f.empty:
            return "<p class='wb-muted'>No flags in these months.</p>"
        top = max(int(f.to_numpy().max()), 1)

        def shade(n: int) -> Safe:
            alpha = 0.08 + 0.6 * n / top if n else 0
            return Safe(f'<span style="display:block;text-align:right;background:'
                        f'rgba(213,94,0,{alpha:.2f})">{n}</span>')
        rows = [[self.titles.get(pattern, pattern), *(shade(int(v)) for v in f.loc[pattern]),
                 int(f.loc[pattern].sum())] for pattern in f.index]
        return table(["Pattern", *f.columns, "All"], rows, label="Flags per pattern and agency")

    def _ri_html(self) -> str:
        ri = self.view.return_interviews
        if ri.empty or not ri["found"].sum():
            return "<p class='wb-muted'>No returns in these months.</p>"
        order = ["all", *[m for m in ri.index[::-1] if m != "all"][:12]]
        rows = []
        for m in order:
            if m not in ri.index:
                continue
            r = ri.loc[m]
            rows.append([Safe("<b>all these months</b>") if m == "all" else _month_label(m),
                         rate_words(int(r["on_time"]), int(r["found"])),
                         rate_words(int(r["offered"]), int(r["found"])),
                         "–" if pd.isna(r["median_hours"]) else f"{r['median_hours']:.0f} h"])
        return table(["Month", "Interview on time (of returns)", "Offered (of returns)",
                      "Median wait"], rows, label="Return interviews on time by month") \
            + "<p class='wb-muted'>Latest 12 months with returns in the window.</p>"

    def _handoffs_html(self) -> str:
        h = self.view.handoffs
        if h is None or h.empty:
            return "<p class='wb-muted'>No hand-offs in these months.</p>"
        rows = []
        for (sender, recipient), r in h.head(15).iterrows():
            decided = int(r["count"]) - int(r["open"])
            latency = r["latency_median_hours"]
            rows.append([sender, recipient, int(r["count"]),
                         rate_words(int(r["answered"]) + int(r["late"]), decided),
                         int(r["unanswered"]),
                         "–" if pd.isna(latency) else f"{latency:.0f} h"])
        return table(["From", "To", "Hand-offs", "Answered (of those due)", "Never answered",
                      "Median answer"], rows, label="Hand-offs between agencies") + \
            "<p class='wb-muted'>The 15 busiest pairs in the window.</p>"
