"""The ``workbench`` command line.

Each sub-command is a thin wrapper over a library function; heavy imports happen
inside the command so that ``workbench --help`` starts quickly. Exit status: 0 on
success, 1 when the input has errors (or a scan finds something), 2 on misuse.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


class _Misuse(Exception):
    """A malformed option: reported like argparse does, with exit status 2."""


def _pairs(values: Sequence[str] | None, option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or ():
        key, sep, rest = value.partition("=")
        if not sep or not key.strip() or not rest.strip():
            raise _Misuse(f"{option} expects KEY=VALUE, got {value!r}")
        out[key.strip()] = rest.strip()
    return out


def _agency_option(values: Sequence[str] | None) -> str | dict[str, str] | None:
    """``--agency NAME`` (every file lacking one) or ``--agency FILE=NAME`` (repeatable)."""
    if not values:
        return None
    plain = [v for v in values if "=" not in v]
    per_file = _pairs([v for v in values if "=" in v], "--agency")
    if plain and per_file:
        raise _Misuse("use either --agency NAME or --agency FILE=NAME, not both")
    if len(plain) > 1:
        raise _Misuse("give one --agency NAME, or FILE=NAME per file")
    return plain[0] if plain else per_file


def _reading_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                        help="read COLUMN as FIELD (fields: ref, at, time, end_at, end_time, "
                        "agency, kind, summary, details, action, outcome, shared_with, "
                        "refers_to, risk, author); repeatable")
    parser.add_argument("--agency", action="append", metavar="NAME|FILE=NAME",
                        help="agency of returns with no agency column; repeatable per file")
    parser.add_argument("--encoding", default="utf-8", help="text encoding of CSV files "
                        "(default utf-8; a byte-order mark is accepted)")
    parser.add_argument("--sheet", help="XLSX sheet to read when several hold data")
    parser.add_argument("--month-first", action="store_true",
                        help="read 05/02/2025 as 2 May (default: UK day-first)")
    parser.add_argument("--aliases", metavar="FILE", help="YAML of extra agency aliases")


def _reading_kwargs(args: argparse.Namespace) -> dict[str, object]:
    from workbench.agencies import load_aliases

    return {"mapping": _pairs(args.map, "--map"), "agency": _agency_option(args.agency),
            "encoding": args.encoding, "sheet": args.sheet, "dayfirst": not args.month_first,
            "aliases": load_aliases(args.aliases)}


def _print_problems(problems: Sequence[object], stream=None) -> None:
    for problem in problems:
        print(problem, file=stream or sys.stderr)


def _cmd_import(args: argparse.Namespace) -> int:
    from workbench.errors import CaseValidationError
    from workbench.io.casefile import read_yaml, write_case
    from workbench.io.importer import import_chronologies

    out = Path(args.output)
    if out.exists() and not (out.is_dir() and args.replace):
        what = "a file" if not out.is_dir() else "a folder"
        print(f"workbench: {out} exists ({what}); pass --replace to re-import into a case "
              "folder (its reviewer overrides are kept)", file=sys.stderr)
        return 2
    try:
        meta = dict(read_yaml(Path(args.meta))) if args.meta else None
        case = import_chronologies(args.chronology, meta=meta, **_reading_kwargs(args))
    except CaseValidationError as exc:
        _print_problems(exc.problems)
        print(f"{len(exc.errors)} error(s); nothing written.", file=sys.stderr)
        return 1
    _print_problems(case.problems)
    write_case(case, out, replace=args.replace)
    agencies = ", ".join(a.name for a in case.agencies)
    print(f"{out}: {len(case.events)} events from {len(case.sources)} file(s); "
          f"agencies: {agencies}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from workbench.errors import Severity
    from workbench.io.validate import validate

    problems = validate(args.path, **_reading_kwargs(args))
    if args.json:
        print(json.dumps([{"location": p.location, "file": p.file, "line": p.line,
                           "column": p.column, "sheet": p.sheet, "cell": p.cell,
                           "reason": str(p.reason), "severity": str(p.severity),
                           "value": p.value, "message": p.message} for p in problems], indent=1))
    else:
        _print_problems(problems, sys.stdout)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    if not args.json:
        print(f"{errors} error(s), {len(problems) - errors} warning(s) in "
              f"{len(args.path)} path(s)")
    return 1 if errors else 0


def _cmd_generate(args: argparse.Namespace) -> int:
    from workbench.generate import generate_cohort

    summary = generate_cohort(args.output, cases=args.cases, seed=args.seed,
                              progress=sys.stderr.isatty())
    print(f"{summary.path}: {summary.cases:,} cases, {summary.events:,} events, "
          f"{summary.episodes:,} episodes ({summary.repeat_share:.0%} repeats), "
          f"{summary.planted:,} planted failures in {summary.seconds:.1f} s")
    return 0


def _cmd_kinds(args: argparse.Namespace) -> int:
    from workbench.kinds import kind_labels

    for kind, label in kind_labels().items():
        print(f"{kind:28} {label}")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from workbench.outputs.batch import build_all, case_study_folders

    folder = Path(args.folder) if args.folder else _bundled("casestudies")
    if not folder.is_dir():
        raise _Misuse(f"{folder}: no such folder (give a folder of case studies)")
    if not case_study_folders(folder):
        raise _Misuse(f"{folder}: no case studies there (a case study is a folder of agency "
                      "chronologies with a meta.yaml; see docs/case-format.md)")
    for line in build_all(folder, args.output):
        print(line)
    return 0


def _bundled(name: str) -> Path:
    """A folder the package carries (``casestudies``, ``dashboards``), else a misuse."""
    from workbench.resources import bundled_folder

    folder = bundled_folder(name)
    if folder is None:
        raise _Misuse(f"the bundled {name} are missing from the installed package: "
                      "reinstall case-review-workbench, or name a folder")
    return folder


def _case(args: argparse.Namespace):
    """A case folder, or chronologies imported on the fly."""
    from workbench.io.casefile import load_case
    from workbench.io.importer import import_chronologies

    paths = [Path(p) for p in args.case]
    if len(paths) == 1 and (paths[0] / "case.yaml").is_file():
        return load_case(paths[0])
    return import_chronologies(paths, **_reading_kwargs(args))


def _analysis(args: argparse.Namespace):
    from workbench.analysis.analyse import analyse

    return analyse(_case(args), protocol=args.protocol)


def _print_table(frame, args: argparse.Namespace, *, title: str) -> None:
    if args.json:
        print(frame.to_json(orient="records", date_format="iso", indent=1))
    elif args.csv:
        print(frame.to_csv(index=False), end="")
    else:
        import pandas as pd

        with pd.option_context("display.max_rows", 500, "display.width", 200,
                               "display.max_colwidth", 60):
            print(f"{title}: {len(frame)}")
            if len(frame):
                print(frame.to_string(index=False))


def _cmd_flags(args: argparse.Namespace) -> int:
    from workbench.analysis.rules import find_flags

    analysis = _analysis(args)
    flags = [f for f in find_flags(analysis) if not args.pattern or f.pattern == args.pattern]
    if args.json:
        print(json.dumps({"case": analysis.case.id, "protocol": analysis.protocol.name,
                          "flags": [f.to_dict() for f in flags]}, indent=1, ensure_ascii=False))
    elif args.csv:
        import csv

        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["rule", "pattern", "severity", "certainty", "at", "title", "explanation",
                      "events", "sources"])
        for f in flags:
            d = f.to_dict()
            out.writerow([f.rule, f.pattern, f.severity, f.certainty, d["at"] or "", f.title,
                          f.explanation, " ".join(e.id for e in f.events),
                          " ".join(e.source for e in f.events)])
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

    table = knowledge_at(_analysis(args), args.at)
    table["lacked_significant"] = table["lacked_significant"].map(" ".join)
    _print_table(table, args, title=f"what each agency knew at {args.at}")
    return 0


def _cmd_network(args: argparse.Namespace) -> int:
    from workbench.analysis.network import agency_graph, network_summary

    G = agency_graph(_analysis(args), start=args.start, end=args.end)
    if args.output:
        from workbench.views.network import network_figure
        from workbench.views.style import write_figure

        path = write_figure(network_figure(G), args.output)
        print(f"wrote {path}")
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

    fig = timeline_figure(_analysis(args), at=args.at, viewer=args.viewer, pattern=args.pattern)
    print(f"wrote {write_figure(fig, args.output)}")
    return 0


def _cmd_cohort(args: argparse.Namespace) -> int:
    from workbench.analysis.cohort import cohort_report

    report = cohort_report(args.folder, protocol=args.protocol, progress=sys.stderr.isatty())
    if args.output:
        out = Path(args.output)
        out.mkdir(parents=True, exist_ok=True)
        for name in ("flags", "return_interviews", "handoffs", "trends"):
            getattr(report, name).to_csv(out / f"{name}.csv")
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


def _cmd_serve(args: argparse.Namespace) -> int:
    import tempfile

    from workbench.serve import ServeError, run, serve_plan

    with tempfile.TemporaryDirectory(prefix="workbench-serve-") as config_dir:
        try:
            plan = serve_plan(lan=args.lan, port=args.port,
                              token="" if args.no_token else args.token, store=args.store,
                              cases=args.cases, cohort=args.cohort, config_dir=config_dir,
                              cull_idle_timeout=args.cull_idle)
        except ServeError as exc:
            raise _Misuse(str(exc)) from None
        return run(plan)


def _cmd_scan(args: argparse.Namespace) -> int:
    from workbench.errors import CaseValidationError
    from workbench.privacy import scan_paths

    try:
        findings = scan_paths(args.path, key_file=args.key_file, deny_list=args.deny or ())
    except CaseValidationError as exc:
        _print_problems(exc.problems)
        return 2
    if args.json:
        print(json.dumps([f.as_dict() for f in findings], indent=1))
    else:
        for finding in findings:
            print(finding)
        print(f"{len(findings)} finding(s) in {len(args.path)} path(s). Names in free text are "
              "found only through the deny list (--key-file, --deny): a person must still "
              "read the case.")
    return 1 if findings else 0


def _cmd_pseudonymise(args: argparse.Namespace) -> int:
    from workbench.errors import CaseValidationError
    from workbench.privacy import pseudonymise

    try:
        report = pseudonymise(args.path, key_file=args.key_file, out=args.out,
                              method=args.method, hmac_key_file=args.hmac_key_file,
                              declared_by=args.declare_by)
    except CaseValidationError as exc:
        _print_problems(exc.problems)
        return 2
    for path in report.files:
        print(f"wrote {path}")
    replaced = ", ".join(f"{n} {entity}" for entity, n in sorted(report.replaced.items()))
    print(f"replaced: {replaced or 'nothing'}")
    for finding in report.residual:
        print(f"still found: {finding}", file=sys.stderr)
    for skipped in report.skipped:
        print(f"not rewritten: {skipped}", file=sys.stderr)
    return 0 if report.ok else 1


_FORMATS = ("ocel-json", "ocel-sqlite", "xes", "graphml", "gexf", "csv", "xlsx")  # --help stays fast


def _store(args: argparse.Namespace):
    """The review store named by --store, or the default one when it exists."""
    from workbench.apps.settings import default_store_path
    from workbench.store import NotesStore

    path = Path(args.store) if args.store else default_store_path()
    if args.store is None and not path.is_file():
        return None
    return NotesStore(path)


def _cmd_report(args: argparse.Namespace) -> int:
    from workbench.errors import MissingToolError
    from workbench.outputs.report import write_report

    case, store = _case(args), _store(args)
    if args.session and store is None:
        raise _Misuse("--session needs the review store that holds it (--store PATH)")
    try:
        session = args.session
        if session and len(session) == 6:  # a join code works too
            session = store.session_by_code(session).id
        path = write_report(case, args.output, session_id=session, store=store,
                            protocol=args.protocol)
    except MissingToolError as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return 1
    finally:
        if store:
            store.close()
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from workbench.outputs.exports import export_case

    case, store = _case(args), _store(args)
    try:
        result = export_case(case, args.format, args.output, protocol=args.protocol, store=store)
    finally:
        if store:
            store.close()
    print(f"wrote {', '.join(map(str, result.paths))}: "
          + ", ".join(f"{k} {v}" for k, v in result.counts.items()))
    return 0


def _case_command(sub, name: str, help: str, run, *, table: bool = True):
    p = sub.add_parser(name, help=help)
    p.add_argument("case", nargs="+", metavar="CASE_OR_CHRONOLOGY",
                   help="a case folder, or chronology files imported on the fly")
    p.add_argument("--protocol", help="protocol profile: england-2014 (default), wales-2021, "
                   "scotland-framework, or a local .yaml")
    if table:
        form = p.add_mutually_exclusive_group()
        form.add_argument("--json", action="store_true")
        form.add_argument("--csv", action="store_true")
    _reading_options(p)
    p.set_defaults(run=run)
    return p


def _version() -> str:
    from workbench import __version__

    return __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description="Case review workbench: "
                                     "multi-agency chronologies of children who go missing.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("import", help="read agency chronologies into a case folder")
    p.add_argument("chronology", nargs="+", help="CSV or XLSX returns, or folders of them")
    p.add_argument("-o", "--output", required=True, metavar="CASE", help="case folder to write")
    p.add_argument("--meta", metavar="FILE", help="YAML with id, title, child, protocol, "
                   "anonymisation (a folder's meta.yaml is read by itself)")
    p.add_argument("--replace", action="store_true",
                   help="replace an existing case folder, keeping its reviewer overrides")
    _reading_options(p)
    p.set_defaults(run=_cmd_import)

    p = sub.add_parser("validate", help="check chronologies or case folders; report every "
                       "problem")
    p.add_argument("path", nargs="+", help="chronology files, folders of them, or case folders")
    p.add_argument("--json", action="store_true", help="print the problems as JSON")
    _reading_options(p)
    p.set_defaults(run=_cmd_validate)

    p = sub.add_parser("generate", help="write a synthetic cohort with planted failures")
    p.add_argument("--cases", type=int, required=True, help="number of children")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p.set_defaults(run=_cmd_generate)

    p = sub.add_parser("kinds", help="print the event-kind vocabulary")
    p.set_defaults(run=_cmd_kinds)

    p = _case_command(sub, "flags", "hand-off failures found by the rules", _cmd_flags)
    p.add_argument("--pattern", help="only flags of this pattern")
    _case_command(sub, "handoffs", "every referral, notification and share, and its answer",
                  _cmd_handoffs)
    _case_command(sub, "episodes", "missing episodes with grading and return interviews",
                  _cmd_episodes)
    p = _case_command(sub, "knowledge", "what each agency knew at a moment", _cmd_knowledge)
    p.add_argument("--at", required=True, metavar="TIME", help="e.g. 2025-03-01T12:00 "
                   "(Europe/London unless an offset is given)")
    p = _case_command(sub, "network", "the agency network (summary, or a figure with -o)",
                      _cmd_network)
    p.add_argument("--start", metavar="TIME", help="window start")
    p.add_argument("--end", metavar="TIME", help="window end (exclusive)")
    p.add_argument("-o", "--output", metavar="FILE", help=".html, .png, .svg or .pdf")
    p = _case_command(sub, "timeline", "the swimlane timeline as a file", _cmd_timeline,
                      table=False)
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help=".html (self-contained), .png, .svg or .pdf")
    p.add_argument("--at", metavar="TIME", help="show the case as known at this moment")
    p.add_argument("--viewer", metavar="AGENCY", help="with --at: only what this agency knew")
    p.add_argument("--pattern", help="highlight only flags of this pattern")
    p = sub.add_parser("cohort", help="flags, timeliness and answer rates over a cohort")
    p.add_argument("folder", help="a generated cohort (events/*.parquet) or case folders")
    p.add_argument("--protocol")
    p.add_argument("--json", action="store_true")
    p.add_argument("-o", "--output", metavar="DIR", help="also write the tables as CSV")
    p.set_defaults(run=_cmd_cohort)

    p = sub.add_parser("build", help="import every case study in a folder and write its "
                       "analysis (the main job)")
    p.add_argument("folder", nargs="?", help="a folder of case studies (default: the "
                   "bundled ones)")
    p.add_argument("-o", "--output", default="build", metavar="DIR")
    p.set_defaults(run=_cmd_build)

    p = _case_command(sub, "report", "the review report: self-contained HTML, or PDF (Chromium)",
                      _cmd_report, table=False)
    p.add_argument("--session", metavar="ID", help="session id or join code whose notes, "
                   "findings and answers are reported")
    p.add_argument("--store", metavar="PATH", help="the review store (default: the one "
                   "`workbench serve` uses)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help=".html or .pdf")
    p = _case_command(sub, "export", "OCEL 2.0, XES, GraphML/GEXF, CSV/XLSX", _cmd_export,
                      table=False)
    p.add_argument("--format", required=True, choices=_FORMATS)
    p.add_argument("--store", metavar="PATH", help="review store for the action plan (csv, xlsx)")
    p.add_argument("-o", "--output", required=True, metavar="PATH", help="a file; a folder for csv")

    p = sub.add_parser("scan", help="look for identifying details (PII) in chronologies, "
                       "case folders and exports; exit 1 on findings")
    p.add_argument("path", nargs="+")
    p.add_argument("--key-file", metavar="FILE", help="the case's key table (real -> label), "
                   "kept outside the case: its real names form the deny list")
    p.add_argument("--deny", action="append", metavar="NAME", help="a name to look for; "
                   "repeatable")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_cmd_scan)

    p = sub.add_parser("pseudonymise", help="replace identifiers with labels or keyed "
                       "pseudonyms, writing a copy")
    p.add_argument("path", nargs="+")
    p.add_argument("--key-file", required=True, metavar="FILE",
                   help="key table (real -> label), kept outside the case and the repository")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--method", choices=("table", "hmac"), default="table")
    p.add_argument("--hmac-key-file", metavar="FILE", help="secret for --method hmac "
                   "(at least 32 bytes, outside the case and the repository)")
    p.add_argument("--declare-by", metavar="NAME", help="record an anonymisation declaration "
                   "by NAME in the output's case metadata")
    p.set_defaults(run=_cmd_pseudonymise)

    p = sub.add_parser("serve", help="serve the dashboards (Voilà) on the case studies; "
                       "prints the URL to open")
    p.add_argument("--lan", metavar="ADDRESS", help="serve a room's network on this "
                   "machine's address there (e.g. 192.168.1.20); default: this machine only")
    p.add_argument("--port", type=int, default=8866, help="default 8866")
    p.add_argument("--store", metavar="PATH", help="the review store (SQLite) holding notes "
                   "and workshops (default ~/.local/share/workbench/review.sqlite)")
    p.add_argument("--cases", metavar="DIR", help="case folders to offer beside the bundled "
                   "case studies")
    p.add_argument("--cohort", metavar="DIR", help="cohort for the cohort dashboard (default: "
                   "a small synthetic one)")
    token = p.add_mutually_exclusive_group()
    token.add_argument("--token", help="the access token (default: a new random one)")
    token.add_argument("--no-token", action="store_true",
                       help="no token (refused with --lan)")
    p.add_argument("--cull-idle", type=int, default=600, metavar="SECONDS",
                   help="stop a closed page's kernel after this many idle seconds (600)")
    p.set_defaults(run=_cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (FileExistsError, _Misuse) as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
