"""The main job without a server: import every case study and write what it shows.

For each case-study folder (a folder of chronology files with a ``meta.yaml``),
:func:`build_all` writes ``OUT/NAME/case/`` (the case folder), ``flags.json``,
``episodes.csv`` and ``handoffs.csv`` (through the one CSV writer: atomic, formula
triggers neutralised), and ``OUT/summary.md`` (one line per case).
The dashboards (``workbench serve``) show the same cases interactively.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from workbench.analysis.analyse import analyse
from workbench.analysis.rules import find_flags
from workbench.errors import CaseValidationError
from workbench.io.atomic import atomic_write, write_csv
from workbench.io.casefile import write_case
from workbench.io.importer import import_chronologies

__all__ = ["build_all", "case_study_folders"]


def case_study_folders(folder: str | Path) -> list[Path]:
    """The case-study folders under ``folder`` (those holding a ``meta.yaml``)."""
    return sorted(p.parent for p in Path(folder).glob("*/meta.yaml"))


def build_all(folder: str | Path, out: str | Path) -> Iterator[str]:
    """Import, analyse and write every case study; yield one line of progress per case."""
    out = Path(out)
    lines = ["# Case studies", "",
             "| case | events | agencies | episodes | hand-offs | flags |",
             "|---|---|---|---|---|---|"]
    for study in case_study_folders(folder):
        try:
            case = import_chronologies([study])
        except CaseValidationError as exc:
            yield f"{study.name}: {len(exc.errors)} error(s)\n" + "\n".join(
                f"  {p}" for p in exc.problems)
            continue
        target = out / study.name
        write_case(case, target / "case", replace=True)
        analysis = analyse(case)
        flags = find_flags(analysis)
        atomic_write(target / "flags.json", json.dumps(
            {"case": case.id, "protocol": analysis.protocol.name,
             "flags": [f.to_dict() for f in flags]}, indent=1, ensure_ascii=False) + "\n")
        write_csv(analysis.episodes, target / "episodes.csv")  # neutralised, atomic
        write_csv(analysis.handoffs, target / "handoffs.csv")
        lines.append(f"| {case.id} | {len(case.events)} | {len(case.agencies)} | "
                     f"{len(analysis.episodes)} | {len(analysis.handoffs)} | {len(flags)} |")
        yield (f"{study.name}: {len(case.events)} events, {len(analysis.episodes)} episodes, "
               f"{len(flags)} flags -> {target}")
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "summary.md", "\n".join(lines) + "\n")
    yield f"Summary: {out / 'summary.md'}"
