"""Validation: every problem in chronologies or case folders, reported at once.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "police.csv").write_text("Date,Agency,Event\\n31/02/2025,Polce,Found\\n")
>>> for problem in validate([folder / "police.csv"]):
...     print(problem.location, problem.reason)
police.csv:2:Date impossible-date
police.csv:2:Agency unknown-agency
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from workbench.agencies import AliasTable
from workbench.errors import CaseValidationError, Problem, Reason, Severity
from workbench.io.casefile import load_case, read_yaml
from workbench.io.chronology import Limits
from workbench.io.importer import CHRONOLOGY_SUFFIXES, check_events, collect_inputs

__all__ = ["Counted", "Validation", "validate", "validate_report"]


@dataclass(frozen=True)
class Counted:
    """What was read from one table: its data lines, the rows read from them and the
    events kept (a record may span lines; a row that is not kept is a problem)."""

    table: str
    lines: int
    rows: int
    events: int

    def line(self) -> str:
        return (f"{self.table}: {self.lines} data line(s) read as {self.rows} row(s); "
                f"{self.events} event(s) kept")


@dataclass(frozen=True)
class Validation:
    """Every problem found, and what was read from each table (case folders: events)."""

    problems: list[Problem]
    counts: tuple[Counted, ...] = ()

_LIMITS = Limits()  # the defaults, as for import


def validate(paths: Iterable[str | Path], *, mapping: Mapping[str, object] | None = None,
             agency: str | Mapping[str, str] | None = None, encoding: str | None = None,
             sheet: str | None = None, dayfirst: bool = True,
             aliases: AliasTable | None = None, limits: Limits = _LIMITS,
             strict: bool = False) -> list[Problem]:
    """Every problem in the paths: :func:`validate_report`'s problems."""
    return validate_report(paths, mapping=mapping, agency=agency, encoding=encoding,
                           sheet=sheet, dayfirst=dayfirst, aliases=aliases, limits=limits,
                           strict=strict).problems


def validate_report(paths: Iterable[str | Path], *,
                    mapping: Mapping[str, object] | None = None,
                    agency: str | Mapping[str, str] | None = None, encoding: str | None = None,
                    sheet: str | None = None, dayfirst: bool = True,
                    aliases: AliasTable | None = None, limits: Limits = _LIMITS,
                    strict: bool = False) -> Validation:
    """Check chronology files, folders of them, case folders and YAML files.

    Chronology files given together are checked as one composite chronology (so
    duplicate ids and references across returns are found); each folder of returns
    is checked as its own case. Returns every problem,
    errors and warnings; an empty list means the input is clean. ``limits`` are the
    size limits, as for :func:`~workbench.io.importer.import_chronologies`; with
    ``strict`` every warning is reported as an error.
    """
    from workbench.agencies import agencies_from_meta, load_aliases

    problems: list[Problem] = []
    counts: list[Counted] = []
    chronologies: list[Path] = []
    for path in map(Path, paths):
        if (path / "case.yaml").is_file():
            try:
                case = load_case(path)
                problems.extend(case.problems)
                n = len(case.events)
                counts.append(Counted(f"{path.absolute().name}/events.csv", n, n, n))
            except CaseValidationError as exc:
                problems.extend(exc.problems)
        elif path.is_dir() or path.suffix.lower() in CHRONOLOGY_SUFFIXES:
            chronologies.append(path)
        elif path.suffix.lower() in (".yaml", ".yml"):
            read_yaml(path, problems)
        elif not path.exists():
            problems.append(Problem(file=str(path), reason=Reason.FILE_NOT_FOUND,
                                    message="no such file or folder"))
        else:
            problems.append(Problem(file=path.name, reason=Reason.UNSUPPORTED_FORMAT,
                                    value=path.suffix, message="not a chronology (.csv, "
                                    ".xlsx), a case folder or a YAML file"))
    # each folder is one case's returns; loose files given together are one composite
    groups = [[p] for p in chronologies if p.is_dir()]
    loose = [p for p in chronologies if not p.is_dir()]
    for group in groups + ([loose] if loose else []):
        inputs = collect_inputs(group, agency=agency)
        met, read = check_events(inputs.files, mapping=mapping, agency=inputs.agency,
                                 encoding=encoding, sheet=sheet, dayfirst=dayfirst,
                                 aliases=(aliases or load_aliases()).with_agencies(
                                     agencies_from_meta(inputs.meta)), born=inputs.born,
                                 limits=limits)
        problems.extend((*inputs.problems, *met))
        for chron, lines, rows in read:
            label = f"{chron.name}!{chron.sheet}" if chron.sheet else chron.name
            counts.append(Counted(label, lines, rows, rows))
    if strict:
        problems = [replace(p, severity=Severity.ERROR) for p in problems]
    return Validation(problems, tuple(counts))
