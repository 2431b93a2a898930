"""Commands on files: import, validate, generate, template, agencies, kinds, build, scan,
pseudonymise and serve."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from workbench.cli._options import (
    _aliases,
    _bundled,
    _Misuse,
    _output_path,
    _pairs,
    _print_problems,
    _problem_dict,
    _reading_kwargs,
    _wrote,
)


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


def _cmd_serve(args: argparse.Namespace) -> int:

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
