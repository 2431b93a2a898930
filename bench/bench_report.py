"""Report size and build time for the largest case study (and the exports).

    python bench/bench_report.py [--casestudies DIR] [--repeat 5] [--pdf]

Imports every case study, takes the one with the most events, builds its review
report (:func:`workbench.outputs.report.build_report`, with a review record and a session's
notes in a temporary store) ``--repeat`` times and prints the median build time,
the size of the HTML (and how much of it is plotly.js, inlined once), the time of
each stage (analysis and flags, figures, rendering), and the time and size of each
export format. With ``--pdf`` it also prints the report through Chromium.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from plotly.offline import get_plotlyjs

from workbench.analysis.analyse import analyse
from workbench.analysis.network import agency_graph
from workbench.analysis.rules import find_flags, flag_table
from workbench.io.importer import import_chronologies
from workbench.outputs.batch import case_study_folders
from workbench.outputs.exports import FORMATS, export_case
from workbench.outputs.report import build_report, html_to_pdf
from workbench.review_record import Action, Finding, KeyPracticeEpisode, Recommendation, flag_key
from workbench.store import NotesStore
from workbench.timeline import timeline_figure
from workbench.views.network import network_figure

ROOT = Path(__file__).resolve().parents[1]


def _median(func, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def _record(store: NotesStore, case) -> str:
    flags = find_flags(case)
    ep = analyse(case).episodes
    session = store.open_session(case.id, title="Learning event")
    me = store.join(session.id, name="SW 1", agency="Children's Social Care",
                    discipline="social work")
    for i, event_id in enumerate(case.events["id"].iloc[::10]):
        store.add_note(session.id, participant=me, text=f"Reflection {i} on this record",
                       event_id=event_id)
    kpe = store.save(KeyPracticeEpisode(case_id=case.id, title="First episode",
                                        first_event=ep["report_id"].iat[0],
                                        last_event=ep["found_id"].iat[0] or
                                        ep["report_id"].iat[0]))
    finding = store.save(Finding(case_id=case.id, title="A finding", episodes=[kpe.id],
                                 flags=[flag_key(f) for f in flags[:3]],
                                 factors=[("frontline", "x"), ("national", "y")]))
    rec = store.save(Recommendation(case_id=case.id, text="A recommendation",
                                    findings=[finding.id]))
    store.save(Action(case_id=case.id, text="An action", owner="Police", due="2026-06-30",
                      recommendation=rec.id))
    return session.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--casestudies", default=str(ROOT / "casestudies"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pdf", action="store_true", help="also print to PDF (Chromium)")
    args = parser.parse_args()

    cases = [import_chronologies([f]) for f in case_study_folders(args.casestudies)]
    case = max(cases, key=lambda c: len(c.events))
    analysis = analyse(case)
    print(f"largest case study: {case.id} ({len(case.events)} events, "
          f"{len(analysis.episodes)} episodes, {len(analysis.handoffs)} hand-offs, "
          f"{len(case.agencies)} agencies)")
    with tempfile.TemporaryDirectory() as folder:
        store = NotesStore(Path(folder) / "review.sqlite")
        session_id = _record(store, case)
        seconds, html = _median(lambda: build_report(case, store=store, session_id=session_id),
                                args.repeat)
        size = len(html.encode("utf-8"))
        plotly = len(get_plotlyjs().encode("utf-8"))
        print(f"report: {seconds:.2f} s (median of {args.repeat}), {size / 1e6:.2f} MB "
              f"({plotly / 1e6:.2f} MB of it plotly.js, {(size - plotly) / 1e3:.0f} kB the "
              "report itself)")
        t_flags, table = _median(lambda: flag_table(analyse(case)), args.repeat)
        t_timeline, _ = _median(lambda: timeline_figure(analysis, flags=table).to_json(),
                                args.repeat)
        t_network, _ = _median(lambda: network_figure(agency_graph(analysis)).to_json(),
                               args.repeat)
        print(f"  stages: analysis and flags {t_flags:.2f} s, timeline figure {t_timeline:.2f} s,"
              f" network figure {t_network:.2f} s")
        if args.pdf:
            t = time.perf_counter()
            pdf = html_to_pdf(html, Path(folder) / "report.pdf")
            print(f"PDF: {time.perf_counter() - t:.1f} s, {pdf.stat().st_size / 1e6:.2f} MB")
        for fmt in FORMATS:
            out = Path(folder) / "exports" / fmt / ("tables" if fmt == "csv" else f"case.{fmt}")
            t, result = _median(lambda out=out, fmt=fmt: export_case(case, fmt, out, store=store),
                                max(1, args.repeat // 2))
            bytes_ = sum(p.stat().st_size for p in result.paths)
            print(f"  export {fmt:12} {t:.2f} s, {bytes_ / 1e3:7.0f} kB  {dict(result.counts)}")
        store.close()


if __name__ == "__main__":
    main()
