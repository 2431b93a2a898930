"""Speed of the views: the timeline for 1,000 and 50,000 events, and the network.

    python bench/bench_views.py [--sizes 1000 50000] [--repeat 5] [--out DIR]

Builds a synthetic case (eight agencies, every event kind, about one event in ten
known only to a day or a month and one in a hundred undated, hand-offs with answers
that come in time, late or never, missing episodes with gradings), analyses it once,
then times :func:`workbench.timeline.timeline_figure` (median of ``--repeat`` runs),
writes the figure as self-contained HTML and reports its size. Targets (issue 4):
1,000 events under 0.2 s, 50,000 under 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.analysis.analyse import analyse
from workbench.analysis.network import agency_graph
from workbench.case import EVENT_COLUMNS
from workbench.timeline import timeline_figure
from workbench.views.network import network_figure
from workbench.views.style import write_figure

AGENCIES = [("Police", "police"), ("Children's Social Care", "social-care"),
            ("School", "education"), ("School Nursing", "health"), ("GP", "health"),
            ("Return Interview Service", "third-sector"), ("Youth Service", "third-sector"),
            ("Family", "family")]
KINDS = ["missing_report", "found", "return_interview_offered", "return_interview_completed",
         "return_interview_declined", "referral", "notification", "information_shared",
         "strategy_meeting", "risk_assessment", "assessment", "disclosure", "exclusion",
         "placement_move", "case_opened", "case_closed", "safety_plan", "contact"]
TARGETS = {1_000: 0.2, 50_000: 2.0}


def synthetic_events(n: int, *, seed: int = 1) -> pd.DataFrame:
    """An event table of ``n`` events with the columns of ``EVENT_COLUMNS``."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2020-01-06 09:00", tz="UTC")
    minutes = np.sort(rng.integers(0, 60 * 24 * 3 * n // 10 + 60, n))
    when = start + pd.to_timedelta(minutes, unit="min")
    agency_i = rng.integers(0, len(AGENCIES), n)
    kind = np.array(KINDS)[rng.integers(0, len(KINDS), n)]
    kind[agency_i == 0] = np.where(rng.random((agency_i == 0).sum()) < 0.5, "missing_report",
                                   "found")
    precision = np.where(rng.random(n) < 0.9, "minute", np.where(rng.random(n) < 0.7, "day",
                                                                 "month"))
    undated = rng.random(n) < 0.01
    precision[undated] = "undated"
    s = pd.Series(when)
    local = s.dt.tz_convert("Europe/London")
    day = local.dt.floor("D").dt.tz_convert("UTC")
    month = local.dt.tz_localize(None).dt.to_period("M").dt.start_time.dt.tz_localize(
        "Europe/London").dt.tz_convert("UTC")
    starts = s.where(precision == "minute", day.where(precision == "day", month))
    ends = np.where(precision == "minute", s + pd.Timedelta(minutes=1),
                    np.where(precision == "day", day + pd.Timedelta(days=1),
                             month + pd.Timedelta(days=31)))
    starts = starts.where(~undated)
    ends = pd.Series(ends).where(~undated)
    names = np.array([a for a, _ in AGENCIES])
    sectors = np.array([s for _, s in AGENCIES])
    handoff = np.isin(kind, ["referral", "notification", "information_shared"])
    recipient = names[(agency_i + 1 + rng.integers(0, len(AGENCIES) - 1, n)) % len(AGENCIES)]
    grade = np.where((kind == "missing_report") | (kind == "risk_assessment"),
                     np.array(["low", "medium", "high"])[rng.integers(0, 3, n)], "")
    summary = np.array(["Reported missing by carer", "Found at Address 2 with older males",
                        "Home visit", "Said she was scared of the men at the flat",
                        "Referral sent", "Strategy discussion"])[rng.integers(0, 6, n)]
    ids = np.char.add("e", np.arange(n).astype(str))
    table = pd.DataFrame({
        "id": ids, "seq": np.arange(1, n + 1), "agency": names[agency_i],
        "agency_as_written": names[agency_i], "sector": sectors[agency_i], "kind": kind,
        "kind_confidence": 1.0, "kind_basis": "column",
        "when": local.dt.strftime("%d/%m/%Y %H:%M").where(~undated, "undated"),
        "start": starts, "end": pd.to_datetime(ends, utc=True), "precision": precision,
        "approximate": False, "summary": summary,
        "details": "Details of the record, a sentence or two as agencies write them.",
        "action": "Recorded", "outcome": "", "recipients": np.where(handoff, recipient, ""),
        "attendees": "", "risk_grade": grade, "refers_to": "", "author": "Worker 1",
        "source_file": "synthetic.csv", "source_line": np.arange(2, n + 2),
        "source_sheet": "", "source": np.char.add("synthetic.csv:", np.arange(2, n + 2)
                                                 .astype(str)),
    })
    return table.loc[:, list(EVENT_COLUMNS)]


def median_time(func, repeat: int) -> float:
    """Median wall-clock seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        func()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def median_cpu(func, repeat: int) -> float:
    """Median CPU seconds of this process over ``repeat`` calls (steadier on a busy host)."""
    times = []
    for _ in range(repeat):
        t = time.process_time()
        func()
        times.append(time.process_time() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 50_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", help="keep the HTML files in this folder")
    args = parser.parse_args()
    none = pd.DataFrame()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out or tmp)
        out.mkdir(parents=True, exist_ok=True)
        timeline_figure(analyse(synthetic_events(50)), flags=none)   # warm imports
        for n in args.sizes:
            t = time.perf_counter()
            analysis = analyse(synthetic_events(n))
            analysed = time.perf_counter() - t
            build = lambda a=analysis: timeline_figure(a, flags=none)  # noqa: E731
            built = median_time(build, args.repeat)
            cpu = median_cpu(build, args.repeat)
            fig = timeline_figure(analysis, flags=none)
            t = time.perf_counter()
            html = write_figure(fig, out / f"timeline-{n}.html")
            written = time.perf_counter() - t
            at = analysis.events["start"].quantile(0.5)
            built_at = median_time(lambda a=analysis, at=at: timeline_figure(
                a, flags=none, at=at), max(1, args.repeat // 2))
            G = agency_graph(analysis)
            network = median_time(lambda G=G: network_figure(G), args.repeat)
            target = TARGETS.get(n)
            verdict = "" if target is None else (
                f" [target < {target} s: {'met' if built < target else 'MISSED'}]")
            size = html.stat().st_size / 1e6
            print(f"{n:>7} events: analyse {analysed:.2f} s; timeline_figure {built:.3f} s"
                  f" (CPU {cpu:.3f} s){verdict}; with at=T {built_at:.3f} s; HTML {size:.1f}"
                  f" MB (written in {written:.2f} s, "
                  f"{len(fig.data)} traces, "
                  f"{'WebGL' if any(t.type == 'scattergl' for t in fig.data) else 'SVG'}); "
                  f"network_figure {network * 1000:.0f} ms")


if __name__ == "__main__":
    main()
