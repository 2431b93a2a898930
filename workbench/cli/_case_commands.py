"""Commands on one case (or a cohort): flags, hand-offs, episodes, knowledge, network,
timeline, cohort, report and export."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.cli._options import (
    _STDOUT_SUFFIX,
    _analysis,
    _case,
    _Misuse,
    _output_path,
    _print_table,
    _store,
    _time_option,
    _wrote,
)


def _cmd_flags(args: argparse.Namespace) -> int:
    from workbench.analysis.rules import find_flags

    analysis = _analysis(args)
    flags = [f for f in find_flags(analysis) if not args.pattern or f.pattern == args.pattern]
    if args.json:
        print(json.dumps({"case": analysis.case.id, "protocol": analysis.protocol.name,
                          "flags": [f.to_dict() for f in flags]}, indent=1, ensure_ascii=False))
    elif args.csv:
        import pandas as pd

        from workbench.io.atomic import csv_text

        rows = [[f.rule, f.pattern, f.severity, f.certainty, f.to_dict()["at"] or "", f.title,
                 f.explanation, " ".join(e.id for e in f.events),
                 " ".join(e.source for e in f.events)] for f in flags]
        frame = pd.DataFrame(rows, columns=["rule", "pattern", "severity", "certainty", "at",
                                            "title", "explanation", "events", "sources"])
        print(csv_text(frame, lineterminator="\n"), end="")
    else:
        print(f"{analysis.case.id}: {len(flags)} flag(s) under {analysis.protocol.name}")
        for f in flags:
            sources = ", ".join(e.source for e in f.events)
            print(f"- [{f.severity}] {f.pattern}: {f.explanation} ({sources})")
    return 0


def _cmd_handoffs(args: argparse.Namespace) -> int:
    h = _analysis(args).handoffs
    columns = ["handoff_id", "kind", "sender", "recipient", "sent", "answer_id", "answer_basis",
               "working_days", "status", "source"]
    _print_table(h[columns] if not (args.json or args.csv) else h, args, title="hand-offs")
    return 0


def _cmd_episodes(args: argparse.Namespace) -> int:
    ep = _analysis(args).episodes
    columns = ["episode", "report_id", "found_id", "start", "duration_hours", "grades",
               "ri_first_kind", "ri_hours", "rolling_count"]
    _print_table(ep[columns] if not (args.json or args.csv) else ep, args, title="episodes")
    return 0


def _cmd_knowledge(args: argparse.Namespace) -> int:
    from workbench.analysis.knowledge import knowledge_at

    table = knowledge_at(_analysis(args), _time_option(args.at, "--at"))
    table["lacked_significant"] = table["lacked_significant"].map(" ".join)
    _print_table(table, args, title=f"what each agency knew at {args.at}")
    return 0


def _cmd_network(args: argparse.Namespace) -> int:
    from workbench.analysis.network import agency_graph, network_summary

    start, end = _time_option(args.start, "--start"), _time_option(args.end, "--end")
    G = agency_graph(_analysis(args), start=start, end=end)
    if args.output:
        from workbench.views.network import network_figure
        from workbench.views.style import write_figure

        with _output_path(args.output, suffix=".html") as target:
            path = write_figure(network_figure(G), target)
        _wrote(path, args.output)
        return 0
    summary = network_summary(G)
    if args.json:
        edges = [{"sender": a, "recipient": b, **{k: v for k, v in d.items()}}
                 for a, b, d in G.edges(data=True)]
        print(json.dumps({"nodes": dict(G.nodes(data=True)), "edges": edges,
                          "summary": summary}, indent=1, default=str))
        return 0
    print(f"hub: {summary['hub']}; reciprocity {summary['reciprocity']:.2f}")
    print(f"received but never passed on: {', '.join(summary['received_never_passed']) or '-'}")
    print("pairs that never answered each other: "
          + ("; ".join(f"{a} / {b}" for a, b in summary["silent_pairs"]) or "-"))
    for a, b, d in sorted(G.edges(data=True)):
        latency = d["latency_median_hours"]
        print(f"  {a} -> {b}: {d['count']} hand-off(s), {d['answered']} answered, "
              f"{d['late']} late, {d['unanswered']} unanswered"
              + (f", median answer {latency:.0f} h" if latency is not None else ""))
    return 0


def _cmd_timeline(args: argparse.Namespace) -> int:
    from workbench.timeline import timeline_figure
    from workbench.views.style import write_figure

    fig = timeline_figure(_analysis(args), at=_time_option(args.at, "--at"), viewer=args.viewer,
                          pattern=args.pattern)
    with _output_path(args.output, suffix=".html") as target:
        path = write_figure(fig, target)
    _wrote(path, args.output)
    return 0


def _cmd_cohort(args: argparse.Namespace) -> int:
    from workbench.analysis.cohort import cohort_report

    report = cohort_report(args.folder, protocol=args.protocol, progress=sys.stderr.isatty())
    if args.output:
        out = Path(args.output)
        out.mkdir(parents=True, exist_ok=True)
        from workbench.io.atomic import write_csv

        for name in ("flags", "return_interviews", "handoffs", "trends"):
            write_csv(getattr(report, name).reset_index(), out / f"{name}.csv")
    if args.json:
        print(json.dumps({"totals": report.totals,
                          "flags": json.loads(report.flags.to_json(orient="index")),
                          "return_interviews": json.loads(
                              report.return_interviews.to_json(orient="index"))}, indent=1))
        return 0
    t = report.totals
    print(f"{t['cases']:,} cases, {t['events']:,} events, {t['episodes']:,} episodes, "
          f"{t['handoffs']:,} hand-offs, {t['flags']:,} flags")
    print("\nflags per pattern and agency:")
    print(report.flags.to_string())
    ri = report.return_interviews.loc["all"]
    print(f"\nreturn interviews: {ri['on_time']:.0f} of {ri['found']:.0f} returns on time "
          f"({ri['on_time_share']:.0%}), median {ri['median_hours']:.0f} h")
    print("\nhand-offs per pair (answer rate, median latency):")
    print(report.handoffs[["count", "answer_rate", "latency_median_hours"]].head(20).to_string())
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from workbench.outputs.report import write_report

    case, store = _case(args), _store(args)
    if args.session and store is None:
        raise _Misuse("--session needs the review store that holds it (--store PATH)")
    try:
        session = args.session
        if session and len(session) == 6:  # a join code works too
            session = store.session_by_code(session).id
        elif session:
            session = store.session(session).id
        with _output_path(args.output, suffix=".html") as target:
            path = write_report(case, target, session_id=session, store=store,
                                protocol=args.protocol)
            size = path.stat().st_size / 1e6
    finally:
        if store:
            store.close()
    _wrote(path, args.output, f"{size:.1f} MB")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from workbench.outputs.exports import export_case

    if args.output == "-" and args.format not in _STDOUT_SUFFIX:
        raise _Misuse(f"--format {args.format} writes a folder of files: give -o FOLDER, "
                      "not -o -")
    case, store = _case(args), _store(args)
    try:
        with _output_path(args.output, suffix=_STDOUT_SUFFIX.get(args.format, "")) as target:
            result = export_case(case, args.format, target, protocol=args.protocol,
                                 store=store)
    finally:
        if store:
            store.close()
    counts = ", ".join(f"{k} {v}" for k, v in result.counts.items())
    if args.output == "-":
        print(f"wrote {args.format} to standard output: {counts}", file=sys.stderr)
    else:
        print(f"wrote {', '.join(map(str, result.paths))}: {counts}")
    return 0
