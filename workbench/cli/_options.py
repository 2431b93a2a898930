"""The command line's shared parts: reading options, output paths, printing tables and
problems, the case or analysis a command works on."""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from workbench.terminal import escape_control

if TYPE_CHECKING:
    from workbench.agencies import AliasTable


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
    paths = [Path(p) for p in args.case]
    if len(paths) == 1 and (paths[0] / "case.yaml").is_file():
        from workbench.io.casefile import load_case

        return load_case(paths[0])
    from workbench.io.importer import import_chronologies  # (not the case folder's reader)

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
