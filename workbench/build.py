"""The main job: import every case study in a folder and write what it shows.

For each case-study folder (a folder of chronology files with a ``meta.yaml``),
:func:`build_all` writes ``OUT/cases/NAME/`` (the case folder) and
``OUT/summary.md`` (events, agencies and kinds per case, and any warnings met).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from workbench.casefile import write_case
from workbench.errors import CaseValidationError
from workbench.importer import import_chronologies

__all__ = ["build_all", "case_study_folders"]


def case_study_folders(folder: str | Path) -> list[Path]:
    """The case-study folders under ``folder`` (those holding a ``meta.yaml``)."""
    return sorted(p.parent for p in Path(folder).glob("*/meta.yaml"))


def build_all(folder: str | Path, out: str | Path) -> Iterator[str]:
    """Import and write every case study; yield one line of progress per case."""
    out = Path(out)
    lines = ["# Case studies", "", "| case | events | agencies | warnings |", "|---|---|---|---|"]
    for study in case_study_folders(folder):
        try:
            case = import_chronologies([study])
        except CaseValidationError as exc:
            yield f"{study.name}: {len(exc.errors)} error(s)\n" + "\n".join(
                f"  {p}" for p in exc.problems)
            continue
        path = write_case(case, out / "cases" / study.name, replace=True)
        lines.append(f"| {case.id} | {len(case.events)} | {len(case.agencies)} | "
                     f"{len(case.problems)} |")
        yield f"{study.name}: {len(case.events)} events, {len(case.agencies)} agencies -> {path}"
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    yield f"Summary: {out / 'summary.md'}"
