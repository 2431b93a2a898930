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


def _pairs(values: Sequence[str] | None, option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or ():
        key, sep, rest = value.partition("=")
        if not sep or not key.strip() or not rest.strip():
            raise SystemExit(f"workbench: {option} expects FIELD=COLUMN, got {value!r}")
        out[key.strip()] = rest.strip()
    return out


def _agency_option(values: Sequence[str] | None) -> str | dict[str, str] | None:
    """``--agency NAME`` (every file lacking one) or ``--agency FILE=NAME`` (repeatable)."""
    if not values:
        return None
    plain = [v for v in values if "=" not in v]
    per_file = _pairs([v for v in values if "=" in v], "--agency")
    if plain and per_file:
        raise SystemExit("workbench: use either --agency NAME or --agency FILE=NAME, not both")
    if len(plain) > 1:
        raise SystemExit("workbench: give one --agency NAME, or FILE=NAME per file")
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


def _print_problems(problems: Sequence[object], stream=sys.stderr) -> None:
    for problem in problems:
        print(problem, file=stream)


def _cmd_import(args: argparse.Namespace) -> int:
    from workbench.casefile import read_yaml, write_case
    from workbench.errors import CaseValidationError
    from workbench.importer import import_chronologies

    meta = dict(read_yaml(Path(args.meta))) if args.meta else None
    out = Path(args.output)
    if out.exists() and any(out.iterdir()) and not args.replace:
        print(f"workbench: {out} exists; pass --replace to re-import into it (its reviewer "
              "overrides are kept)", file=sys.stderr)
        return 2
    try:
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
    from workbench.validate import validate

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
    from workbench.build import build_all

    for line in build_all(args.folder, args.output):
        print(line)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description="Case review workbench: "
                                     "multi-agency chronologies of children who go missing.")
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

    p = sub.add_parser("build", help="import every case study in a folder and write its "
                       "analysis (the main job)")
    p.add_argument("folder", nargs="?", default="casestudies")
    p.add_argument("-o", "--output", default="build", metavar="DIR")
    p.set_defaults(run=_cmd_build)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except FileExistsError as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
