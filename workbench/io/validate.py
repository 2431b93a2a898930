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
from dataclasses import replace
from pathlib import Path

from workbench.agencies import AliasTable
from workbench.errors import CaseValidationError, Problem, Reason, Severity
from workbench.io.casefile import load_case, read_yaml
from workbench.io.chronology import Limits
from workbench.io.importer import CHRONOLOGY_SUFFIXES, collect_inputs, read_events

__all__ = ["validate"]

_LIMITS = Limits()  # the defaults, as for import


def validate(paths: Iterable[str | Path], *, mapping: Mapping[str, object] | None = None,
             agency: str | Mapping[str, str] | None = None, encoding: str | None = None,
             sheet: str | None = None, dayfirst: bool = True,
             aliases: AliasTable | None = None, limits: Limits = _LIMITS,
             strict: bool = False) -> list[Problem]:
    """Check chronology files, folders of them, case folders and YAML files.

    Chronology files given together are checked as one composite chronology (so
    duplicate ids and references across returns are found); each folder of returns
    is checked as its own case. Returns every problem,
    errors and warnings; an empty list means the input is clean. ``limits`` are the
    size limits, as for :func:`~workbench.io.importer.import_chronologies`; with
    ``strict`` every warning is reported as an error.
    """
    problems: list[Problem] = []
    chronologies: list[Path] = []
    for path in map(Path, paths):
        if (path / "case.yaml").is_file():
            try:
                problems.extend(load_case(path).problems)
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
        _, met = read_events(inputs.files, mapping=mapping, agency=inputs.agency,
                             encoding=encoding, sheet=sheet, dayfirst=dayfirst, aliases=aliases,
                             born=inputs.born, limits=limits)
        problems.extend((*inputs.problems, *met))
    if strict:
        problems = [replace(p, severity=Severity.ERROR) for p in problems]
    return problems
