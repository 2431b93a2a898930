"""The ``workbench`` command line.

Each sub-command is a thin wrapper over a library function; heavy imports happen
inside the command so that ``workbench --help`` starts quickly. Exit status: 0 on
success, 1 when the input has errors (or a scan finds something), 2 on misuse.

Every error ends in one place, :func:`main`: the workbench's own errors and the
usual operating-system ones (a missing path, a file that cannot be read, a full
disk, a damaged review store) print one clean line naming the place, with a hint;
``--debug`` (or ``WORKBENCH_DEBUG=1``) prints the traceback too. Output piped into a
program that stops reading (``| head``) ends quietly. Control characters in
anything printed are shown escaped, never obeyed by the terminal. ``-o -`` writes
a single output file to standard output.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from workbench.terminal import SafeStream, escape_control

if TYPE_CHECKING:
    from workbench.agencies import AliasTable

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
    parser.add_argument("--map", action="append", metavar="[FILE:]FIELD=COLUMN",
                        help="read COLUMN as FIELD, in every file or in FILE only (fields: "
                        "ref, source_ref, at, time, end_at, end_time, agency, kind, summary, "
                        "details, action, outcome, shared_with, refers_to, risk, author); "
                        "repeatable")
    parser.add_argument("--agency", action="append", metavar="NAME|FILE=NAME",
                        help="agency of returns with no agency column (by default read from "
                        "a return's title block or file name); repeatable per file")
    parser.add_argument("--encoding", default=None, help="text encoding of CSV files "
                        "(default: UTF-8, a byte-order mark accepted, else Windows-1252 with "
                        "a warning)")
    parser.add_argument("--sheet", help="the XLSX sheet to read (default: every sheet that "
                        "holds a chronology)")
    parser.add_argument("--month-first", action="store_true",
                        help="read 05/02/2025 as 2 May (default: UK day-first)")
    parser.add_argument("--aliases", metavar="FILE", help="YAML of extra agency aliases "
                        "(see `workbench agencies`)")
    parser.add_argument("--strict", action="store_true", help="treat every warning as an "
                        "error (for a clean return)")


def _aliases(path: str | None) -> AliasTable:
    from workbench.agencies import load_aliases

    if path:  # bounded YAML first (no aliases, no deep nesting), with its location
        from workbench.safeyaml import read_yaml_file

        read_yaml_file(path)
    try:
        return load_aliases(path)
    except (FileNotFoundError, IsADirectoryError, ValueError) as exc:  # the option is wrong
        raise _Misuse(f"--aliases {path}: {exc}") from None
    # other OS errors (a bad sector, a permission) end as one clean line, exit 1


class _Reading(TypedDict):
    """How to read chronologies: the keyword options the importer and validator share."""

    mapping: dict[str, str]
    agency: str | dict[str, str] | None
    encoding: str | None
    sheet: str | None
    dayfirst: bool
    aliases: AliasTable
    strict: bool


def _reading_kwargs(args: argparse.Namespace) -> _Reading:
    return {"mapping": _pairs(args.map, "--map"), "agency": _agency_option(args.agency),
            "encoding": args.encoding, "sheet": args.sheet, "dayfirst": not args.month_first,
            "aliases": _aliases(args.aliases), "strict": args.strict}


def _print_problems(problems: Sequence[object], stream=None) -> None:
    for problem in problems:
        print(escape_control(str(problem)), file=stream or sys.stderr)


def _time_option(value: str | None, option: str) -> str | None:
    """``value`` checked to be a time (as the library reads it), else a clean misuse."""
    if value is None:
        return None
    import pandas as pd

    from workbench.errors import OptionError

    try:
        when = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        when = pd.NaT
    if pd.isna(when):
        raise OptionError(f"{option} {value!r} is not a date and time: write e.g. "
                          "2025-03-01T12:00 (Europe/London unless an offset is given)")
    return value


#: the file suffix an output sent to standard output (``-o -``) is written as
_STDOUT_SUFFIX = {"ocel-json": ".json", "ocel-sqlite": ".sqlite", "xes": ".xes",
                  "graphml": ".graphml", "gexf": ".gexf", "xlsx": ".xlsx",
                  "timesketch-csv": ".csv", "timesketch-jsonl": ".jsonl"}


@contextlib.contextmanager
def _output_path(value: str, *, suffix: str) -> Iterator[Path]:
    """The path a command writes to; for ``-`` a temporary file (named with ``suffix``)
    whose bytes are copied to standard output once written."""
    if value != "-":
        yield Path(value)
        return
    with tempfile.TemporaryDirectory(prefix="workbench-stdout-") as folder:
        path = Path(folder) / f"output{suffix}"
        yield path
        sys.stdout.flush()
        out = getattr(sys.stdout, "buffer", None)
        if out is None:  # a text-only stream (tests): text formats only
            sys.stdout.write(path.read_text("utf-8"))
        else:
            out.write(path.read_bytes())
            out.flush()


def _wrote(path: Path, value: str, what: str = "") -> None:
    """'wrote PATH' on standard output, or on standard error when the output went there."""
    if value == "-":
        print(f"wrote {what or 'the output'} to standard output", file=sys.stderr)
    else:
        print(f"wrote {path}{what and f' ({what})'}")


def _problem_dict(p) -> dict[str, object]:
    return {"location": p.location, "file": p.file, "line": p.line, "column": p.column,
            "sheet": p.sheet, "cell": p.cell, "reason": str(p.reason),
            "severity": str(p.severity), "value": p.value, "message": p.message}


def _cmd_import(args: argparse.Namespace) -> int:
    from workbench.errors import CaseValidationError, Severity
    from workbench.io.casefile import read_yaml, write_case
    from workbench.io.importer import import_report

    out = Path(args.output)
    if out.exists() and not (out.is_dir() and args.replace):
        what = "a file" if not out.is_dir() else "a folder"
        print(f"workbench: {out} exists ({what}); pass --replace to re-import into a case "
              "folder (its reviewer overrides are kept)", file=sys.stderr)
        return 2
    try:
        meta = dict(read_yaml(Path(args.meta))) if args.meta else None
    except CaseValidationError as exc:
        _print_problems(exc.problems)
        print(f"{len(exc.errors)} error(s); nothing written.", file=sys.stderr)
        return 1
    report = import_report(args.chronology, meta=meta, **_reading_kwargs(args))
    case = report.case
    if case is not None:
        write_case(case, out, replace=args.replace)
    if args.json:
        print(json.dumps({**report.summary.to_dict(), "written": str(out) if case else None,
                          "problems": [_problem_dict(p) for p in report.problems]},
                         indent=1, ensure_ascii=False))
        return 0 if case else 1
    _print_problems(report.problems)
    if case is None:
        errors = sum(p.severity is Severity.ERROR for p in report.problems)
        if report.summary.files:  # the rows read, beside the events kept (none)
            print(report.summary.lines()[0], file=sys.stderr)
        print(f"{errors} error(s); nothing written.", file=sys.stderr)
        return 1
    for line in report.summary.lines():
        print(line)
    agencies = ", ".join(a.name for a in case.agencies)
    print(f"{out}: {len(case.events)} events from {len(case.sources)} file(s); "
          f"agencies: {agencies}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from workbench.errors import Severity
    from workbench.io.validate import validate_report

    report = validate_report(args.path, **_reading_kwargs(args))
    problems = report.problems
    if args.json:
        print(json.dumps([_problem_dict(p) for p in problems], indent=1))
    else:
        _print_problems(problems, sys.stdout)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    if not args.json:
        for counted in report.counts:
            print(counted.line())
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


def _cmd_template(args: argparse.Namespace) -> int:
    from workbench.outputs.template import template_agencies, write_return_template

    if not args.output.lower().endswith((".xlsx", ".xlsm")) and args.output != "-":
        raise _Misuse(f"-o {args.output}: the template is a workbook; name it .xlsx")
    names = template_agencies(args.agency)
    with _output_path(args.output, suffix=".xlsx") as target:
        path = write_return_template(target, names)
    _wrote(path, args.output, f"one sheet per agency: {len(names)}")
    return 0


def _cmd_agencies(args: argparse.Namespace) -> int:
    from workbench.agencies import load_aliases

    if args.add or args.sector:
        from workbench.io.aliasfile import add_aliases

        if not args.aliases:
            raise _Misuse("--add and --sector write to the case's alias file: give --aliases FILE")
        names = _pairs(args.add, "--add")
        try:
            add_aliases(args.aliases, names, sectors=_pairs(args.sector, "--sector"))
        except (OSError, ValueError, TypeError) as exc:
            raise _Misuse(f"--aliases {args.aliases}: {exc}") from None
        for written, agency in names.items():
            print(f"{args.aliases}: {written!r} is read as {agency}")
    table = _aliases(args.aliases) if args.aliases else load_aliases()
    if args.json:
        print(json.dumps([{"name": a.name, "sector": a.sector, "aliases": list(a.aliases)}
                          for a in table.agencies], indent=1, ensure_ascii=False))
    elif not (args.add or args.sector):
        for a in table.agencies:
            print(f"{a.name:28} {a.sector:13} {', '.join(a.aliases)}")
        print("Names in no alias are agencies of their own, their sector read from their "
              "words; add aliases with --aliases FILE --add NAME=AGENCY.")
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
        from workbench.io.atomic import csv_text

        print(csv_text(frame, lineterminator="\n"), end="")
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


def _cmd_serve(args: argparse.Namespace) -> int:
    import tempfile

    from workbench.serve import ServeError, run, serve_plan

    with tempfile.TemporaryDirectory(prefix="workbench-serve-") as config_dir:
        try:
            plan = serve_plan(lan=args.lan, port=args.port,
                              token="" if args.no_token else args.token, store=args.store,
                              create_store=args.create_store, cases=args.cases,
                              cohort=args.cohort, config_dir=config_dir,
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
    if report.declaration_refused:
        print(f"declaration not written: {report.declaration_refused}", file=sys.stderr)
    for path in report.declared:
        print(f"declared anonymised by {args.declare_by}: {path}")
    return 0 if report.ok else 1


_FORMATS = ("ocel-json", "ocel-sqlite", "xes", "graphml", "gexf", "csv", "xlsx",  # --help stays fast
            "timesketch-csv", "timesketch-jsonl")


def _store(args: argparse.Namespace):
    """The review store named by --store (which must exist), or the default one when
    it exists."""
    from workbench.apps.settings import default_store_path
    from workbench.store import NotesStore

    path = Path(args.store) if args.store else default_store_path()
    if args.store is None and not path.is_file():
        return None
    return NotesStore(path, create=False)


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
    p.add_argument("--json", action="store_true", help="print the import summary (rows read, "
                   "events kept, warnings by reason, new agencies, dates made undated) as JSON")
    _reading_options(p)
    p.set_defaults(run=_cmd_import)

    p = sub.add_parser("template", help="write an agency return workbook (one sheet per "
                       "agency, drop-downs, date hints) that imports back without a mapping")
    p.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    p.add_argument("--agency", action="append", metavar="NAME",
                   help="an agency to give a sheet (repeat; default: the bundled agency list)")
    p.set_defaults(run=_cmd_template)

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

    p = sub.add_parser("agencies", help="print the agency alias table; add aliases to a "
                       "case's alias file")
    p.add_argument("--aliases", metavar="FILE", help="the case's alias file (YAML), read with "
                   "the bundled table; --add and --sector write to it")
    p.add_argument("--add", action="append", metavar="NAME=AGENCY",
                   help="read NAME as AGENCY (a known agency, or a new one); repeatable")
    p.add_argument("--sector", action="append", metavar="AGENCY=SECTOR",
                   help="the sector of a new agency (police, social-care, education, health, "
                   "third-sector, family, other); repeatable")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_cmd_agencies)

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
    p.add_argument("--create-store", action="store_true", help="start a new review store at "
                   "--store PATH when there is none (otherwise a missing one is refused)")
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


def _explain(exc: BaseException) -> tuple[list[str], int]:
    """The lines to print for an error that ended a command, and the exit status
    (1: the input or a file is wrong; 2: the command was asked for wrongly)."""
    import sqlite3

    from workbench.errors import (
        CaseValidationError,
        MissingToolError,
        OptionError,
        StoreError,
        UnknownItemError,
        UnknownProtocolError,
        WorkbenchError,
    )

    if isinstance(exc, CaseValidationError):
        shown = [escape_control(str(p)) for p in exc.problems[:50]]
        more = len(exc.problems) - len(shown)
        tail = f" (and {more} more)" if more > 0 else ""
        return [*shown, f"workbench: {len(exc.errors)} error(s) in the input{tail}"], 1
    if isinstance(exc, (_Misuse, OptionError, UnknownProtocolError, UnknownItemError,
                        FileExistsError)):
        return [f"workbench: {exc}"], 2
    if isinstance(exc, StoreError):
        return [f"workbench: {exc}"], 1
    if isinstance(exc, MissingToolError):
        return [f"workbench: {exc}"], 1
    if isinstance(exc, WorkbenchError):
        return [f"workbench: {exc}"], 2 if isinstance(exc, ValueError) else 1
    if isinstance(exc, OSError):
        where = exc.filename if exc.filename is not None else "a file"
        what = {FileNotFoundError: "no such file or folder",
                PermissionError: "permission denied: check who may read (or write) it",
                IsADirectoryError: "is a folder, where a file was expected",
                NotADirectoryError: "is not a folder, where a folder was expected"}.get(
                    type(exc), exc.strerror or str(exc))
        return [f"workbench: {where}: {what}"], 1
    if isinstance(exc, sqlite3.Error):
        return [f"workbench: the review store could not be used ({exc}): name another "
                "with --store, or restore it from a backup"], 1
    if isinstance(exc, UnicodeError):
        return [f"workbench: {exc}: save the file as UTF-8"], 1
    if isinstance(exc, MemoryError):
        return ["workbench: ran out of memory (is an input far larger than a case?)"], 1
    if isinstance(exc, ValueError):
        return [f"workbench: {exc}"], 2
    return [f"workbench: unexpected {type(exc).__name__}: {exc}; run again with --debug "
            "for the traceback, and report it"], 1


def _quiet_broken_pipe() -> None:
    """The reader of standard output went away (``| head``): end without a word."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing more to flush at exit
    except (OSError, ValueError, AttributeError):  # not a real file (tests)
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Errors end here: one clean line each (``--debug`` for the traceback), exit
    status 1 for bad input and 2 for misuse.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or os.environ.get("WORKBENCH_DEBUG", "") not in ("", "0")
    argv = [a for a in argv if a != "--debug"]
    parser = _parser()
    parser.add_argument("--debug", action="store_true",
                        help="print the traceback of an error (also WORKBENCH_DEBUG=1)")
    args = parser.parse_args(argv)
    stdout, stderr = sys.stdout, sys.stderr
    machine = bool(getattr(args, "json", False) or getattr(args, "csv", False))
    tty = bool(getattr(stdout, "isatty", lambda: False)())
    sys.stdout = SafeStream(stdout, escape=tty or not machine)
    sys.stderr = SafeStream(stderr)
    try:
        try:
            status = int(args.run(args))
            sys.stdout.flush()
            return status
        except BrokenPipeError:
            _quiet_broken_pipe()
            return 0
        except KeyboardInterrupt:
            print("workbench: interrupted", file=sys.stderr)
            return 130
        except Exception as exc:  # one error path: a clean line, the traceback on --debug
            if debug:
                import traceback

                traceback.print_exc()
            lines, status = _explain(exc)
            for line in lines:
                print(escape_control(line), file=sys.stderr)
            return status
    finally:
        sys.stdout, sys.stderr = stdout, stderr


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
