"""The ``workbench`` argument parser: every sub-command, its options and its help."""

from __future__ import annotations

import argparse

from workbench.cli._case_commands import (
    _cmd_cohort,
    _cmd_episodes,
    _cmd_export,
    _cmd_flags,
    _cmd_handoffs,
    _cmd_knowledge,
    _cmd_network,
    _cmd_report,
    _cmd_timeline,
)
from workbench.cli._file_commands import (
    _cmd_agencies,
    _cmd_build,
    _cmd_generate,
    _cmd_import,
    _cmd_kinds,
    _cmd_pseudonymise,
    _cmd_scan,
    _cmd_serve,
    _cmd_template,
    _cmd_validate,
)
from workbench.cli._options import _FORMATS, _reading_options


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
